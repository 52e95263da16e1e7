import type { ContentTopQuery, ContentTopReport } from '@dlp/shared';
import type { ConsoleStore } from '../store/store';

/**
 * "Top hosts and users by customer-data events" (issue 16 item 5): content events in the chosen
 * period with the detected values they report. Ranges are the search's (half-open on the placed
 * time), so a row's drill-down into Search & triage finds exactly the events it counts.
 */
export class ContentReportService {
  constructor(private readonly store: Pick<ConsoleStore, 'contentReport'>) {}

  async top(query: ContentTopQuery): Promise<ContentTopReport> {
    const range = { fromMs: Date.parse(query.from), toMs: Date.parse(query.to) };
    const [hosts, users] = await Promise.all([this.store.contentReport.top('host', range, query.limit), this.store.contentReport.top('user', range, query.limit)]);
    return { from: new Date(range.fromMs).toISOString(), to: new Date(range.toMs).toISOString(), hosts, users };
  }
}
