/**
 * Impact preview benchmark (issue 17 item 5, not a test): seeds A agents (default 500) in 10
 * groups and E app and USB events of the last 7 days (default 1,000,000) into a fresh
 * console.sqlite through the store's ingest, then times the preview of a draft whose policy one
 * group uses (a tenth of the history: hosts, users and events per bucket with drill-down filters),
 * through the real ImpactService.
 * Baselines, same run, over the same rows (that group's events of the 7 days, all app or USB here):
 * - a plain `SELECT count(*)` (what counting them costs);
 * - reading them whole through the store's search pages: what the preview did before it read
 *   them as sets of identical events grouped in SQL (one whole row per event; see
 *   docs/BENCHMARKS.md for the figures before and after).
 * Prints {"name","value","unit","baseline","ratio"} lines (p50 and p95, in ms).
 *
 *   node dist/bench/impact-preview.js [--agents A] [--events E] [--runs R] [--keep DIR]
 *
 * `--keep DIR` seeds into DIR and keeps it (seed.json records the run's "now" and ids); a later run
 * with the same DIR reuses it, so changes to the preview can be timed without seeding again.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { IMPACT_PAGE, policyDocument, uuidv7, type AgentEvent, type AgentInfo, type StoredEvent } from '@dlp/shared';
import { generateSigningKeyPair, signPolicyBundle } from '@dlp/shared/node';
import { ImpactService } from '../console/server/src/policies/impact-service';
import type { EventSearchPosition } from '../console/server/src/store/event-search-store';
import { openSqliteStore } from '../console/server/src/store/sqlite/sqlite-store';
import { SqliteWorkerDatabase } from '../console/server/src/store/sqlite/sqlite-worker-db';
import type { ConsoleStore } from '../console/server/src/store/store';
import { arg } from './bench-args';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const GROUPS = 10;
const TOOLS = ['nc', 'wireshark', 'nmap', 'anydesk', 'teamviewer', 'putty', 'filezilla', 'rclone', 'gimp', 'obs', 'vim', 'bash', 'python3', 'firefox', 'code'];
const hashOf = (i: number): string => (i + 1).toString(16).padStart(2, '0').repeat(32);

/** A well-mixed number in [0, 1000) for event n, so type, action and program do not follow the agent. */
const mix = (n: number, salt: number): number => (Math.imul(n + salt, 2654435761) >>> 0) % 1000;

/** Event n: a skewed program run (or a USB sighting), mostly allowed, some blocked or reported then. */
function eventOf(n: number, seq: number, host: string, user: string, nowMs: number): AgentEvent {
  const occurredAt = new Date(nowMs - 60_000 - ((n * 104_729) % (7 * DAY_MS - 120_000))).toISOString();
  const roll = mix(n, 1);
  if (roll >= 900) {
    const serial = `SN${String(mix(n, 2) % 97).padStart(4, '0')}`;
    const vendorId = mix(n, 3) < 400 ? '0781' : '090c';
    return { id: uuidv7(), seq, occurredAt, type: 'usb', action: mix(n, 4) < 300 ? 'blocked' : 'info', severity: 'low', user, host, ruleId: null, policySerial: 7, subject: { kind: 'device', port: '1-2', vendorId, productId: '1000', serial, interfaces: [8], outcome: 'inserted' } };
  }
  const action = roll < 200 ? 'blocked' : roll < 300 ? 'would-block' : 'allowed';
  const tool = Math.min(TOOLS.length - 1, Math.floor(TOOLS.length * Math.pow(mix(n, 5) / 1000, 2)));
  const name = TOOLS[tool] ?? 'tool';
  return { id: uuidv7(), seq, occurredAt, type: 'app', action, severity: 'medium', user, host, ruleId: action === 'allowed' ? null : `old-${name}`, policySerial: 7, subject: { kind: 'process', pid: 1000 + (seq % 30000), exePath: `/usr/bin/${name}`, name, sha256: hashOf(tool), method: 'fanotify' } };
}

