import { uuidv7 } from '@dlp/shared';
import type { AlertDestinationRecord, AlertRuleRecord, FiredAlertRecord } from '../alert-store';
import type { StoreSuite } from './store-suite';
import { addAgent, addGroup } from './suite-fixtures';

const AT = '2026-03-01T00:00:00.000Z';

function rule(overrides: Partial<AlertRuleRecord> = {}): AlertRuleRecord {
  return {
    id: uuidv7(),
    name: 'Blocked burst',
    enabled: true,
    severity: 'high',
    params: { kind: 'threshold', count: 5, windowMinutes: 10, per: 'host', action: 'blocked' },
    destinationIds: [],
    cooldownMinutes: 15,
    createdAt: AT,
    updatedAt: AT,
    ...overrides,
  };
}

function destination(overrides: Partial<AlertDestinationRecord> = {}): AlertDestinationRecord {
  return {
    id: uuidv7(),
    name: 'SIEM',
    enabled: true,
    config: { kind: 'webhook', url: 'https://siem.example/hook' },
    rateLimit: { perMinute: 30, burst: 10 },
    secret: 's'.repeat(32),
    createdAt: AT,
    updatedAt: AT,
    ...overrides,
  };
}

function alert(overrides: Partial<FiredAlertRecord> = {}): FiredAlertRecord {
  const id = overrides.id ?? uuidv7();
  return {
    id,
    dedupeKey: `r1|host:a1|w${Math.random()}`,
    ruleId: 'r1',
    ruleName: 'Blocked burst',
    kind: 'threshold',
    severity: 'high',
    entityType: 'host',
    entityId: 'a1',
    entityLabel: 'ws-1',
    title: '5 blocked events',
    eventCount: 5,
    firedAt: AT,
    state: 'open',
    resolvedAt: null,
    details: { host: 'ws-1', countInWindow: 5, user: null },
    groupKey: id,
    acknowledgedAt: null,
    acknowledgedBy: null,
    acknowledgeNote: null,
    resolvedBy: null,
    resolveNote: null,
    ...overrides,
  };
}

