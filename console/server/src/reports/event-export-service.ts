import type { EventExportQuery } from '@dlp/shared';
import { csvLine, UTF8_BOM } from '../service-kit/csv-format';
import { TriageWalk } from '../triage/triage-walk';
import type { ConsoleStore } from '../store/store';
import { csvValueTexts, eventCsvFields, eventCsvHeader, localTimeFormatter } from './event-csv';

/** Streams any event search as CSV, newest first, one keyset page in memory at a time. */
export class EventExportService {
  private readonly walk: TriageWalk;

  constructor(store: ConsoleStore) {
    this.walk = new TriageWalk(store);
  }

  /**
   * The CSV in chunks: BOM and header row first, then one chunk per search page (EXPORT_PAGE_ROWS rows at
   * most), so the writer awaits once per page rather than once per row. `rows()` counts the data rows
   * produced so far (for the audit record).
   */
  csv(query: EventExportQuery): { chunks: AsyncGenerator<string>; rows(): number } {
    const { tz, lang, triageState, ...filter } = query;
    const localTime = localTimeFormatter(tz);
    const values = csvValueTexts(lang);
    const walk = this.walk;
    let rows = 0;
    async function* chunks(): AsyncGenerator<string> {
      yield `${UTF8_BOM}${csvLine(eventCsvHeader(lang, tz))}`;
      for await (const page of walk.pages(filter, triageState)) {
        let chunk = '';
        for (const row of page) chunk += csvLine(eventCsvFields(row, localTime, values));
        rows += page.length;
        yield chunk;
      }
    }
    return { chunks: chunks(), rows: () => rows };
  }
}
