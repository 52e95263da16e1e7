import { useMemo, useState } from 'react';
import { ConnectionIndicator } from '../../components/connection-indicator';
import { ErrorBanner } from '../../components/error-banner';
import { useNow } from '../../hooks/use-now';
import { formatCount, useI18n } from '../../i18n';
import { NO_FILTERS, type EventFilters } from './event-feed';
import { EventFilterBar } from './event-filters';
import { EventsTable } from './events-table';
import { MinuteChart } from './minute-chart';
import { bucketByMinute } from './minute-buckets';
import { useEventFeed } from './use-event-feed';
import { useEventStream } from './use-event-stream';
import { useMinuteCounts } from './use-minute-counts';

/** Latest events, then live ones as agents report them, with a per-minute chart of the last hour. */
export function EventsPage() {
  const { t, language } = useI18n();
  const [filters, setFilters] = useState<EventFilters>(NO_FILTERS);
  const now = useNow(20_000);
  const feed = useEventFeed(filters);
  const counts = useMinuteCounts(filters, now);
  const stream = useEventStream({
    onEvents: (events) => {
      feed.ingestLive(events);
      counts.ingestLive(events);
    },
    onResync: () => {
      feed.resync();
      counts.resync();
    },
  });
  const buckets = useMemo(() => bucketByMinute(counts.points.values(), now), [counts.points, now]);

  return (
    <main className="page">
      <div className="page-heading">
        <div>
          <h1>{t('events.title')}</h1>
          <p className="muted">{t('events.subtitle')}</p>
        </div>
        <ConnectionIndicator status={stream.status} />
      </div>
      {stream.rejected > 0 && (
        <div className="banner banner-warning" role="alert">
          {t('error.invalidResponse')}
        </div>
      )}
      <MinuteChart buckets={buckets} truncatedAt={counts.truncated ? counts.points.size : null} />
      <div className="toolbar">
        <EventFilterBar filters={filters} onChange={setFilters} />
        {!feed.loading && <span className="muted small">{t('events.shown', { count: formatCount(feed.events.length, language) })}</span>}
      </div>
      {feed.error !== null && <ErrorBanner error={feed.error} onRetry={feed.reload} />}
      {feed.loading ? (
        <p className="muted" role="status">
          {t('app.loading')}
        </p>
      ) : feed.events.length === 0 ? (
        <p className="empty-inline">{t('events.empty')}</p>
      ) : (
        <EventsTable events={feed.events} now={now} />
      )}
      {feed.hasOlder && !feed.loading && (
        <div className="table-footer">
          <button type="button" className="button" onClick={feed.loadOlder} disabled={feed.loadingOlder}>
            {feed.loadingOlder ? t('common.loadingMore') : t('events.loadOlder')}
          </button>
        </div>
      )}
    </main>
  );
}
