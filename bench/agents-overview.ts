/**
 * Fleet overview benchmark (issue 17, not a test): seeds N agents (default 10,000) in every state
 * the overview counts (policy in sync, pending, rejected; offline for days; fail-open; /proc scan;
 * enforcing nothing) and E events of the last two days (default 200,000, a few of them tamper and
 * bypass events) into a fresh console.sqlite, then times through the real AgentService:
 * - the overview (every condition counted over the whole fleet, incidents of the last 24 h);
 * - one filtered, sorted page of the agent table (`condition=degraded`, sorted by host);
 * - the table's block in the middle of the whole fleet sorted by user, descending (what a scroll jump
 *   asks for), and a search block (`search=ws-01`, sorted by host).
 * Baseline, same run: the store's read of every agent row (`agents.list`, what listing the whole
 * fleet costs), so the ratio holds on a busy shared machine where absolute figures swing 2-3×.
 * Also printed (stderr): the 200-agent page the Agents page asked for on each refresh before, and
 * the in-memory definition the SQL replaced (every agent's whole row read, then the shared
 * predicates and sort: what the CSV export still does) for the overview and the degraded page.
 * Prints {"name","value","unit","baseline","ratio"} lines (p50 and p95, in ms).
 *
 *   node dist/bench/agents-overview.js [--agents N] [--events E] [--runs R] [--keep]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { policyDocument, sampleEvent, uuidv7, type AgentInfo, type CapabilityReport, type StoredEvent } from '@dlp/shared';
import { generateSigningKeyPair, signPolicyBundle } from '@dlp/shared/node';
import { countConditions } from '../console/server/src/agents/agent-fleet-view';
import { AgentService } from '../console/server/src/agents/agent-service';
import { ConsoleEvents } from '../console/server/src/service-kit/console-events';
import { openSqliteStore } from '../console/server/src/store/sqlite/sqlite-store';
import type { ConsoleStore } from '../console/server/src/store/store';
import { arg } from './bench-args';

const HOUR_MS = 3_600_000;


const HEALTHY: CapabilityReport = {
  apps: { method: 'fanotify', preExec: true, failMode: 'closed', helper: { running: true, restarts: 0, timeouts: 0, cacheHitRate: 0.93 } },
  usb: { method: 'sysfs-authorized', mountGuard: true },
  screen: { captureToolBlocking: true, windowCaptureExclusion: false },
  notes: [],
  residuals: [
    { id: 'stdin-scripts', state: 'open' },
    { id: 'window-capture-exclusion-linux', state: 'open' },
    { id: 'userns-new-filesystem-race', closedBy: 'restrictUserNamespaces', state: 'closed' },
  ],
};
const FAIL_OPEN: CapabilityReport = { ...HEALTHY, apps: { ...HEALTHY.apps, failMode: 'open' } };
const PROC_SCAN: CapabilityReport = { ...HEALTHY, apps: { method: 'proc-scan', preExec: false, failMode: 'closed' } };
const NOTHING: CapabilityReport = { apps: { method: 'none', preExec: false, failMode: 'closed' }, usb: { method: 'none', mountGuard: false }, screen: { captureToolBlocking: false, windowCaptureExclusion: false }, notes: [] };

/** Agent i's state: mostly healthy, the rest spread over the problems the overview counts. */
function stateOf(i: number): { capabilities: CapabilityReport; serial: number; receipt?: 'rejected'; offlineHours?: number; never?: true } {
  const bucket = i % 20;
  if (bucket === 0) return { capabilities: HEALTHY, serial: 6 };
  if (bucket === 1) return { capabilities: HEALTHY, serial: 6, receipt: 'rejected' };
  if (bucket === 2) return { capabilities: HEALTHY, serial: 7, offlineHours: 72 };
  if (bucket === 3) return { capabilities: FAIL_OPEN, serial: 7 };
  if (bucket === 4) return { capabilities: PROC_SCAN, serial: 7 };
  if (bucket === 5 && i % 100 === 5) return { capabilities: NOTHING, serial: 7 };
  if (bucket === 6 && i % 200 === 6) return { capabilities: HEALTHY, serial: 7, never: true };
  return { capabilities: HEALTHY, serial: 7 };
}

