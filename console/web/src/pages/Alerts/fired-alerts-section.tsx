import { roleMay, type AlertState } from '@dlp/shared';
import { ErrorBanner } from '../../components/error-banner';
import { useI18n } from '../../i18n';
import { replaceParams, useHashParams } from '../../router/hash-router';
import { useCurrentUser } from '../../session/session-context';
import { AlertGroupRow } from './alert-group-row';
import { useAlertInbox } from './use-alert-inbox';

const STATES: readonly AlertState[] = ['open', 'acknowledged', 'resolved'];

/** The state filter as the address holds it (`#/alerts?state=open`); anything else means all. */
function stateOf(params: URLSearchParams): AlertState | '' {
  const value = params.get('state');
  return STATES.find((s) => s === value) ?? '';
}

/**
 * The alerts inbox: alerts grouped by rule and burst, newest first, page by page with a total; the
 * state filter lives in the address. Officers and admins acknowledge and resolve with a note.
 */
export function FiredAlertsSection() {
  const { t } = useI18n();
  const state = stateOf(useHashParams());
  const canTriage = roleMay('triage', useCurrentUser()?.role);
  const inbox = useAlertInbox(state);
  const total = inbox.total;
  return (
    <section className="card section-gap" aria-labelledby="fired-alerts-title">
      <div className="page-heading">
        <h2 id="fired-alerts-title">{t('alerts.fired.title')}</h2>
        <label className="inline-field">
          <span>{t('alerts.filter.state')}</span>
          <select name="alert-state" value={state} onChange={(e) => replaceParams('/alerts', { state: e.target.value })}>
            <option value="">{t('common.all')}</option>
            {STATES.map((s) => (
              <option key={s} value={s}>
                {t(`alerts.state.${s}`)}
              </option>
            ))}
          </select>
        </label>
      </div>
      {total && total.alerts > 0 && (
        <p className="muted" data-testid="alerts-total">
          {total.exact ? t('alertsInbox.total', { alerts: total.alerts, groups: total.groups }) : t('alertsInbox.totalAtLeast', { alerts: total.alerts })} · {t('alertsInbox.shown', { shown: inbox.groups.length })}
        </p>
      )}
      {inbox.error !== null && <ErrorBanner error={inbox.error} onRetry={() => void inbox.reload()} />}
      {inbox.groups.length === 0 ? (
        !inbox.loading && <p className="muted">{t('alerts.fired.none')}</p>
      ) : (
        <table className="data-table compact-table" data-testid="fired-alerts">
          <thead>
            <tr>
              <th scope="col">{t('alerts.col.firedAt')}</th>
              <th scope="col">{t('alerts.col.rule')}</th>
              <th scope="col">{t('alerts.col.severity')}</th>
              <th scope="col">{t('alerts.col.about')}</th>
              <th scope="col">{t('alerts.col.title')}</th>
              <th scope="col">{t('alerts.col.events')}</th>
              <th scope="col">{t('alerts.col.state')}</th>
            </tr>
          </thead>
          <tbody>
            {inbox.groups.map((group) => (
              <AlertGroupRow key={group.key} group={group} canTriage={canTriage} onChanged={inbox.replaceAlerts} />
            ))}
          </tbody>
        </table>
      )}
      {inbox.hasMore && (
        <button type="button" className="button section-gap" disabled={inbox.loadingMore} onClick={() => void inbox.loadMore()}>
          {inbox.loadingMore ? t('alertsInbox.loadingMore') : t('alertsInbox.loadMore')}
        </button>
      )}
    </section>
  );
}
