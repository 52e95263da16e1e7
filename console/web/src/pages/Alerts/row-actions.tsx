import { useI18n } from '../../i18n';

/** The (edit,) enable/disable and delete buttons of a rule or destination row (admins only). */
export function EnableDeleteButtons({ enabled, busy, onToggle, onDelete, onEdit }: { enabled: boolean; busy: boolean; onToggle(): void; onDelete(): void; onEdit?(): void }) {
  const { t } = useI18n();
  return (
    <>
      {onEdit && (
        <>
          <button type="button" className="button button-small" disabled={busy} onClick={onEdit}>
            {t('alerts.edit')}
          </button>{' '}
        </>
      )}
      <button type="button" className="button button-small" disabled={busy} onClick={onToggle}>
        {t(enabled ? 'alerts.rules.disable' : 'alerts.rules.enable')}
      </button>{' '}
      <button type="button" className="button button-small button-danger" disabled={busy} onClick={onDelete}>
        {t('common.delete')}
      </button>
    </>
  );
}
