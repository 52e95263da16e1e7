import { useI18n } from '../i18n';

/**
 * Cancel and submit at the foot of a dialog's form. While the action runs, the submit button is
 * disabled and says so. Without `onSubmit` the button submits the form around it. `focusCancel`:
 * Cancel takes the focus, so a stray Enter does nothing (confirmations).
 */
export function DialogActions({
  onCancel,
  running,
  label,
  danger = false,
  disabled = false,
  onSubmit,
  focusCancel = false,
}: {
  onCancel: () => void;
  running: boolean;
  label: string;
  danger?: boolean;
  disabled?: boolean;
  onSubmit?: () => void;
  focusCancel?: boolean;
}) {
  const { t } = useI18n();
  return (
    <div className="form-actions">
      <button type="button" className="button" onClick={onCancel} autoFocus={focusCancel}>
        {t('common.cancel')}
      </button>
      <button
        type={onSubmit ? 'button' : 'submit'}
        className={`button ${danger ? 'button-danger' : 'button-primary'}`}
        disabled={running || disabled}
        {...(onSubmit ? { onClick: onSubmit } : {})}
      >
        {running ? t('common.working') : label}
      </button>
    </div>
  );
}
