import { sampleEvent, type StoredEvent } from '@dlp/shared';
import { NO_FILTERS, appendPage, prependLive, prependPage } from './event-feed';

const AGENT_ID = '019ad0a0-0000-7000-8000-000000000001';
let seq = 0;
function stored(overrides: Partial<StoredEvent> = {}): StoredEvent {
  seq++;
  return { ...sampleEvent({ seq }), agentId: AGENT_ID, receivedAt: new Date().toISOString(), ...overrides };
}
const ids = (events: readonly StoredEvent[]) => events.map((event) => event.seq);

describe('live event feed', () => {
  it('puts a live batch on top, newest first', () => {
    const initial = [stored(), stored()].reverse(); // a REST page: newest first
    const batch = [stored(), stored()]; // a live batch: in seq order
    expect(ids(prependLive(initial, batch, NO_FILTERS))).toEqual([4, 3, 2, 1]);
  });

  it('never shows an event twice, whether re-sent live or also in a page', () => {
    const first = stored();
    const second = stored();
    let feed = prependLive([], [first, second], NO_FILTERS);
    feed = prependLive(feed, [first, second], NO_FILTERS);
    feed = prependPage(feed, [second, first]);
    feed = appendPage(feed, [second]);
    expect(feed.map((event) => event.id)).toEqual([second.id, first.id]);
  });

  it('only adds live events that match the chosen filters', () => {
    const blocked = stored({ action: 'blocked' });
    const wouldBlock = stored({ action: 'would-block' });
    const usb = stored({ action: 'blocked', type: 'usb' });
    const feed = prependLive([], [blocked, wouldBlock, usb], { action: 'blocked', type: 'app' });
    expect(feed.map((event) => event.id)).toEqual([blocked.id]);
  });

  it('drops the oldest rows beyond the cap and appends older pages below', () => {
    const batch = [stored(), stored(), stored()];
    const feed = prependLive([], batch, NO_FILTERS, 2);
    expect(ids(feed)).toEqual([batch[2]?.seq, batch[1]?.seq]);
    const older = stored({ seq: 1 });
    expect(appendPage(feed, [older]).at(-1)?.id).toBe(older.id);
  });
});