/** Alert rules, destinations, claims by dedupe key (what keeps several nodes from firing twice), windows, agent scans. */
export const alertsStoreSuite: StoreSuite = (context) => {
  it('stores, updates and deletes rules and destinations (secrets kept for signing)', async () => {
    const { store } = context;
    const r = rule();
    const d = destination();
    await store.alerts.insertRule(r);
    await store.alerts.insertDestination(d);
    expect(await store.alerts.findRule(r.id)).toEqual(r);
    expect(await store.alerts.findDestination(d.id)).toEqual(d);
    const changed = { ...r, name: 'Renamed', enabled: false, destinationIds: [d.id], params: { kind: 'content' as const }, updatedAt: '2026-03-02T00:00:00.000Z' };
    expect(await store.alerts.updateRule(changed)).toBe(true);
    expect(await store.alerts.listRules()).toEqual([changed]);
    expect(await store.alerts.updateRule({ ...changed, id: 'missing' })).toBe(false);
    const syslog = { ...d, config: { kind: 'syslog' as const, host: '127.0.0.1', port: 514, protocol: 'tcp' as const, facility: 13 }, secret: null };
    expect(await store.alerts.updateDestination(syslog)).toBe(true);
    expect(await store.alerts.listDestinations()).toEqual([syslog]);
    expect(await store.alerts.deleteRule(r.id)).toBe(true);
    expect(await store.alerts.deleteRule(r.id)).toBe(false);
    expect(await store.alerts.deleteDestination(d.id)).toBe(true);
    expect(await store.alerts.findDestination(d.id)).toBeUndefined();
  });

  it('lets only the first claimer of a dedupe key have the alert; later ones fold their events in', async () => {
    const { store } = context;
    const first = alert({ dedupeKey: 'r1|host:a1|w1' });
    const rival = alert({ dedupeKey: 'r1|host:a1|w1', eventCount: 3 });
    const results = await Promise.all([store.alerts.claimAlert(first), store.alerts.claimAlert(rival)]);
    expect(results.filter(Boolean)).toHaveLength(1);
    await store.alerts.addOccurrences('r1|host:a1|w1', 3);
    const stored = await store.alerts.queryAlerts({ limit: 10 });
    expect(stored).toHaveLength(1);
    expect(stored[0]?.eventCount).toBe((results[0] ? first.eventCount : rival.eventCount) + 3);
    expect(await store.alerts.lastFired('r1', 'a1')).toEqual({ dedupeKey: 'r1|host:a1|w1', firedAt: AT });
    expect(await store.alerts.lastFired('r1', 'nobody')).toBeUndefined();
  });

  it('lists alerts newest first with filters and keyset pages, and resolves open ones once', async () => {
    const { store } = context;
    const older = alert({ id: uuidv7(Date.parse('2026-03-01T00:00:00Z')), firedAt: '2026-03-01T00:00:00.000Z' });
    const newer = alert({ id: uuidv7(Date.parse('2026-03-02T00:00:00Z')), firedAt: '2026-03-02T00:00:00.000Z', kind: 'agent-offline', ruleId: 'r2', entityType: 'agent' });
    await store.alerts.claimAlert(older);
    await store.alerts.claimAlert(newer);
    expect((await store.alerts.queryAlerts({ limit: 10 })).map((a) => a.id)).toEqual([newer.id, older.id]);
    expect((await store.alerts.queryAlerts({ limit: 10, beforeId: newer.id })).map((a) => a.id)).toEqual([older.id]);
    expect((await store.alerts.queryAlerts({ limit: 10, kind: 'agent-offline' })).map((a) => a.id)).toEqual([newer.id]);
    expect((await store.alerts.queryAlerts({ limit: 10, ruleId: 'r1', fromAt: '2026-02-01T00:00:00.000Z', toAt: '2026-03-01T12:00:00.000Z' })).map((a) => a.id)).toEqual([older.id]);
    expect(await store.alerts.findAlert(newer.id)).toEqual(newer);
    expect((await store.alerts.listOpen('agent-offline')).map((a) => a.id)).toEqual([newer.id]);
    expect(await store.alerts.resolve(newer.id, '2026-03-03T00:00:00.000Z')).toBe(true);
    expect(await store.alerts.resolve(newer.id, '2026-03-04T00:00:00.000Z')).toBe(false);
    expect(await store.alerts.findAlert(newer.id)).toMatchObject({ state: 'resolved', resolvedAt: '2026-03-03T00:00:00.000Z' });
    expect(await store.alerts.listOpen('agent-offline')).toEqual([]);
    expect((await store.alerts.queryAlerts({ limit: 10, state: 'open' })).map((a) => a.id)).toEqual([older.id]);
  });

  it('groups alerts by group key for the inbox (paged, counted, members filtered) and records who acknowledged or resolved them', async () => {
    const { store } = context;
    const at = (minute: number): string => new Date(Date.parse('2026-04-01T00:00:00Z') + minute * 60_000).toISOString();
    const leader = alert({ id: uuidv7(Date.parse(at(0))), firedAt: at(0), ruleId: 'off', kind: 'agent-offline', entityId: 'a0' });
    const members = [1, 2, 3].map((m) => alert({ id: uuidv7(Date.parse(at(m))), firedAt: at(m), ruleId: 'off', kind: 'agent-offline', entityId: `a${m}`, groupKey: leader.id }));
    const alone = alert({ id: uuidv7(Date.parse(at(30))), firedAt: at(30) });
    for (const a of [leader, ...members, alone]) await store.alerts.claimAlert(a);
    expect(await store.alerts.groupLeader('off', at(-15))).toBe(leader.id);
    expect(await store.alerts.groupLeader('off', at(1))).toBeUndefined();

    const firstPage = await store.alerts.queryAlertGroups({ limit: 1 });
    expect(firstPage).toEqual([{ groupKey: alone.id, lastId: alone.id, count: 1 }]);
    const secondPage = await store.alerts.queryAlertGroups({ limit: 1, beforeLastId: alone.id });
    expect(secondPage).toEqual([{ groupKey: leader.id, lastId: members[2]?.id, count: 4 }]);
    expect((await store.alerts.groupMembers([leader.id], {}, 2)).map((a) => a.entityId)).toEqual(['a3', 'a2']);
    expect(await store.alerts.countAlerts({}, 100)).toEqual({ alerts: 5, groups: 2 });
    expect(await store.alerts.countAlerts({}, 3)).toEqual({ alerts: 3, groups: 2 });

    expect(await store.alerts.acknowledge(leader.id, { at: at(40), by: 'oscar', note: 'network outage, on it' })).toBe(true);
    expect(await store.alerts.acknowledge(leader.id, { at: at(41), by: 'olga', note: '' })).toBe(false);
    expect(await store.alerts.findAlert(leader.id)).toMatchObject({ state: 'open', acknowledgedAt: at(40), acknowledgedBy: 'oscar', acknowledgeNote: 'network outage, on it' });
    expect((await store.alerts.queryAlerts({ limit: 10, state: 'acknowledged' })).map((a) => a.id)).toEqual([leader.id]);
    expect(await store.alerts.countAlerts({ state: 'open' }, 100)).toEqual({ alerts: 4, groups: 2 });

    expect(await store.alerts.resolveBy(leader.id, { at: at(50), by: 'oscar', note: 'switch replaced' })).toBe(true);
    expect(await store.alerts.resolveBy(leader.id, { at: at(51), by: 'oscar', note: '' })).toBe(false);
    expect(await store.alerts.acknowledge(leader.id, { at: at(52), by: 'oscar', note: '' })).toBe(false);
    expect(await store.alerts.findAlert(leader.id)).toMatchObject({ state: 'resolved', resolvedAt: at(50), resolvedBy: 'oscar', resolveNote: 'switch replaced' });
    expect(await store.alerts.queryAlertGroups({ limit: 5, state: 'resolved' })).toEqual([{ groupKey: leader.id, lastId: leader.id, count: 1 }]);
  });

  it('sums threshold windows across callers and prunes old buckets', async () => {
    const { store } = context;
    expect(await store.alerts.addToWindow('r1', 'host:a1', 60_000, 2, 0)).toBe(2);
    expect(await store.alerts.addToWindow('r1', 'host:a1', 120_000, 3, 0)).toBe(5);
    // Another node adding to the same bucket at once: both land.
    const totals = await Promise.all([store.alerts.addToWindow('r1', 'host:a1', 120_000, 1, 60_000), store.alerts.addToWindow('r1', 'host:a1', 120_000, 1, 60_000)]);
    expect(Math.max(...totals)).toBe(7);
    // The window moved on: the first bucket no longer counts; other entities never did.
    expect(await store.alerts.addToWindow('r1', 'host:a1', 180_000, 0, 120_000)).toBe(5);
    expect(await store.alerts.addToWindow('r1', 'host:a2', 180_000, 1, 0)).toBe(1);
    expect(await store.alerts.pruneWindows(120_000)).toBe(1);
    expect(await store.alerts.addToWindow('r1', 'host:a1', 180_000, 0, 0)).toBe(5);
  });

  it('finds offline agents past a cut-off, rejected receipts, and the end of an offline period', async () => {
    const { store } = context;
    const groupId = await addGroup(store, 'default', true);
    const gone = await addAgent(store, groupId, { hostname: 'ws-gone' });
    const online = await addAgent(store, groupId, { hostname: 'ws-online' });
    const revoked = await addAgent(store, groupId, { hostname: 'ws-revoked' });
    await addAgent(store, groupId, { hostname: 'ws-never-seen' });
    await store.agents.touch(gone, '2026-03-01T00:00:00.000Z');
    await store.agents.recordHello(online, { info: { hostname: 'ws-online', os: 'linux', osVersion: '12', agentVersion: '0.1.0', user: null }, policySerial: null, seenAt: '2026-03-01T00:00:00.000Z' });
    await store.agents.touch(revoked, '2026-03-01T00:00:00.000Z');
    await store.agents.revoke(revoked, '2026-03-01T00:00:01.000Z');
    expect(await store.alerts.listOfflineAgents('2026-03-01T00:10:00.000Z')).toEqual([{ id: gone, groupId, hostname: 'ws-gone', lastSeenAt: '2026-03-01T00:00:00.000Z' }]);
    expect(await store.alerts.listOfflineAgents('2026-03-01T00:00:00.000Z')).toEqual([]);
    expect(await store.alerts.agentSeenSince(gone, '2026-03-01T00:00:00.000Z')).toBe(false);
    expect(await store.alerts.agentSeenSince(online, '2026-03-01T00:00:00.000Z')).toBe(true);
    await store.agents.touch(gone, '2026-03-01T01:00:00.000Z');
    expect(await store.alerts.agentSeenSince(gone, '2026-03-01T00:00:00.000Z')).toBe(true);

    await store.agents.recordPolicyReceipt(gone, { serial: 7, hash: 'c'.repeat(64), status: 'rejected', error: 'bad signature', receivedAt: '2026-03-01T02:00:00.000Z' });
    await store.agents.recordPolicyReceipt(online, { serial: 7, hash: 'c'.repeat(64), status: 'applied', error: null, receivedAt: '2026-03-01T02:00:00.000Z' });
    expect(await store.alerts.listRejectedReceipts('2026-03-01T01:59:00.000Z')).toEqual([
      { agentId: gone, hostname: 'ws-gone', serial: 7, error: 'bad signature', receivedAt: '2026-03-01T02:00:00.000Z' },
    ]);
    expect(await store.alerts.listRejectedReceipts('2026-03-01T02:00:01.000Z')).toEqual([]);
  });
};
