import type { AlertNotification, FiredAlert } from '@dlp/shared';
import type { AlertDestinationRecord } from '../store/alert-store';
import { AlertDispatcher } from './alert-dispatcher';
import type { AlertSender } from './alert-sender';
import { TokenBucket } from './token-bucket';

function destination(id: string, rateLimit = { perMinute: 6, burst: 2 }): AlertDestinationRecord {
  return { id, name: id, enabled: true, config: { kind: 'webhook', url: 'http://127.0.0.1:9/' }, rateLimit, secret: 'x'.repeat(32), createdAt: '', updatedAt: '' };
}

function alert(n: number): FiredAlert {
  return { id: `a${n}`, ruleId: 'r', ruleName: 'r', kind: 'content', severity: 'high', entity: { type: 'agent', id: 'x', label: 'x' }, title: 't', eventCount: 1, firedAt: '2026-01-01T00:00:00.000Z', state: 'open', resolvedAt: null, details: {}, groupKey: `a${n}`, acknowledged: null, resolvedBy: null, resolveNote: null };
}

describe('TokenBucket', () => {
  it('allows a burst, then refills at the configured rate on the injected clock', () => {
    let now = 0;
    const bucket = new TokenBucket(2, 6, () => now);
    expect([bucket.tryTake(), bucket.tryTake(), bucket.tryTake()]).toEqual([true, true, false]);
    now += 9_999;
    expect(bucket.tryTake()).toBe(false);
    now += 1;
    expect(bucket.tryTake()).toBe(true);
    now += 10 * 60_000;
    expect([bucket.tryTake(), bucket.tryTake(), bucket.tryTake()]).toEqual([true, true, false]);
    // A clock stepping backwards mints nothing.
    now -= 60_000;
    expect(bucket.tryTake()).toBe(false);
  });
});

describe('AlertDispatcher rate limiting', () => {
  it('holds back alerts over the limit and reports how many in the next one let through', async () => {
    let now = 1_000_000;
    const received: AlertNotification[] = [];
    const sender: AlertSender = { send: async (n) => void received.push(n), close: () => undefined };
    const dispatcher = new AlertDispatcher({ now: () => now, createSender: () => sender });
    dispatcher.sync([destination('d1')]);
    for (let i = 1; i <= 5; i++) dispatcher.dispatch(alert(i), ['d1', 'unknown']);
    await dispatcher.idle();
    expect(received.map((n) => [n.alert.id, n.suppressedSinceLast])).toEqual([
      ['a1', 0],
      ['a2', 0],
    ]);
    now += 10_000;
    dispatcher.dispatch(alert(6), ['d1']);
    await dispatcher.idle();
    expect(received.map((n) => [n.alert.id, n.suppressedSinceLast])[2]).toEqual(['a6', 3]);
    expect(received[2]?.sentAt).toBe(Math.floor(now / 1000));
    expect(dispatcher.counters()).toEqual([expect.objectContaining({ destinationId: 'd1', sent: 3, rateLimited: 3, queued: 0, failed: 0, dropped: 0 })]);
    dispatcher.close();
  });

  it('skips disabled destinations and forgets deleted ones', async () => {
    const received: string[] = [];
    const dispatcher = new AlertDispatcher({ createSender: (d) => ({ send: async () => void received.push(d.id), close: () => undefined }) });
    dispatcher.sync([{ ...destination('off'), enabled: false }, destination('on')]);
    dispatcher.dispatch(alert(1), ['off', 'on']);
    await dispatcher.idle();
    expect(received).toEqual(['on']);
    dispatcher.sync([]);
    expect(dispatcher.counters()).toEqual([]);
  });
});
