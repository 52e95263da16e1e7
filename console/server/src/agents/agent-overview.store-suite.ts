import { AGENT_CONDITIONS, AGENT_SORT_KEYS, FLEET_WINDOW_MS, uuidv7, type AgentCondition, type CapabilityReport } from '@dlp/shared';
import { ConsoleEvents } from '../service-kit/console-events';
import type { ConsoleStore } from '../store/store';
import type { StoreSuite } from '../store/suite/store-suite';
import { CONSOLE_SCHEMA } from '../store/schema/console-schema';
import { INCIDENT_EVENTS_SQL } from '../store/sql/agent-queries';
import { addAgent, addGroup, isoAt, policyVersion, storedEvent } from '../store/suite/suite-fixtures';
import { countConditions, filterAgents, sortAgents } from './agent-fleet-view';
import { AgentService } from './agent-service';

/** Pre-exec app control failing closed, USB and capture tools in force: a healthy Linux host. */
const HEALTHY: CapabilityReport = {
  apps: { method: 'fanotify', preExec: true, failMode: 'closed', helper: { running: true, restarts: 0, timeouts: 0, cacheHitRate: 0.9 } },
  usb: { method: 'sysfs-authorized', mountGuard: true },
  screen: { captureToolBlocking: true, windowCaptureExclusion: false },
  notes: [],
};
const FAIL_OPEN: CapabilityReport = { ...HEALTHY, apps: { ...HEALTHY.apps, failMode: 'open' } };
/** The pre-exec helper stopped; a note with NUL (which PostgreSQL's jsonb refuses unescaped). */
const HELPER_DOWN: CapabilityReport = { ...HEALTHY, apps: { ...HEALTHY.apps, helper: { running: false, restarts: 9, timeouts: 0, cacheHitRate: 0 } }, notes: ['helper exited\u0000'] };
const HARDENING_FAILED: CapabilityReport = { ...HEALTHY, hardening: [{ switch: 'memfdNoexec', requested: true, state: 'failed', value: null }] };
const PROC_SCAN: CapabilityReport = { ...HEALTHY, apps: { method: 'proc-scan', preExec: false, failMode: 'closed' } };
const NOTHING: CapabilityReport = {
  apps: { method: 'none', preExec: false, failMode: 'closed' },
  usb: { method: 'none', mountGuard: false },
  screen: { captureToolBlocking: false, windowCaptureExclusion: false },
  notes: [],
};

interface Seeded {
  /** Agent ids by the label the cases use. */
  ids: Record<string, string>;
  /** Which labelled agents meet each condition (the answer the predicate must give). */
  expected: Record<AgentCondition, string[]>;
}

/**
 * A small fleet with one agent per state: policy in sync, pending, rejected, offline for two days,
 * fail-open, /proc scan only, enforcing nothing, never connected, tamper and bypass events (one
 * inside and one just outside the day), and a revoked agent that counts nowhere.
 */
