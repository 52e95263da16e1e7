import { eventSearchQuery, sampleEvent, uuidv7, type EventSearchQuery, type StoredEvent } from '@dlp/shared';
import { EventSearchService } from './event-search-service';
import { seedHistory, type SeededHistory } from '../store/suite/events-seed';
import type { StoreSuite } from '../store/suite/store-suite';

/** Parses a query-string-like object the way the route does (defaults, coercion, validation). */
function q(fields: Record<string, string>): EventSearchQuery {
  return eventSearchQuery.parse({ limit: '1000', ...fields });
}

/** Event search: every filter, keyset pages under concurrent ingest, hostile values. */
export const eventsSearchSuite: StoreSuite = (context) => {
  let seed: SeededHistory;
  let search: EventSearchService;
  const labels = async (fields: Record<string, string>): Promise<string[]> => (await search.search(q(fields))).items.map((e) => seed.label(e));

  beforeEach(async () => {
    seed = await seedHistory(context.store);
    search = new EventSearchService(context.store);
  });

  it('orders newest first by occurredAt and filters by each field', async () => {
    expect(await labels({})).toEqual(['B4', 'A4', 'B5', 'B3', 'B2', 'B1', 'A3', 'A2', 'A1', 'A6', 'A5', 'A10', 'A9', 'A8', 'A7']);
    const cases: Array<[Record<string, string>, string[]]> = [
      [{ from: '2026-03-02T01:30:00Z', to: '2026-03-03T02:00:00Z' }, ['A3', 'A2']],
      [{ from: '2026-03-03T01:00:00+08:00', to: '2026-03-03T10:00:00.001+08:00' }, ['B1', 'A3']],
      [{ groupId: seed.groupBlue }, ['B4', 'B5', 'B3', 'B2', 'B1']],
      [{ agentId: seed.agentA, from: '2026-03-01T00:00:00Z' }, ['A4', 'A3', 'A2', 'A1']],
      [{ user: 'bob' }, ['B4', 'B3', 'B2', 'B1']],
      [{ user: '张伟' }, ['B5']],
      [{ host: 'ws-b', type: 'usb' }, ['B3', 'B1']],
      [{ type: 'content' }, ['A4']],
      [{ action: 'would-block' }, ['A2']],
      [{ severity: 'critical' }, ['A4']],
      [{ ruleId: 'usb-deny', from: '2026-03-01T00:00:00Z' }, ['B1', 'A3']],
      [{ device: '0781:5567' }, ['B3', 'B1', 'A3']],
      [{ device: '0781:5567:SN1' }, ['B1', 'A3']],
      [{ deviceSerial: 'K1' }, ['A6', 'A10', 'A9', 'A8']],
      [{ sha256: 'b'.repeat(64) }, ['A4']],
      [{ sha256: 'c'.repeat(64) }, ['B2']],
      [{ q: 'xclip', from: '2026-03-01T00:00:00Z' }, ['B4', 'A2', 'A1']],
      [{ q: 'XCLIP', from: '2026-03-01T00:00:00Z' }, ['B4', 'A2', 'A1']],
      [{ q: 'sandisk' }, ['B3', 'B1', 'A3']],
      [{ q: 'ws-a', type: 'content' }, ['A4']],
      [{ q: '张' }, ['B5']],
      [{ q: 'x.xlsx' }, ['A4']],
      // LIKE wildcards are literal: only B2's path holds `%` or `_`.
      [{ q: '100%' }, ['B2']],
      [{ q: '%' }, ['B2']],
      [{ q: '_' }, ['B2']],
      [{ q: 'usb_deny' }, []],
    ];
    for (const [fields, expected] of cases) expect([JSON.stringify(fields), await labels(fields)]).toEqual([JSON.stringify(fields), expected]);
  });

  it('returns nothing (and no error) for SQL fragments and odd values', async () => {
    const hostile = ["' OR 1=1 --", "alice' --", '"; DROP TABLE events; --', '\\', "ws-a' UNION SELECT json FROM events --", 'x'.repeat(200)];
    for (const value of hostile) {
      expect(await labels({ q: value })).toEqual([]);
      expect(await labels({ user: value })).toEqual([]);
      expect(await labels({ host: value })).toEqual([]);
      expect(await labels({ deviceSerial: value })).toEqual([]);
    }
    // The store binds even a 100 KB value as a parameter (the REST schema refuses it earlier).
    const huge = 'x'.repeat(100_000);
    expect(await context.store.eventSearch.search({ text: huge, user: huge, limit: 10 })).toEqual([]);
    expect((await labels({})).length).toBe(15);
  });

  it('keeps the group an event had at ingest when its agent moves', async () => {
    await context.store.agents.setGroup(seed.agentA, seed.groupBlue);
    const later = { ...sampleEvent({ seq: 11, occurredAt: '2026-03-10T00:00:00.000Z', host: 'ws-a' }), agentId: seed.agentA, receivedAt: new Date().toISOString() };
    await context.store.transaction((tx) => tx.events.insertEvents([later]));
    expect(await labels({ groupId: seed.groupRed, from: '2026-03-01T00:00:00Z' })).toEqual(['A4', 'A3', 'A2', 'A1']);
    const blue = (await search.search(q({ groupId: seed.groupBlue }))).items;
    expect(blue.map((e) => e.seq)[0]).toBe(11);
  });

  it('walks pages without repeating or skipping a row while events keep arriving', async () => {
    const agentId = seed.agentB;
    const at = (minute: number): string => new Date(Date.UTC(2026, 3, 1, 0, minute)).toISOString();
    const original: StoredEvent[] = Array.from({ length: 60 }, (_, i) => ({
      // Many share an occurredAt so the row id must break ties.
      ...sampleEvent({ id: uuidv7(), seq: 100 + i, occurredAt: at(Math.floor(i / 4)) }),
      agentId,
      receivedAt: new Date().toISOString(),
    }));
    await context.store.transaction((tx) => tx.events.insertEvents(original));
    const range = { from: at(0), to: at(60) };
    const seen: string[] = [];
    let cursor: string | null = null;
    let nextSeq = 1000;
    for (let page = 0; page < 30; page++) {
      const result = await search.search(q({ ...range, limit: '7', ...(cursor !== null ? { cursor } : {}) }));
      seen.push(...result.items.map((e) => e.id));
      // Concurrent ingest between pages: newer, older and same-time rows at the current position.
      const last = result.items[result.items.length - 1];
      const arriving = [at(59), at(0), last?.occurredAt ?? at(30)].map((occurredAt) => ({
        ...sampleEvent({ seq: nextSeq++, occurredAt }),
        agentId,
        receivedAt: new Date().toISOString(),
      }));
      await context.store.transaction((tx) => tx.events.insertEvents(arriving));
      cursor = result.nextCursor;
      if (cursor === null) break;
    }
    expect(new Set(seen).size).toBe(seen.length);
    const seenSet = new Set(seen);
    expect(original.filter((e) => !seenSet.has(e.id))).toEqual([]);
  });

  it('scans unindexed filters in windows, returning partial pages with a cursor past the time budget', async () => {
    // Windows of ~2 events and no time budget: every page stops after one window.
    const windowed = new EventSearchService(context.store, { windowEvents: 2, budgetMs: 0 });
    const walk = async (fields: Record<string, string>): Promise<{ labels: string[]; pages: number }> => {
      const out: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page = await windowed.search(q({ ...fields, limit: '2', ...(cursor !== null ? { cursor } : {}) }));
        out.push(...page.items.map((e) => seed.label(e)));
        cursor = page.nextCursor;
        pages++;
      } while (cursor !== null && pages < 50);
      return { labels: out, pages };
    };
    const text = await walk({ q: 'xclip' });
    expect(text.labels).toEqual(['B4', 'A2', 'A1', 'A5', 'A7']);
    expect(text.pages).toBeGreaterThan(3);
    expect((await walk({ type: 'usb', from: '2026-02-22T00:00:00Z' })).labels).toEqual(['B3', 'B1', 'A3', 'A6', 'A10', 'A9']);
    // With a budget, the same search fills its pages.
    expect((await new EventSearchService(context.store, { windowEvents: 2 }).search(q({ q: 'xclip', limit: '10' }))).items.map((e) => seed.label(e))).toEqual(['B4', 'A2', 'A1', 'A5', 'A7']);
    const all: string[] = [];
    for await (const page of windowed.pages({ q: 'xclip' }, 2)) all.push(...page.map((e) => seed.label(e)));
    expect(all).toEqual(['B4', 'A2', 'A1', 'A5', 'A7']);
  });

  it('counts what the search finds, exactly below max and as "at least max" above it', async () => {
    const filters: Array<Record<string, string>> = [{}, { user: 'bob' }, { type: 'usb', from: '2026-02-22T00:00:00Z' }, { q: 'xclip' }, { groupId: seed.groupBlue }, { sha256: 'b'.repeat(64) }, { q: 'nothing-matches' }];
    for (const fields of filters) {
      const found = (await search.search(q(fields))).items.length;
      const { limit: _limit, cursor: _cursor, ...filter } = q(fields);
      expect([fields, await search.count(filter, 1000)]).toEqual([fields, { count: found, exact: true }]);
      if (found > 1) expect([fields, await search.count(filter, found - 1)]).toEqual([fields, { count: found - 1, exact: false }]);
    }
    // Windows of ~2 events: the count crosses windows and stays exact; with no time left after the
    // first window it is a lower bound ("at least").
    const windowed = (budgetMs: number) => new EventSearchService(context.store, { windowEvents: 2, budgetMs });
    expect(await windowed(10_000).count({ q: 'xclip' }, 100)).toEqual({ count: 5, exact: true });
    const early = await windowed(0).count({ q: 'xclip' }, 100);
    expect(early.exact).toBe(false);
    expect(early.count).toBeLessThan(5);
  });

  it('tells the group each event arrived in', async () => {
    const page = await search.searchWithGroups(q({ from: '2026-03-01T00:00:00Z' }));
    expect(page.items.map(({ event, groupId }) => `${seed.label(event)}:${groupId === seed.groupBlue ? 'blue' : groupId === seed.groupRed ? 'red' : String(groupId)}`)).toEqual([
      'B4:blue',
      'A4:red',
      'B5:blue',
      'B3:blue',
      'B2:blue',
      'B1:blue',
      'A3:red',
      'A2:red',
      'A1:red',
    ]);
  });

  it('walks a whole search in bounded pages for export', async () => {
    const pages: number[] = [];
    for await (const page of search.pages({}, 4)) pages.push(page.length);
    expect(pages).toEqual([4, 4, 4, 3]);
  });
};
