import { useState } from 'react';
import type { AlertState } from '@dlp/shared';
import { useApi } from '../../api';
import { Badge, SeverityLabel } from '../../components/badges';
import { ErrorBanner } from '../../components/error-banner';
import { useLoader } from '../../hooks/use-loader';
import { formatDateTime, useI18n } from '../../i18n';
import { describeAlert, describeEntity } from './alert-labels';

const REFRESH_MS = 15_000;

/** Fired alerts, newest first, with their state; every role sees them. */
export function FiredAlertsSection() {
  const { t, language } = useI18n();
  const api = useApi();
  const [state, setState] = useState<AlertState | ''>('');
  const alerts = useLoader(() => api.alerts.list(state === '' ? {} : { state }, { limit: 100 }), `alerts:${state}`, REFRESH_MS);
  const items = alerts.data?.items ?? [];
  return (
    <section className="card section-gap" aria-labelledby="fired-alerts-title">
      <div className="page-heading">
        <h2 id="fired-alerts-title">{t('alerts.fired.title')}</h2>
        <label className="inline-field">
          <span>{t('alerts.filter.state')}</span>
          <select name="alert-state" value={state} onChange={(e) => setState(e.target.value as AlertState | '')}>
            <option value="">{t('common.all')}</option>
            <option value="open">{t('alerts.state.open')}</option>
            <option value="resolved">{t('alerts.state.resolved')}</option>
          </select>
        </label>
      </div>
      {alerts.error !== null && <ErrorBanner error={alerts.error} onRetry={() => void alerts.reload()} />}
      {items.length === 0 ? (
        !alerts.loading && <p className="muted">{t('alerts.fired.none')}</p>
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
            {items.map((alert) => (
              <tr key={alert.id}>
                <td className="cell-nowrap">{formatDateTime(alert.firedAt, language)}</td>
                <td>
                  {alert.ruleName}
                  <div className="muted small">{t(`alerts.kind.${alert.kind}`)}</div>
                </td>
                <td>
                  <SeverityLabel severity={alert.severity} />
                </td>
                <td>{describeEntity(alert.entity, t)}</td>
                <td title={alert.title}>{describeAlert(alert, t)}</td>
                <td>{alert.eventCount}</td>
                <td>
                  <Badge tone={alert.state === 'open' ? 'red' : 'green'}>{t(`alerts.state.${alert.state}`)}</Badge>
                  {alert.resolvedAt && <div className="muted small">{formatDateTime(alert.resolvedAt, language)}</div>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
