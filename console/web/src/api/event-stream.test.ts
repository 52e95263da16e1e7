import { sampleEvent } from '@dlp/shared';
import { openEventStream, parseEndReason, parseEventBatch } from './event-stream';

const storedSample = () => ({ ...sampleEvent(), agentId: '019ad0a0-0000-7000-8000-000000000001', receivedAt: new Date().toISOString() });

describe('parseEventBatch', () => {
  it('keeps the valid events of a batch and counts the invalid ones', () => {
    const good = storedSample();
    const bad = { ...storedSample(), action: 'exploded' };
    const result = parseEventBatch(JSON.stringify([good, bad]));
    expect(result.events.map((event) => event.id)).toEqual([good.id]);
    expect(result.rejected).toBe(1);
  });

  it('rejects payloads that are not a JSON array', () => {
    expect(parseEventBatch('not json')).toEqual({ events: [], rejected: 1 });
    expect(parseEventBatch('{"id":1}')).toEqual({ events: [], rejected: 1 });
  });
});

/** Just enough of EventSource for openEventStream: events are dispatched by the test. */
class FakeSource extends EventTarget {
  static readonly CLOSED = 2;
  readyState = 1;
  constructor(readonly url: string) {
    super();
  }
  close(): void {
    this.readyState = FakeSource.CLOSED;
  }
  send(name: string, data: string): void {
    this.dispatchEvent(new MessageEvent(name, { data }));
  }
}

describe('openEventStream when the console ends the stream', () => {
  const previous = (globalThis as { EventSource?: unknown }).EventSource;
  beforeAll(() => {
    (globalThis as { EventSource?: unknown }).EventSource = FakeSource;
  });
  afterAll(() => {
    (globalThis as { EventSource?: unknown }).EventSource = previous;
  });

  function open() {
    const sources: FakeSource[] = [];
    const statuses: string[] = [];
    const received: string[] = [];
    const refused: number[] = [];
    const handle = openEventStream(
      '/api/v1/events/stream',
      { onEvents: (events) => received.push(...events.map((e) => e.id)), onStatus: (s) => statuses.push(s), onRefused: () => refused.push(1) },
      {
        createSource: (url) => {
          const source = new FakeSource(url);
          sources.push(source);
          return source as unknown as EventSource;
        },
      },
    );
    return { sources, statuses, received, refused, handle };
  }

  it('re-opens at once after its lifetime and keeps delivering events', () => {
    const s = open();
    s.sources[0]?.dispatchEvent(new Event('open'));
    s.sources[0]?.send('end', '{"reason":"lifetime"}');
    expect(s.sources).toHaveLength(2);
    expect(s.sources[0]?.readyState).toBe(FakeSource.CLOSED);
    s.sources[1]?.dispatchEvent(new Event('open'));
    const event = storedSample();
    s.sources[1]?.send('events', JSON.stringify([event]));
    expect(s.received).toEqual([event.id]);
    expect(s.statuses).toEqual(['connecting', 'live', 'reconnecting', 'live']);
    s.handle.close();
  });

  it('after a revocation the re-opened stream is refused, which reports it (the UI then checks the session)', () => {
    const s = open();
    s.sources[0]?.send('end', '{"reason":"revoked"}');
    const second = s.sources[1];
    if (!second) throw new Error('no second source');
    second.readyState = FakeSource.CLOSED; // what EventSource does on a 401
    second.dispatchEvent(new Event('error'));
    expect(s.refused).toEqual([1]);
    s.handle.close();
  });

  it('leaves a node shutting down to EventSource’s own reconnect; any other end re-opens', () => {
    const s = open();
    s.sources[0]?.send('end', '{"reason":"shutdown"}');
    expect(s.sources).toHaveLength(1);
    s.sources[0]?.send('end', 'not json');
    expect(s.sources).toHaveLength(2);
    expect(parseEndReason('{"reason":"lifetime"}')).toBe('lifetime');
    expect(parseEndReason('{"reason":3}')).toBeUndefined();
    expect(parseEndReason('{"reason":"no-such-reason"}')).toBeUndefined();
    expect(parseEndReason(undefined)).toBeUndefined();
    s.handle.close();
  });
});
