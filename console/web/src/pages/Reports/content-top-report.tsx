import type { ContentTopRow } from '@dlp/shared';
import { useApi } from '../../api';
import { ErrorBanner } from '../../components/error-banner';
import { useLoader } from '../../hooks/use-loader';
import { formatCount, useI18n } from '../../i18n';
import { searchHref } from '../../router/event-search-link';

type Dimension = 'host' | 'user';

/** One ranking (hosts or users): each row links to Search & triage with exactly the filters it counts by. */
function ContentTopTable({ dimension, rows, range }: { dimension: Dimension; rows: readonly ContentTopRow[]; range: { from: string; to: string } }) {
  const { t, language } = useI18n();
  const title = t(dimension === 'host' ? 'content.report.hosts' : 'content.report.users');
  return (
    <section className="chart-card" data-testid={`content-top-${dimension}`}>
      <h2 className="chart-title">{title}</h2>
      {rows.length === 0 ? (
        <p className="muted small">{t('content.report.empty')}</p>
      ) : (
        <table className="data-table">
          <thead>
            <tr>
              <th scope="col">{t(dimension === 'host' ? 'content.report.col.host' : 'content.report.col.user')}</th>
              <th scope="col">{t('content.report.col.events')}</th>
              <th scope="col">{t('content.report.col.values')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.key} data-key={row.key} data-events={row.events} data-values={row.values}>
                <td>
                  <a
                    href={searchHref({ type: 'content', [dimension]: row.key, from: range.from, to: range.to })}
                    aria-label={t('content.report.open', { key: row.key, count: formatCount(row.events, language) })}
                  >
                    {row.key}
                  </a>
                </td>
                <td>{formatCount(row.events, language)}</td>
                <td>{formatCount(row.values, language)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/**
 * "Top hosts and users by customer-data events" over the page's period (issue 16 item 5): content
 * events and the values they detected; a row opens its events in Search & triage.
 */
export function ContentTopReport({ range }: { range: { from: string; to: string } }) {
  const { t } = useI18n();
  const api = useApi();
  const report = useLoader(() => api.reports.contentTop({ from: range.from, to: range.to, limit: 10 }), `${range.from}/${range.to}`);
  return (
    <section className="report-wide" data-testid="content-report">
      <h2>{t('content.report.title')}</h2>
      <p className="muted small">{t('content.report.subtitle')}</p>
      {report.error !== null && <ErrorBanner error={report.error} onRetry={() => void report.reload()} />}
      {report.data && (
        <div className="report-grid">
          <ContentTopTable dimension="host" rows={report.data.hosts} range={range} />
          <ContentTopTable dimension="user" rows={report.data.users} range={range} />
        </div>
      )}
    </section>
  );
}