async function seedFleet(store: ConsoleStore, nowMs: number): Promise<Seeded> {
  const policyId = uuidv7();
  await store.policies.insertVersion(policyVersion(policyId, 1, 7));
  const group = await addGroup(store, 'floor');
  await store.groups.setPolicy(group, policyId);
  const ids: Record<string, string> = {};
  const recent = isoAt(nowMs - 60_000);
  const hello = async (label: string, policySerial: number | null, capabilities: CapabilityReport, seenAt = recent) => {
    const id = await addAgent(store, group, { hostname: `ws-${label}` });
    ids[label] = id;
    await store.agents.recordHello(id, { info: { hostname: `ws-${label}`, os: 'linux', osVersion: '12', agentVersion: '0.1.0', user: null }, policySerial, capabilities, seenAt });
    return id;
  };
  await hello('compliant', 7, HEALTHY);
  await hello('pending', 6, HEALTHY);
  const rejected = await hello('rejected', 6, HEALTHY);
  await store.agents.recordPolicyReceipt(rejected, { serial: 7, hash: 'h7', status: 'rejected', error: 'signature does not verify', receivedAt: recent });
  const offline = await hello('offline', 7, HEALTHY, isoAt(nowMs - 2 * FLEET_WINDOW_MS));
  await store.agents.setOffline(offline);
  const recentlyOffline = await hello('offline-1h', 7, HEALTHY, isoAt(nowMs - 3_600_000));
  await store.agents.setOffline(recentlyOffline);
  await hello('fail-open', 7, FAIL_OPEN);
  await hello('proc-scan', 7, PROC_SCAN);
  await hello('nothing', 7, NOTHING);
  await hello('helper-down', 7, HELPER_DOWN);
  await hello('hardening-failed', 7, HARDENING_FAILED);
  const tamper = await hello('tamper', 7, HEALTHY);
  const bypass = await hello('bypass', 7, HEALTHY);
  const oldBypass = await hello('old-bypass', 7, HEALTHY);
  // Enrolled, never connected: no report, never seen.
  ids.never = await addAgent(store, group, { hostname: 'ws-never' });
  const revoked = await hello('revoked', 6, FAIL_OPEN);
  await store.agents.revoke(revoked, recent);
  await store.events.insertEvents([
    storedEvent(tamper, 1, { type: 'policy', action: 'blocked', occurredAt: recent }),
    // An applied policy is no tampering.
    storedEvent(bypass, 1, { type: 'policy', action: 'info', occurredAt: recent }),
    storedEvent(bypass, 2, { type: 'bypass', action: 'blocked', severity: 'high', occurredAt: recent }),
    storedEvent(oldBypass, 1, { type: 'bypass', action: 'blocked', severity: 'high', occurredAt: isoAt(nowMs - FLEET_WINDOW_MS - 60_000) }),
    storedEvent(revoked, 1, { type: 'bypass', action: 'blocked', severity: 'high', occurredAt: recent }),
  ]);
  const expected: Record<AgentCondition, string[]> = {
    compliant: ['compliant', 'proc-scan', 'helper-down', 'hardening-failed', 'tamper', 'bypass', 'old-bypass'],
    'policy-pending': ['pending', 'never'],
    'policy-failed': ['rejected'],
    'offline-24h': ['offline', 'never'],
    'fail-open': ['fail-open'],
    degraded: ['proc-scan', 'nothing', 'helper-down', 'hardening-failed'],
    'tamper-24h': ['tamper'],
    'bypass-24h': ['bypass'],
  };
  return { ids, expected };
}

/**
 * States the hand-written answers above do not cover, for the comparison with the in-memory
 * definition: a group without policy, a refused receipt older than the applied policy, an online
 * agent that never reported its capabilities, a hardening switch failed but not asked for, Windows,
 * and host, user and group names whose case and script test the sort keys.
 */
