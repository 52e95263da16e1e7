import type { ReportDimension } from '@dlp/shared';
import { useApi } from '../../api';
import { ErrorBanner } from '../../components/error-banner';
import { useLoader } from '../../hooks/use-loader';
import { useI18n } from '../../i18n';
import { EventCells, type EventColumn } from '../../components/event-cells';
import { browserOffset, dailyBars } from './report-range';
import { StackedBarChart, TopList } from './stacked-bar-chart';
import { LocalTime } from '../../components/local-time';

const RECENT_COLUMNS: readonly EventColumn[] = ['host', 'user', 'action', 'subject'];

export type EntityDimension = Exclude<ReportDimension, 'app'>;

/** One user, host or device over the range: events per day, related hosts or users, latest events. */
export function EntityHistory({ dimension, entityKey, range, dayLabel, onClose }: { dimension: EntityDimension; entityKey: string; range: { from: string; to: string }; dayLabel: (ms: number) => string; onClose(): void }) {
  const { t } = useI18n();
  const api = useApi();
  const history = useLoader(
    () => api.reports.entity({ dimension, key: entityKey, from: range.from, to: range.to, bucket: 'day', tz: browserOffset(), recent: 10 }),
    `${dimension}/${entityKey}/${range.from}`,
  );
  const report = history.data;
  return (
    <section className="entity-history" aria-label={t('reports.entity.title', { key: entityKey })} data-testid="entity-history">
      <div className="page-heading">
        <h2>{t(`reports.entity.${dimension}`, { key: entityKey })}</h2>
        <button type="button" className="button button-small" onClick={onClose}>
          {t('common.close')}
        </button>
      </div>
      {history.error !== null && <ErrorBanner error={history.error} onRetry={() => void history.reload()} />}
      {report && (
        <div className="report-grid">
          <div className="report-wide">
            <StackedBarChart title={t('reports.perDay')} bars={dailyBars(report.rows, range.from, range.to, dayLabel)} />
          </div>
          <TopList title={t(dimension === 'host' ? 'reports.relatedUsers' : 'reports.relatedHosts')} items={report.related} />
          <div className="table-wrap report-wide">
            <table className="data-table">
              <caption className="chart-title">{t('reports.recent')}</caption>
              <tbody>
                {report.recent.map((event) => (
                  <tr key={`${event.agentId}/${event.seq}`}>
                    <td className="cell-time"><LocalTime iso={event.occurredAt} /></td>
                    <EventCells event={event} columns={RECENT_COLUMNS} />
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      )}
    </section>
  );
}