async function seed(store: ConsoleStore, agentCount: number, eventCount: number, nowMs: number): Promise<void> {
  const keys = generateSigningKeyPair();
  const policyId = uuidv7();
  const document = policyDocument.parse({ schema: 'dlp.policy/v1', name: 'Fleet', mode: 'enforce' });
  const issuedAt = new Date(nowMs).toISOString();
  const signed = signPolicyBundle({ policyId, version: 1, serial: 7, issuedAt, document }, keys);
  await store.policies.insertVersion({ id: policyId, name: 'Fleet', mode: 'enforce', version: 1, serial: 7, publishedAt: issuedAt, signed, origin: 'save' });
  const groupId = uuidv7();
  await store.groups.insert({ id: groupId, name: 'floor', policyId, builtIn: false, createdAt: issuedAt });
  const ids: string[] = [];
  for (let start = 0; start < agentCount; start += 1000) {
    await store.transaction(async (tx) => {
      for (let i = start; i < Math.min(agentCount, start + 1000); i++) {
        const id = uuidv7();
        ids.push(id);
        const info: AgentInfo = { hostname: `ws-${String(i).padStart(5, '0')}`, os: i % 10 === 9 ? 'windows' : 'linux', osVersion: '12', agentVersion: '0.9.0', user: `user${i}` };
        await tx.agents.insert({ id, tokenHash: 'ab'.repeat(32), groupId, info, enrolledAt: issuedAt, enrollSecretId: 'bench' });
        const state = stateOf(i);
        if (state.never) continue;
        const seenAt = new Date(nowMs - (state.offlineHours ?? 0) * HOUR_MS).toISOString();
        await tx.agents.recordHello(id, { info, policySerial: state.serial, capabilities: state.capabilities, seenAt });
        if (state.receipt) await tx.agents.recordPolicyReceipt(id, { serial: 7, hash: 'h', status: 'rejected', error: 'signature does not verify', receivedAt: seenAt });
        if (state.offlineHours !== undefined) await tx.agents.setOffline(id);
      }
    });
  }
  // Events of the last 48 h; one in 2,000 a tamper event, one in 2,000 a bypass event.
  const receivedAt = new Date(nowMs).toISOString();
  for (let start = 0; start < eventCount; start += 5000) {
    const batch: StoredEvent[] = [];
    for (let n = start; n < Math.min(eventCount, start + 5000); n++) {
      const agentIndex = (n * 7919) % agentCount;
      const kind = n % 2000 === 0 ? { type: 'policy' as const, action: 'blocked' as const } : n % 2000 === 1 ? { type: 'bypass' as const, action: 'blocked' as const } : {};
      const occurredAt = new Date(nowMs - ((n * 104_729) % (48 * HOUR_MS))).toISOString();
      batch.push({ ...sampleEvent({ seq: n + 1, host: `ws-${String(agentIndex).padStart(5, '0')}`, occurredAt, ...kind }), agentId: ids[agentIndex] ?? '', receivedAt });
    }
    await store.transaction((tx) => tx.events.insertEvents(batch));
  }
}