async function seedEdgeStates(store: ConsoleStore, nowMs: number): Promise<void> {
  const noPolicy = await addGroup(store, 'Annex');
  const policyId = uuidv7();
  await store.policies.insertVersion(policyVersion(policyId, 1, 9));
  const upper = await addGroup(store, 'ÉTAGE');
  await store.groups.setPolicy(upper, policyId);
  const recent = isoAt(nowMs - 5_000);
  const hello = async (group: string, hostname: string, user: string | null, os: 'linux' | 'windows', policySerial: number | null, capabilities?: CapabilityReport) => {
    const info = { hostname, os, osVersion: os === 'windows' ? '11' : 'Bookworm', agentVersion: '0.2.0', user };
    const id = await addAgent(store, group, info);
    await store.agents.recordHello(id, { info, policySerial, seenAt: recent, ...(capabilities ? { capabilities } : {}) });
    return id;
  };
  await hello(noPolicy, 'WS-No-Policy', 'Zoë', 'linux', null, HEALTHY);
  await hello(noPolicy, 'ws-no-policy-nothing', null, 'linux', 3, NOTHING);
  const oldRefusal = await hello(upper, 'Ördög', '张伟', 'windows', 9, HEALTHY);
  await store.agents.recordPolicyReceipt(oldRefusal, { serial: 9, hash: 'h9', status: 'applied', error: null, receivedAt: recent });
  await store.agents.recordPolicyReceipt(oldRefusal, { serial: 8, hash: 'h8', status: 'rejected', error: 'rollback', receivedAt: recent });
  await hello(upper, 'ws-unreported', 'alice', 'linux', 9);
  await hello(upper, 'ws-hardening-not-asked', 'Bob', 'windows', 8, { ...HEALTHY, hardening: [{ switch: 'memfdNoexec', requested: false, state: 'failed', value: null }] });
  const offlineRefused = await hello(upper, 'ws-offline-refused', 'bob', 'linux', 8, FAIL_OPEN);
  await store.agents.recordPolicyReceipt(offlineRefused, { serial: 9, hash: 'h9', status: 'rejected', error: 'signature', receivedAt: isoAt(nowMs - 3 * FLEET_WINDOW_MS) });
  await store.agents.touch(offlineRefused, isoAt(nowMs - 3 * FLEET_WINDOW_MS));
  await store.agents.setOffline(offlineRefused);
  // Offline just inside the day: not yet "offline for a day".
  const justInside = await hello(upper, 'ws-offline-23h', 'carol', 'linux', 9, HELPER_DOWN);
  await store.agents.touch(justInside, isoAt(nowMs - FLEET_WINDOW_MS + 60_000));
  await store.agents.setOffline(justInside);
}

/**
 * The fleet overview over each store engine: every count equals the rows the agent list returns
 * for that condition, and both equal the known answer of a seeded fleet.
 */
