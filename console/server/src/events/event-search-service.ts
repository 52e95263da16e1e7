import type { EventSearchFilter, EventSearchPage, EventSearchQuery, StoredEvent } from '@dlp/shared';
import type { EventSearchPosition, EventSearchRepoFilter, EventSearchRow } from '../store/event-search-store';
import type { ConsoleStore } from '../store/store';
import { ServiceError } from '../service-kit/service-error';
import type { EventWithGroup } from './event-context';

/** Rows per page when walking a whole search (export): bounded memory whatever the result size. */
export const SEARCH_WALK_PAGE = 1000;

function badCursor(): ServiceError {
  return new ServiceError('invalid_request', 'invalid_request', 'The cursor is not valid.', [{ path: 'cursor', message: 'must be a cursor returned by the API' }]);
}

/** The cursor is base64url of `<occurredAtMs>.<rowId>`: the last row's position in newest-first order. */
export function encodeSearchCursor(position: EventSearchPosition): string {
  return Buffer.from(`${position.occurredAtMs}.${position.rowId}`, 'utf8').toString('base64url');
}

export function decodeSearchCursor(cursor: string): EventSearchPosition {
  const match = /^(-?[0-9]{1,16})\.([1-9][0-9]{0,15})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match) throw badCursor();
  const occurredAtMs = Number(match[1]);
  const rowId = Number(match[2]);
  if (!Number.isSafeInteger(occurredAtMs) || !Number.isSafeInteger(rowId)) throw badCursor();
  return { occurredAtMs, rowId };
}

/** Turns the validated REST filter into the store's normalized filter (no paging). */
export function toRepoFilter(filter: EventSearchFilter, limit: number): EventSearchRepoFilter {
  const out: EventSearchRepoFilter = { limit };
  if (filter.from !== undefined) out.fromMs = Date.parse(filter.from);
  if (filter.to !== undefined) out.toMs = Date.parse(filter.to);
  if (filter.groupId !== undefined) out.groupId = filter.groupId;
  if (filter.agentId !== undefined) out.agentId = filter.agentId;
  if (filter.user !== undefined) out.user = filter.user;
  if (filter.host !== undefined) out.host = filter.host;
  if (filter.type !== undefined) out.type = filter.type;
  if (filter.action !== undefined) out.action = filter.action;
  if (filter.severity !== undefined) out.severity = filter.severity;
  if (filter.ruleId !== undefined) out.ruleId = filter.ruleId;
  if (filter.device !== undefined) {
    // `vid:pid` is a model (any serial); `vid:pid:serial` one physical device.
    if (filter.device.length === 9) out.deviceModel = filter.device;
    else out.deviceKey = filter.device;
  }
  if (filter.deviceSerial !== undefined) out.deviceSerial = filter.deviceSerial;
  if (filter.sha256 !== undefined) out.sha256 = filter.sha256;
  if (filter.q !== undefined) out.text = filter.q.toLowerCase();
  return out;
}

/**
 * Most events one search statement may scan when no selective index serves the filter (free
 * text, serial number, type/action only): sized from the hourly roll-up, so each statement stays
 * short and never holds the single SQLite connection (and ingest behind it) for long.
 */
export const SCAN_WINDOW_EVENTS = 25_000;
/** Time budget of one page of such a search; past it the page returns what it found so far. */
export const SEARCH_TIME_BUDGET_MS = 150;
const MAX_ROW_ID = Number.MAX_SAFE_INTEGER;
const FAR_MS = 8.64e15;

/** True when only the time index can serve the filter, so a scan could cover a whole range. */
function needsWindows(f: EventSearchRepoFilter): boolean {
  return [f.groupId, f.agentId, f.user, f.host, f.ruleId, f.deviceKey, f.deviceModel, f.sha256].every((v) => v === undefined);
}

interface RowsResult {
  rows: EventSearchRow[];
  /** Where to continue (the page stopped at its time budget), or null when the range is exhausted. */
  resumeAt: EventSearchPosition | null;
}

/**
 * Event search: every filter of GET /events, newest first by occurredAt with keyset pagination
 * (stable while agents keep sending: pages never shift or repeat), and a bounded-memory walk for
 * CSV export. Filters without a selective index are scanned in windows of at most
 * SCAN_WINDOW_EVENTS events; a page that runs out of its time budget holds fewer than `limit`
 * items and a `nextCursor` to continue from (only a null `nextCursor` means the end).
 */
export class EventSearchService {
  private readonly windowEvents: number;
  private readonly budgetMs: number;
  private readonly now: () => number;

  constructor(
    private readonly store: ConsoleStore,
    options: { windowEvents?: number; budgetMs?: number; now?: () => number } = {},
  ) {
    this.windowEvents = options.windowEvents ?? SCAN_WINDOW_EVENTS;
    this.budgetMs = options.budgetMs ?? SEARCH_TIME_BUDGET_MS;
    this.now = options.now ?? (() => performance.now());
  }

