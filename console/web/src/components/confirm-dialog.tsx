import { useI18n } from '../i18n';
import { Dialog } from './dialog';
import { DialogActions } from './dialog-actions';
import { ErrorBanner } from './error-banner';

/**
 * Asks before an action that changes agents or accounts (issue 17 item 7): `message` names what
 * will happen. Focus starts on Cancel, so a stray Enter or arrow key after a select changed does
 * nothing; only Apply runs `onConfirm`.
 */
export function ConfirmDialog({
  message,
  running,
  error,
  onConfirm,
  onCancel,
}: {
  message: string;
  running: boolean;
  error: unknown;
  onConfirm(): void;
  onCancel(): void;
}) {
  const { t } = useI18n();
  return (
    <Dialog title={t('confirm.title')} onClose={onCancel}>
      <p className="confirm-message">{message}</p>
      {error !== null && <ErrorBanner error={error} />}
      <DialogActions onCancel={onCancel} onSubmit={onConfirm} running={running} label={t('confirm.apply')} focusCancel />
    </Dialog>
  );
}
