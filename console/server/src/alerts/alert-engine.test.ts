import { sampleEvent, uuidv7, type AlertNotification, type StoredEvent } from '@dlp/shared';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AlertRuleRecord } from '../store/alert-store';
import { openSqliteStore } from '../store/sqlite/sqlite-store';
import type { ConsoleStore } from '../store/store';
import { createMemoryLogger } from '../testing/memory-logger';
import { AlertDispatcher } from './alert-dispatcher';
import { AlertEngine } from './alert-engine';

const T0 = Date.parse('2026-04-01T08:00:00.000Z');
const MINUTE = 60_000;

describe('AlertEngine (real SQLite, injected clock)', () => {
  let dir = '';
  let store: ConsoleStore;
  let now = T0;
  let received: AlertNotification[] = [];
  const engines: AlertEngine[] = [];
  const dispatchers: AlertDispatcher[] = [];
  let agentId = '';
  let groupId = '';

  /** One console node: its own engine and dispatcher over the shared database. */
  async function node(): Promise<AlertEngine> {
    const dispatcher = new AlertDispatcher({ now: () => now, createSender: () => ({ send: async (n) => void received.push(n), close: () => undefined }) });
    const engine = new AlertEngine({ store, dispatcher, logger: createMemoryLogger(), now: () => now, scanIntervalMs: 60_000 });
    await engine.start();
    engines.push(engine);
    dispatchers.push(dispatcher);
    return engine;
  }

  async function addRule(overrides: Partial<AlertRuleRecord> & Pick<AlertRuleRecord, 'params'>): Promise<AlertRuleRecord> {
    const rule: AlertRuleRecord = { id: uuidv7(), name: 'rule', enabled: true, severity: 'high', destinationIds: ['d1'], cooldownMinutes: 15, createdAt: '', updatedAt: '', ...overrides };
    await store.alerts.insertRule(rule);
    return rule;
  }

  let seq = 0;
  function event(overrides: Partial<StoredEvent> = {}): StoredEvent {
    seq += 1;
    return { ...sampleEvent({ seq, occurredAt: new Date(now).toISOString(), host: 'ws-01', user: 'alice' }), agentId, receivedAt: new Date(now).toISOString(), ...overrides };
  }

  async function offerTo(targets: AlertEngine[], events: StoredEvent[]): Promise<void> {
    for (const engine of targets) engine.offer(events);
    await Promise.all(targets.map((e) => e.settled()));
    await Promise.all(dispatchers.map((d) => d.idle()));
  }

  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'dlp-alert-engine-'));
    store = await openSqliteStore({ path: path.join(dir, 'console.sqlite') });
    now = T0;
    received = [];
    groupId = uuidv7();
    await store.groups.insert({ id: groupId, name: 'default', policyId: null, builtIn: true, createdAt: '' });
    agentId = uuidv7();
    await store.agents.insert({ id: agentId, tokenHash: 'ab'.repeat(32), groupId, info: { hostname: 'ws-01', os: 'linux', osVersion: '12', agentVersion: '0.1.0', user: null }, enrolledAt: '', enrollSecretId: 'x' });
    await store.alerts.insertDestination({ id: 'd1', name: 'hook', enabled: true, config: { kind: 'webhook', url: 'http://127.0.0.1:9/' }, rateLimit: { perMinute: 600, burst: 100 }, secret: 'x'.repeat(32), createdAt: '', updatedAt: '' });
  });

  afterEach(async () => {
    for (const engine of engines.splice(0)) await engine.close();
    for (const dispatcher of dispatchers.splice(0)) dispatcher.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('fires a threshold rule once N matching events from one host fall within the window, once per cooldown', async () => {
    await addRule({ params: { kind: 'threshold', count: 3, windowMinutes: 5, per: 'host', action: 'blocked' } });
    const engine = await node();
    await offerTo([engine], [event(), event({ action: 'allowed' }), event()]);
    expect(received).toHaveLength(0);
    now += 6 * MINUTE;
    // The first two blocks left the window: two new ones are not enough.
    await offerTo([engine], [event(), event()]);
    expect(received).toHaveLength(0);
    now += MINUTE;
    await offerTo([engine], [event()]);
    expect(received.map((n) => n.alert)).toEqual([expect.objectContaining({ kind: 'threshold', entity: { type: 'host', id: agentId, label: 'ws-01' }, eventCount: 1, details: expect.objectContaining({ countInWindow: 3 }) })]);
    // Within the cooldown: folded into the same alert, not sent again.
    await offerTo([engine], [event(), event()]);
    expect(received).toHaveLength(1);
    const [stored] = await store.alerts.queryAlerts({ limit: 5 });
    expect(stored?.eventCount).toBe(3);
    now += 15 * MINUTE;
    await offerTo([engine], [event(), event(), event()]);
    expect(received).toHaveLength(2);
  });

  it('two console nodes seeing the same events fire one alert between them', async () => {
    await addRule({ params: { kind: 'content' } });
    const [a, b] = [await node(), await node()];
    const content = event({ type: 'content', action: 'would-block', subject: { kind: 'file', path: '/media/usb/clients.xlsx', matches: { 'cn-id': 4 }, samples: [] } });
    await offerTo([a, b], [content]);
    expect(received).toHaveLength(1);
    expect(received[0]?.alert).toMatchObject({ kind: 'content', details: { path: '/media/usb/clients.xlsx', detectors: 'cn-id' } });
    expect((await store.alerts.queryAlerts({ limit: 5 })).map((x) => x.eventCount)).toEqual([2]);
  });

  it('keeps the cooldown across a dedupe window boundary', async () => {
    await addRule({ params: { kind: 'content' }, cooldownMinutes: 15 });
    const engine = await node();
    const content = (): StoredEvent => event({ type: 'content', action: 'blocked', subject: { kind: 'file', path: '/media/usb/a.csv', matches: { mobile: 2 }, samples: [] } });
    now = T0 + 14 * MINUTE;
    await offerTo([engine], [content()]);
    now = T0 + 16 * MINUTE;
    await offerTo([engine], [content()]);
    expect(received).toHaveLength(1);
    now = T0 + 30 * MINUTE;
    await offerTo([engine], [content()]);
    expect(received).toHaveLength(2);
  });

  it('counts per user and honours type and group filters', async () => {
    const other = uuidv7();
    await store.groups.insert({ id: other, name: 'other', policyId: null, builtIn: false, createdAt: '' });
    await addRule({ params: { kind: 'threshold', count: 2, windowMinutes: 10, per: 'user', action: 'blocked', type: 'usb' } });
    await addRule({ name: 'other group', params: { kind: 'threshold', count: 1, windowMinutes: 10, per: 'host', action: 'blocked', groupId: other } });
    const engine = await node();
    const usb = (user: string | null): StoredEvent => event({ type: 'usb', user, subject: { kind: 'device', vendorId: '0781', productId: '5581', interfaces: [] } });
    await offerTo([engine], [usb('bob'), usb('alice'), usb(null), event({ user: 'bob' })]);
    expect(received).toHaveLength(0);
    await offerTo([engine], [usb('bob')]);
    expect(received.map((n) => n.alert.entity)).toEqual([{ type: 'user', id: 'bob', label: 'bob' }]);
  });

  it('reports policy tampering and fail-open timeouts from events, and rejected receipts from scans', async () => {
    await addRule({ name: 'tamper', params: { kind: 'policy-tampering' } });
    await addRule({ name: 'fail-open', params: { kind: 'fail-open-timeout', failModes: ['open'] } });
    const engine = await node();
    await offerTo(
      [engine],
      [
        event({ type: 'policy', action: 'blocked', ruleId: null, subject: { kind: 'policy', reason: 'stored policy refused at boot: bad signature' } }),
        event({ ruleId: 'fail-mode:closed', action: 'blocked' }),
        event({ ruleId: 'fail-mode:open', action: 'allowed' }),
      ],
    );
    // Rules created in the same millisecond have no defined order: compare sorted.
    expect(received.map((n) => [n.alert.kind, n.alert.details['reason'] ?? n.alert.details['ruleId']]).sort()).toEqual([
      ['fail-open-timeout', 'fail-mode:open'],
      ['policy-tampering', 'stored policy refused at boot: bad signature'],
    ]);
    await store.agents.recordPolicyReceipt(agentId, { serial: 9, hash: 'c'.repeat(64), status: 'rejected', error: 'rollback', receivedAt: new Date(now).toISOString() });
    await engine.scan();
    await engine.scan();
    await Promise.all(dispatchers.map((d) => d.idle()));
    expect(received.slice(2).map((n) => n.alert.title)).toEqual(['Agent ws-01 rejected policy serial 9']);
  });

  it('fires agent-offline once per offline period and resolves it when the agent returns', async () => {
    await addRule({ params: { kind: 'agent-offline', afterMinutes: 10 } });
    await store.agents.touch(agentId, new Date(now).toISOString());
    const [a, b] = [await node(), await node()];
    now += 9 * MINUTE;
    await a.scan();
    expect(received).toHaveLength(0);
    now += 2 * MINUTE;
    await Promise.all([a.scan(), b.scan()]);
    await a.scan();
    await Promise.all(dispatchers.map((d) => d.idle()));
    expect(received.map((n) => [n.alert.kind, n.alert.state])).toEqual([['agent-offline', 'open']]);
    await store.agents.touch(agentId, new Date(now).toISOString());
    await Promise.all([a.scan(), b.scan()]);
    await Promise.all(dispatchers.map((d) => d.idle()));
    expect(received.map((n) => n.alert.state)).toEqual(['open', 'resolved']);
    expect((await store.alerts.queryAlerts({ limit: 5 }))[0]).toMatchObject({ state: 'resolved' });
    // A second offline period is a new alert.
    now += 11 * MINUTE;
    await a.scan();
    await Promise.all(dispatchers.map((d) => d.idle()));
    expect(received).toHaveLength(3);
  });
  it('puts agents going offline within the group window into one group; a later one starts a new group', async () => {
    await addRule({ params: { kind: 'agent-offline', afterMinutes: 10 } });
    const engine = await node();
    const hosts = ['ws-02', 'ws-03', 'ws-04'];
    const ids = [agentId];
    for (const hostname of hosts) {
      const id = uuidv7();
      ids.push(id);
      await store.agents.insert({ id, tokenHash: 'cd'.repeat(32), groupId, info: { hostname, os: 'linux', osVersion: '12', agentVersion: '0.1.0', user: null }, enrolledAt: '', enrollSecretId: 'x' });
    }
    for (const id of ids.slice(0, 3)) await store.agents.touch(id, new Date(now).toISOString());
    now += 11 * MINUTE;
    await engine.scan();
    // The fourth agent was seen later: its offline alert fires 5 minutes after the first ones.
    await store.agents.touch(ids[3] ?? '', new Date(now - 6 * MINUTE).toISOString());
    now += 5 * MINUTE;
    await engine.scan();
    const burst = await store.alerts.queryAlertGroups({ limit: 10 });
    expect(burst.map((g) => g.count)).toEqual([4]);
    // One more, 20 minutes after the group's first alert: a new group.
    const late = uuidv7();
    await store.agents.insert({ id: late, tokenHash: 'ef'.repeat(32), groupId, info: { hostname: 'ws-05', os: 'linux', osVersion: '12', agentVersion: '0.1.0', user: null }, enrolledAt: '', enrollSecretId: 'x' });
    await store.agents.touch(late, new Date(now).toISOString());
    now += 15 * MINUTE;
    await engine.scan();
    expect((await store.alerts.queryAlertGroups({ limit: 10 })).map((g) => g.count)).toEqual([1, 4]);
  });
});