  /** One page; `nextCursor` is null on the last page. */
  async search(query: EventSearchQuery): Promise<EventSearchPage> {
    const page = await this.searchWithGroups(query);
    return { items: page.items.map((item) => item.event), nextCursor: page.nextCursor };
  }

  /** One page as `search` finds it, each event with the group its agent was in when it arrived. */
  async searchWithGroups(query: EventSearchQuery): Promise<{ items: EventWithGroup[]; nextCursor: string | null }> {
    const filter = toRepoFilter(query, query.limit + 1);
    if (query.cursor !== undefined) filter.after = decodeSearchCursor(query.cursor);
    // One extra row tells whether another page exists without a COUNT.
    const { rows, resumeAt } = await this.rows(filter, this.now() + this.budgetMs);
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    let nextCursor: string | null = null;
    if (rows.length > query.limit && last) nextCursor = encodeSearchCursor(last);
    else if (resumeAt) nextCursor = encodeSearchCursor(resumeAt);
    return { items: page.map((row) => ({ event: row.event, groupId: row.groupId })), nextCursor };
  }

  /**
   * How many events match, counting at most `max`: `exact: false` means "at least `count`". A
   * filter served by a selective index is one bounded count; other filters are counted window by
   * window like a search page, within the same time budget, so a count never scans a whole table.
   */
  async count(filter: EventSearchFilter, max: number): Promise<{ count: number; exact: boolean }> {
    const repoFilter = toRepoFilter(filter, max + 1);
    const repo = this.store.eventSearch;
    const answer = (counted: number, complete: boolean) => (counted > max ? { count: max, exact: false } : { count: counted, exact: complete });
    if (!needsWindows(repoFilter)) return answer(await repo.count(repoFilter), true);
    const deadline = this.now() + this.budgetMs;
    let counted = 0;
    let after: EventSearchPosition | undefined;
    for (;;) {
      const windowStart = await this.windowStart(repoFilter, after);
      counted += await repo.count({
        ...repoFilter,
        ...(after ? { after } : {}),
        ...(windowStart !== undefined ? { fromMs: windowStart } : {}),
        limit: max + 1 - counted,
      });
      if (counted > max || windowStart === undefined) return answer(counted, true);
      after = { occurredAtMs: windowStart - 1, rowId: MAX_ROW_ID };
      if (this.now() >= deadline) return answer(counted, false);
    }
  }

  /**
   * Every matching event, newest first, `pageSize` at a time (for streaming exports). Only one
   * page is held at once; events ingested during the walk with an older occurredAt than the
   * current position are not included (the walk is a consistent keyset scan, not a snapshot).
   */
  async *pages(filter: EventSearchFilter, pageSize = SEARCH_WALK_PAGE): AsyncGenerator<StoredEvent[]> {
    const repoFilter = toRepoFilter(filter, pageSize);
    for (;;) {
      const { rows } = await this.rows(repoFilter, Infinity);
      if (rows.length === 0) return;
      yield rows.map((row) => row.event);
      const last = rows[rows.length - 1];
      if (!last || rows.length < pageSize) return;
      repoFilter.after = { occurredAtMs: last.occurredAtMs, rowId: last.rowId };
    }
  }

  /** Up to filter.limit rows after filter.after, window by window until full, exhausted or late. */
  private async rows(filter: EventSearchRepoFilter, deadline: number): Promise<RowsResult> {
    const repo = this.store.eventSearch;
    if (!needsWindows(filter)) return { rows: await repo.search(filter), resumeAt: null };
    const rows: EventSearchRow[] = [];
    let after = filter.after;
    for (;;) {
      const windowStart = await this.windowStart(filter, after);
      const part = await repo.search({
        ...filter,
        ...(after ? { after } : {}),
        ...(windowStart !== undefined ? { fromMs: windowStart } : {}),
        limit: filter.limit - rows.length,
      });
      rows.push(...part);
      if (rows.length >= filter.limit || windowStart === undefined) return { rows, resumeAt: null };
      // Everything at or after windowStart has been searched: continue strictly before it.
      after = { occurredAtMs: windowStart - 1, rowId: MAX_ROW_ID };
      if (this.now() >= deadline) return { rows, resumeAt: after };
    }
  }

  /** Start of the next window below the position: as many recent hours as hold ~SCAN_WINDOW_EVENTS. */
  private async windowStart(filter: EventSearchRepoFilter, after: EventSearchPosition | undefined): Promise<number | undefined> {
    const lower = filter.fromMs ?? -FAR_MS;
    const upper = after ? after.occurredAtMs + 1 : (filter.toMs ?? FAR_MS);
    const limit = 2000;
    const hours = await this.store.eventSearch.hourTotals({ fromMs: lower, toMs: upper }, limit);
    let seen = 0;
    for (const hour of hours) {
      seen += hour.count;
      if (seen >= this.windowEvents) return hour.hourMs > lower ? hour.hourMs : undefined;
    }
    const oldest = hours[hours.length - 1];
    return hours.length === limit && oldest && oldest.hourMs > lower ? oldest.hourMs : undefined;
  }
}
