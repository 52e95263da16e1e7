import { useMemo, useState } from 'react';
import { roleMay, type ReportDimension } from '@dlp/shared';
import { useApi } from '../../api';
import { ErrorBanner } from '../../components/error-banner';
import { useLoader } from '../../hooks/use-loader';
import { formatCount, useI18n } from '../../i18n';
import { useCurrentUser } from '../../session/session-context';
import { ContentTopReport } from './content-top-report';
import { EntityHistory, type EntityDimension } from './entity-history';
import { browserOffset, dailyBars, lastDays } from './report-range';
import { ReportSchedules } from './report-schedules';
import { StackedBarChart, TopList } from './stacked-bar-chart';

const DIMENSIONS: readonly ReportDimension[] = ['user', 'host', 'device', 'app'];

/** Trends for officers: events per day by action, top users/hosts/devices/apps, this week vs last, drill-down. */
export function ReportsPage() {
  const { t, language } = useI18n();
  const api = useApi();
  const user = useCurrentUser();
  const [days, setDays] = useState(7);
  const [entity, setEntity] = useState<{ dimension: EntityDimension; key: string } | null>(null);
  const range = useMemo(() => lastDays(days), [days]);
  const dayLabel = useMemo(() => {
    const format = new Intl.DateTimeFormat(language, { month: '2-digit', day: '2-digit' });
    return (ms: number) => format.format(new Date(ms));
  }, [language]);

  const report = useLoader(async () => {
    const [counts, week, ...tops] = await Promise.all([
      api.reports.counts({ from: range.from, to: range.to, bucket: 'day', tz: browserOffset() }),
      api.reports.weekOverWeek(range.to),
      ...DIMENSIONS.map((dimension) => api.reports.top({ dimension, from: range.from, to: range.to, limit: 10 })),
    ]);
    return { counts, week, tops };
  }, `${range.from}/${range.to}`);
  const data = report.data;

  return (
    <main className="page">
      <div className="page-heading">
        <div>
          <h1>{t('reports.title')}</h1>
          <p className="muted">{t('reports.subtitle')}</p>
        </div>
        <label className="inline-field">
          <span>{t('reports.range')}</span>
          <select value={days} onChange={(change) => setDays(Number(change.target.value))}>
            <option value={7}>{t('reports.range.7')}</option>
            <option value={30}>{t('reports.range.30')}</option>
            <option value={90}>{t('reports.range.90')}</option>
          </select>
        </label>
      </div>
      {report.error !== null && <ErrorBanner error={report.error} onRetry={() => void report.reload()} />}
      {report.loading && (
        <p className="muted" role="status">
          {t('app.loading')}
        </p>
      )}
      {data && (
        <div className="report-grid">
          <div className="report-wide">
            <StackedBarChart title={t('reports.perDay')} bars={dailyBars(data.counts.rows, range.from, range.to, dayLabel)} testId="chart-per-day" />
          </div>
          {DIMENSIONS.map((dimension, index) => (
            <TopList
              key={dimension}
              title={t(`reports.top.${dimension}`)}
              items={data.tops[index]?.items ?? []}
              testId={`top-${dimension}`}
              {...(dimension !== 'app' ? { onPick: (key: string) => setEntity({ dimension, key }) } : {})}
            />
          ))}
          <section className="chart-card report-wide" data-testid="week-over-week">
            <h2 className="chart-title">{t('reports.week')}</h2>
            <table className="data-table">
              <thead>
                <tr>
                  <th scope="col">{t('events.col.type')}</th>
                  <th scope="col">{t('events.col.action')}</th>
                  <th scope="col">{t('reports.week.current')}</th>
                  <th scope="col">{t('reports.week.previous')}</th>
                  <th scope="col">{t('reports.week.change')}</th>
                </tr>
              </thead>
              <tbody>
                {data.week.rows.map((row) => (
                  <tr key={`${row.type}/${row.action}`}>
                    <td>{t(`type.${row.type}`)}</td>
                    <td>{t(`action.${row.action}`)}</td>
                    <td>{formatCount(row.current, language)}</td>
                    <td>{formatCount(row.previous, language)}</td>
                    <td>{row.changePct === null ? t('common.none') : `${row.changePct > 0 ? '+' : ''}${row.changePct}%`}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        </div>
      )}
      <ContentTopReport range={range} />
      {entity && <EntityHistory key={`${entity.dimension}/${entity.key}`} dimension={entity.dimension} entityKey={entity.key} range={range} dayLabel={dayLabel} onClose={() => setEntity(null)} />}
      {roleMay('administration', user?.role) && <ReportSchedules />}
    </main>
  );
}