async function seed(store: ConsoleStore, agentCount: number, eventCount: number, nowMs: number): Promise<{ policyId: string; groupId: string; draftId: string }> {
  const keys = generateSigningKeyPair();
  const issuedAt = new Date(nowMs).toISOString();
  const policyIds: string[] = [];
  for (const [serial, name] of [[7, 'Trading'], [8, 'Office']] as const) {
    const policyId = uuidv7();
    const document = policyDocument.parse({ schema: 'dlp.policy/v1', name, mode: 'enforce' });
    const signed = signPolicyBundle({ policyId, version: 1, serial, issuedAt, document }, keys);
    await store.policies.insertVersion({ id: policyId, name, mode: 'enforce', version: 1, serial, publishedAt: issuedAt, signed, origin: 'save' });
    policyIds.push(policyId);
  }
  const groupIds: string[] = [];
  for (let g = 0; g < GROUPS; g++) {
    const id = uuidv7();
    groupIds.push(id);
    await store.groups.insert({ id, name: `floor-${g}`, policyId: (g === 0 ? policyIds[0] : policyIds[1]) ?? null, builtIn: false, createdAt: issuedAt });
  }
  const agents: Array<{ id: string; host: string; user: string }> = [];
  await store.transaction(async (tx) => {
    for (let i = 0; i < agentCount; i++) {
      const id = uuidv7();
      const info: AgentInfo = { hostname: `ws-${String(i).padStart(4, '0')}`, os: 'linux', osVersion: '12', agentVersion: '0.9.0', user: `user${i}` };
      await tx.agents.insert({ id, tokenHash: 'ab'.repeat(32), groupId: groupIds[i % GROUPS] ?? '', info, enrolledAt: issuedAt, enrollSecretId: 'bench' });
      agents.push({ id, host: info.hostname, user: info.user ?? 'user' });
    }
  });
  const seqs = new Array<number>(agentCount).fill(0);
  const receivedAt = issuedAt;
  for (let start = 0; start < eventCount; start += 5000) {
    const batch: StoredEvent[] = [];
    for (let n = start; n < Math.min(eventCount, start + 5000); n++) {
      const i = n % agentCount;
      const agent = agents[i];
      if (!agent) continue;
      seqs[i] = (seqs[i] ?? 0) + 1;
      batch.push({ ...eventOf(n, seqs[i] ?? 1, agent.host, agent.user, nowMs), agentId: agent.id, receivedAt });
    }
    await store.transaction((tx) => tx.events.insertEvents(batch));
    if (start % 100_000 === 0) process.stderr.write(`\rseed: ${start.toLocaleString('en')} / ${eventCount.toLocaleString('en')} events   `);
  }
  process.stderr.write('\n');
  const policyId = policyIds[0] ?? '';
  const draft = policyDocument.parse({
    schema: 'dlp.policy/v1',
    name: 'Trading, stricter',
    mode: 'enforce',
    apps: {
      rules: [
        { id: 'no-nc', action: 'block', kind: 'name', value: 'nc' },
        { id: 'no-remote', action: 'block', kind: 'sha256', value: hashOf(3) },
        { id: 'putty-ok', action: 'allow', kind: 'path', value: '/usr/bin/putty' },
        { id: 'no-nmap', action: 'block', kind: 'path', value: '/usr/bin/nmap' },
      ],
    },
    usb: { defaultAction: 'read-only', rules: [{ id: 'sandisk-ok', action: 'allow', match: { vendorId: '0781' } }] },
  });
  const draftId = uuidv7();
  await store.drafts.insert({ id: draftId, policyId, baseVersion: 1, name: draft.name, mode: draft.mode, document: draft, createdBy: 'bench', createdAt: issuedAt, updatedAt: issuedAt });
  return { policyId, groupId: groupIds[0] ?? '', draftId };
}