/** p50 and p95 of `runs` timed calls after two warm-up calls. */
async function time(runs: number, fn: () => Promise<unknown>): Promise<{ p50: number; p95: number }> {
  await fn();
  await fn();
  const samples: number[] = [];
  for (let r = 0; r < runs; r++) {
    const started = process.hrtime.bigint();
    await fn();
    samples.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  samples.sort((a, b) => a - b);
  const at = (q: number): number => samples[Math.min(samples.length - 1, Math.ceil(q * samples.length) - 1)] ?? 0;
  return { p50: at(0.5), p95: at(0.95) };
}

async function main(): Promise<void> {
  const agentCount = arg('agents', 10_000);
  const eventCount = arg('events', 200_000);
  const runs = arg('runs', 40);
  const dir = mkdtempSync(path.join(tmpdir(), 'dlp-bench-overview-'));
  const store = await openSqliteStore({ path: path.join(dir, 'console.sqlite') });
  try {
    const nowMs = Date.now();
    const seedStarted = Date.now();
    await seed(store, agentCount, eventCount, nowMs);
    process.stderr.write(`seeded ${agentCount} agents and ${eventCount} events in ${((Date.now() - seedStarted) / 1000).toFixed(1)} s\n`);
    const service = new AgentService(store, new ConsoleEvents(() => undefined));
    const overview = await service.overview();
    process.stderr.write(`overview: ${JSON.stringify(overview.counts)} of ${overview.total}\n`);

    const baseline = await time(runs, () => store.agents.list({ limit: 1_000_000 }));
    const incidents = await time(runs, () => store.agents.incidentsSince(nowMs - 24 * HOUR_MS));
    const oldPage = await time(runs, () => service.list({ limit: 200 }));
    process.stderr.write(`also (p50): incidents of 24 h ${incidents.p50.toFixed(1)} ms, first 200 agents by id ${oldPage.p50.toFixed(1)} ms\n`);
    const counted = await time(runs, () => service.overview());
    const page = await time(runs, () => service.list({ condition: 'degraded', sort: 'host', order: 'asc', offset: 0, limit: 100 }));
    const middle = await time(runs, () => service.list({ sort: 'user', order: 'desc', offset: Math.floor(agentCount / 2), limit: 100 }));
    const search = await time(runs, () => service.list({ search: 'ws-01', sort: 'host', order: 'asc', offset: 0, limit: 100 }));
    const inMemoryOverview = await time(runs, async () => countConditions(await service.matching({}), Date.now()));
    const inMemoryPage = await time(runs, async () => (await service.matching({ condition: 'degraded', sort: 'host', order: 'asc' })).slice(0, 100));
    process.stderr.write(
      `in memory (p50 / p95): overview ${inMemoryOverview.p50.toFixed(1)} / ${inMemoryOverview.p95.toFixed(1)} ms, degraded page ${inMemoryPage.p50.toFixed(1)} / ${inMemoryPage.p95.toFixed(1)} ms\n`,
    );
    const round = (n: number): number => Number(n.toFixed(1));
    const figures = [
      { name: `console.agents_overview.${agentCount}_agents.p50`, value: round(counted.p50), baseline: round(baseline.p50) },
      { name: `console.agents_overview.${agentCount}_agents.p95`, value: round(counted.p95), baseline: round(baseline.p95) },
      { name: `console.agents_table_page.${agentCount}_agents.p50`, value: round(page.p50), baseline: round(baseline.p50) },
      { name: `console.agents_table_page.${agentCount}_agents.p95`, value: round(page.p95), baseline: round(baseline.p95) },
      { name: `console.agents_table_middle_block.${agentCount}_agents.p50`, value: round(middle.p50), baseline: round(baseline.p50) },
      { name: `console.agents_table_middle_block.${agentCount}_agents.p95`, value: round(middle.p95), baseline: round(baseline.p95) },
      { name: `console.agents_table_search.${agentCount}_agents.p50`, value: round(search.p50), baseline: round(baseline.p50) },
      { name: `console.agents_table_search.${agentCount}_agents.p95`, value: round(search.p95), baseline: round(baseline.p95) },
    ];
    for (const f of figures) process.stdout.write(`${JSON.stringify({ name: f.name, value: f.value, unit: 'ms', baseline: f.baseline, ratio: Number((f.value / f.baseline).toFixed(3)) })}\n`);
  } finally {
    await store.close();
    // --keep leaves the database for a look at query plans.
    if (process.argv.includes('--keep')) process.stderr.write(`kept ${dir}\n`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
