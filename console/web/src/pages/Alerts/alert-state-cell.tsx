import type { FiredAlert } from '@dlp/shared';
import { Badge } from '../../components/badges';
import { formatDateTime, useI18n } from '../../i18n';
import { utcTitle } from '../../components/local-time';

const TONE = { open: 'red', acknowledged: 'amber', resolved: 'green' } as const;

/** An alert's state with who acknowledged or resolved it, when, and their note. */
export function AlertStateCell({ alert }: { alert: FiredAlert }) {
  const { t, language } = useI18n();
  const local = (iso: string): string => formatDateTime(iso, language);
  return (
    <>
      <Badge tone={TONE[alert.state]}>{t(`alerts.state.${alert.state}`)}</Badge>
      {alert.acknowledged && (
        <div className="muted small" data-testid="alert-ack" title={utcTitle(alert.acknowledged.at)}>
          {t('alertsInbox.ackBy', { by: alert.acknowledged.by, at: local(alert.acknowledged.at) })}
          {alert.acknowledged.note !== '' && <div>{t('alertsInbox.note', { note: alert.acknowledged.note })}</div>}
        </div>
      )}
      {alert.resolvedAt && (
        <div className="muted small" title={utcTitle(alert.resolvedAt)}>
          {alert.resolvedBy === null ? t('alertsInbox.resolvedAuto', { at: local(alert.resolvedAt) }) : t('alertsInbox.resolvedBy', { by: alert.resolvedBy, at: local(alert.resolvedAt) })}
          {alert.resolveNote && <div>{t('alertsInbox.note', { note: alert.resolveNote })}</div>}
        </div>
      )}
    </>
  );
}