/** p50 and p95 of `runs` timed calls after one warm-up call. */
async function time(runs: number, fn: () => Promise<unknown>): Promise<{ p50: number; p95: number }> {
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
  const agentCount = arg('agents', 500);
  const eventCount = arg('events', 1_000_000);
  const runs = arg('runs', 5);
  const keepAt = process.argv.indexOf('--keep');
  const kept = keepAt >= 0 ? process.argv[keepAt + 1] : undefined;
  if (kept !== undefined) mkdirSync(kept, { recursive: true });
  const dir = kept ?? mkdtempSync(path.join(tmpdir(), 'dlp-bench-impact-'));
  const file = path.join(dir, 'console.sqlite');
  const seedFile = path.join(dir, 'seed.json');
  const reused = kept !== undefined && existsSync(seedFile);
  const store = await openSqliteStore({ path: file });
  try {
    let seeded: { nowMs: number; groupId: string; draftId: string };
    if (reused) {
      seeded = JSON.parse(readFileSync(seedFile, 'utf8')) as typeof seeded;
      process.stderr.write(`reusing the seeded database in ${dir}\n`);
    } else {
      // A fixed "now" for the whole run, so every preview and baseline reads the same window.
      const nowMs = Date.now();
      const seedStarted = Date.now();
      seeded = { nowMs, ...(await seed(store, agentCount, eventCount, nowMs)) };
      if (kept !== undefined) writeFileSync(seedFile, JSON.stringify(seeded));
      process.stderr.write(`seeded ${agentCount} agents and ${eventCount} events in ${((Date.now() - seedStarted) / 1000).toFixed(1)} s\n`);
    }
    const { nowMs, groupId, draftId } = seeded;
    const service = new ImpactService(store, undefined, () => nowMs);
    const fromMs = nowMs - 7 * DAY_MS;
    const report = await service.preview(draftId, 7);
    const { alreadyBlocked: a, newlyBlocked: n, noLongerBlocked: l } = report.buckets;
    process.stderr.write(
      `preview of ${report.scope.groups.map((g) => g.name).join(', ')}: ${report.appEvents} app events, truncated ${report.truncated}; ` +
        `already ${a.events}/${a.hosts}/${a.users}, newly ${n.events}/${n.hosts}/${n.users}, no longer ${l.events}/${l.hosts}/${l.users} (events/hosts/users)\n`,
    );

    const raw = await SqliteWorkerDatabase.open(file);
    const counted = await time(runs, () => raw.get('SELECT count(*) AS n FROM events WHERE group_id = ? AND occurred_at_ms >= ? AND occurred_at_ms < ?', [groupId, fromMs, nowMs]));
    await raw.close();
    const readRows = async (): Promise<number> => {
      let rows = 0;
      let after: EventSearchPosition | undefined;
      for (;;) {
        const page = await store.eventSearch.search({ groupId, fromMs, toMs: nowMs, limit: IMPACT_PAGE, ...(after ? { after } : {}) });
        rows += page.length;
        const last = page[page.length - 1];
        if (page.length < IMPACT_PAGE || !last) break;
        after = { occurredAtMs: last.occurredAtMs, rowId: last.rowId };
      }
      return rows;
    };
    const read = await time(runs, readRows);
    const previewed = await time(runs, () => service.preview(draftId, 7));
    const round = (x: number): number => Number(x.toFixed(1));
    const scope = `${Math.round(eventCount / GROUPS / 1000)}k_of_${Math.round(eventCount / 1000)}k_events_${agentCount}_agents`;
    const figures = [
      { name: `console.impact_preview.${scope}.vs_count.p50`, value: previewed.p50, baseline: counted.p50 },
      { name: `console.impact_preview.${scope}.vs_count.p95`, value: previewed.p95, baseline: counted.p95 },
      { name: `console.impact_preview.${scope}.vs_row_read.p50`, value: previewed.p50, baseline: read.p50 },
      { name: `console.impact_preview.${scope}.vs_row_read.p95`, value: previewed.p95, baseline: read.p95 },
    ];
    for (const f of figures) process.stdout.write(`${JSON.stringify({ name: f.name, value: round(f.value), unit: 'ms', baseline: round(f.baseline), ratio: Number((f.value / f.baseline).toFixed(2)) })}\n`);
  } finally {
    await store.close();
    if (kept === undefined) rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