export const agentOverviewSuite: StoreSuite = (context) => {
  it('counts each condition as the filtered list does, revoked agents excluded', async () => {
    const { store } = context;
    const nowMs = Date.now();
    const { ids, expected } = await seedFleet(store, nowMs);
    const service = new AgentService(store, new ConsoleEvents(() => undefined));
    const overview = await service.overview();
    expect(overview.total).toBe(Object.keys(ids).length - 1);
    for (const condition of AGENT_CONDITIONS) {
      const page = await service.list({ condition, limit: 1000 });
      const hosts = page.items.map((a) => a.info.hostname).sort();
      expect({ condition, hosts }).toEqual({ condition, hosts: expected[condition].map((label) => `ws-${label}`).sort() });
      expect({ condition, count: overview.counts[condition] }).toEqual({ condition, count: page.total });
    }
  });

  it('sorts, filters by OS and pages by offset with the filtered total', async () => {
    const { store } = context;
    await seedFleet(store, Date.now());
    const service = new AgentService(store, new ConsoleEvents(() => undefined));
    const first = await service.list({ sort: 'host', order: 'desc', limit: 3, offset: 0 });
    const second = await service.list({ sort: 'host', order: 'desc', limit: 3, offset: 3 });
    const all = await service.list({ sort: 'host', order: 'desc', limit: 100 });
    expect(all.total).toBe(15);
    expect([...first.items, ...second.items].map((a) => a.info.hostname)).toEqual(all.items.slice(0, 6).map((a) => a.info.hostname));
    expect(all.items.map((a) => a.info.hostname)).toEqual(all.items.map((a) => a.info.hostname).sort().reverse());
    expect((await service.list({ os: 'windows', limit: 100 })).total).toBe(0);
    expect((await service.list({ os: 'linux', search: 'ws-tamp', limit: 100 })).items.map((a) => a.tamperEvents24h)).toEqual([true]);
  });

  it('pages the table from its lean read exactly as the whole rows list, sort and filter (the CSV export’s read)', async () => {
    const { store } = context;
    await seedFleet(store, Date.now());
    const service = new AgentService(store, new ConsoleEvents(() => undefined));
    for (const sort of AGENT_SORT_KEYS) {
      for (const condition of [undefined, ...AGENT_CONDITIONS]) {
        const filters = { sort, order: 'desc' as const, ...(condition ? { condition } : {}) };
        const whole = await service.matching(filters);
        const lean = await service.list({ ...filters, offset: 2, limit: 4 });
        expect({ sort, condition, total: lean.total, items: lean.items }).toEqual({ sort, condition, total: whole.length, items: whole.slice(2, 6) });
      }
    }
    const revoked = await service.list({ search: 'ws-revoked', sort: 'host', limit: 10 });
    expect(revoked.items.map((agent) => [agent.info.hostname, agent.revoked])).toEqual([['ws-revoked', true]]);
  });

  it('filters, counts and sorts in SQL exactly as the in-memory definition, on agents in every state', async () => {
    const { store } = context;
    const nowMs = Date.now();
    await seedFleet(store, nowMs);
    await seedEdgeStates(store, nowMs);
    const service = new AgentService(store, new ConsoleEvents(() => undefined));
    // The in-memory definition: the shared predicates over every agent's whole row.
    const everyAgent = await service.matching({});
    expect(await service.overview()).toEqual({ at: expect.any(String), ...countConditions(everyAgent, nowMs) });
    for (const condition of AGENT_CONDITIONS) {
      const inMemory = filterAgents(everyAgent, { condition }, nowMs).map((agent) => agent.info.hostname);
      const fromSql = await service.list({ condition, limit: 1000 });
      expect({ condition, hosts: fromSql.items.map((agent) => agent.info.hostname), total: fromSql.total }).toEqual({ condition, hosts: inMemory, total: inMemory.length });
    }
    for (const sort of AGENT_SORT_KEYS) {
      for (const order of ['asc', 'desc'] as const) {
        const inMemory = sortAgents(everyAgent, sort, order).map((agent) => agent.info.hostname);
        const fromSql = await service.list({ sort, order, limit: 1000, offset: 0 });
        expect({ sort, order, hosts: fromSql.items.map((agent) => agent.info.hostname) }).toEqual({ sort, order, hosts: inMemory });
      }
    }
    const windows = await service.list({ os: 'windows', sort: 'user', limit: 10 });
    expect(windows.items.map((agent) => agent.info.hostname)).toEqual(sortAgents(everyAgent.filter((agent) => agent.info.os === 'windows'), 'user', 'asc').map((agent) => agent.info.hostname));
    // A page past the end still says how many agents match.
    expect(await service.list({ condition: 'degraded', sort: 'host', offset: 500, limit: 10 })).toEqual({ items: [], nextCursor: null, total: countConditions(everyAgent, nowMs).counts.degraded });
  });

  it('asks for incidents with the partial index’s own condition, so the planner uses it', () => {
    const steps = CONSOLE_SCHEMA.find((m) => m.id === 66)?.steps ?? [];
    expect(JSON.stringify(steps)).toContain(JSON.stringify(INCIDENT_EVENTS_SQL));
  });

  it('finds tamper and bypass incidents by time window in one query', async () => {
    const { store } = context;
    const nowMs = Date.now();
    const { ids } = await seedFleet(store, nowMs);
    const id = (label: string): string => ids[label] ?? '';
    const incidents = await store.agents.incidentsSince(nowMs - FLEET_WINDOW_MS);
    expect(incidents.get(id('tamper'))).toEqual({ tamper: true, bypass: false });
    expect(incidents.get(id('bypass'))).toEqual({ tamper: false, bypass: true });
    expect(incidents.has(id('old-bypass'))).toBe(false);
    expect((await store.agents.incidentsSince(nowMs - 2 * FLEET_WINDOW_MS)).get(id('old-bypass'))).toEqual({ tamper: false, bypass: true });
  });
};
