import { sampleEvent } from '@dlp/shared';
import { parseEventBatch } from './event-stream';

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
