import type { StreamStatus } from '../api';
import { useI18n } from '../i18n';

/** A dot and a word telling whether the page is receiving events live. */
export function ConnectionIndicator({ status }: { status: StreamStatus }) {
  const { t } = useI18n();
  return (
    <span className={`connection connection-${status}`} role="status" data-status={status}>
      <span className="connection-dot" aria-hidden="true" />
      <span className="visually-hidden">{t('connection.label')}: </span>
      {t(`connection.${status}`)}
    </span>
  );
}
