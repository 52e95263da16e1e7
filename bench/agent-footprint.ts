/**
 * Agent idle footprint benchmark (not a test): the real agent process (dist/agent/service.js) with
 * every control on — pre-exec blocking through the native helper (marks on a tmpfs made for this
 * run ONLY, so no other exec on the machine is judged), USB control on a fake sysfs tree with a
 * stick plugged in, an enforce policy with app, USB and capture-tool rules — enrolled to a real
 * console. After a warm-up it measures resident memory and CPU over a window, against a bare
 * `node -e "setInterval(()=>{},1000)"` measured the same way in the same run.
 *
 * Run through `npm run bench` (bench/run.mjs bundles it to dist/bench/agent-footprint.js), or alone
 * after `npm run build`: node dist/bench/agent-footprint.js   (root; run from the repository root)
 * DLP_BENCH_FOOTPRINT_SECONDS (default 60) and DLP_BENCH_FOOTPRINT_WARMUP_SECONDS (default 15).
 * Prints one JSON line per figure: {"name","value","unit","baseline","ratio",...}.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import type { AgentConfigInput, AgentSummary, PolicyDocumentInput } from '@dlp/shared';
import { FakeSysfsTree } from '../agent/service/src/platform/fake/usb/fake-sysfs-tree';
import { RestClient } from '../console/server/src/testing/rest-client';

/** bench/run.mjs starts benches from the repository root. */
const root = process.cwd();
const WINDOW_S = Number(process.env.DLP_BENCH_FOOTPRINT_SECONDS ?? 60);
const WARMUP_S = Number(process.env.DLP_BENCH_FOOTPRINT_WARMUP_SECONDS ?? 15);
const ADMIN_PASSWORD = `bench ${randomBytes(8).toString('hex')}`;
const ENROLL_SECRET = randomBytes(24).toString('hex');
const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

function print(name: string, value: number | null, unit: string, baseline: number | null, extra: Record<string, unknown> = {}): void {
  const round = (x: number | null) => (x === null ? null : Math.round(x * 1000) / 1000);
  const ratio = value !== null && baseline ? value / baseline : null;
  console.log(JSON.stringify({ name, value: round(value), unit, baseline: round(baseline), ratio: round(ratio), ...extra, load1: round(os.loadavg()[0] ?? 0) }));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** Spawns a node bundle from dist/ and resolves once stdout matches `ready`. */
async function startBundle(bundle: string, args: string[], env: Record<string, string>, ready: RegExp): Promise<{ child: ChildProcess; match: RegExpExecArray }> {
  const child = spawn(process.execPath, [path.join(root, 'dist', bundle), ...args], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  // Drained, so a chatty process never blocks on a full pipe while it is measured.
  child.stderr?.on('data', (chunk: Buffer) => (err = (err + chunk.toString()).slice(-4000)));
  const match = await waitFor(`${bundle} to start`, () => {
    if (child.exitCode !== null) throw new Error(`${bundle} exited: ${err}`);
    return ready.exec(out) ?? undefined;
  });
  return { child, match };
}

async function stop(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

interface ProcSample {
  /** utime + stime + cutime + cstime, clock ticks: its own CPU and that of children it reaped. */
  ticks: number;
  rssKb: number;
}

function sample(pid: number): ProcSample | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ').map(Number);
    // Fields after the command: state(0) ppid(1) … utime(11) stime(12) cutime(13) cstime(14).
    const ticks = (fields[11] ?? 0) + (fields[12] ?? 0) + (fields[13] ?? 0) + (fields[14] ?? 0);
    const rss = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return { ticks, rssKb: Number(rss?.[1] ?? 0) };
  } catch {
    return null;
  }
}

/** The pid and every live descendant (the helper, findmnt…). */
function processTree(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // gone meanwhile
    }
  }
  const out = [pid];
  for (let i = 0; i < out.length; i++) out.push(...(children.get(out[i] ?? -1) ?? []));
  return out;
}

/** CPU ticks per thread of the given processes, keyed `pid/comm/tid` (where an idle agent spends its time). */
function threadTicks(pids: number[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const pid of pids) {
    let tids: string[] = [];
    try {
      tids = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue;
    }
    for (const tid of tids) {
      try {
        const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
        const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ').map(Number);
        out.set(`${pid}/${comm}/${tid}`, (fields[11] ?? 0) + (fields[12] ?? 0));
      } catch {
        // gone meanwhile
      }
    }
  }
  return out;
}

function sumTree(pids: number[]): ProcSample {
  return pids.map(sample).reduce<ProcSample>((acc, s) => ({ ticks: acc.ticks + (s?.ticks ?? 0), rssKb: acc.rssKb + (s?.rssKb ?? 0) }), { ticks: 0, rssKb: 0 });
}

/** A policy of realistic size: app rules of every kind, USB rules, the capture-tool catalogue. */
function benchPolicy(): PolicyDocumentInput {
  const sha = (i: number) => createHash('sha256').update(`bench ${i}`).digest('hex');
  return {
    schema: 'dlp.policy/v1',
    name: 'Default',
    mode: 'enforce',
    apps: {
      rules: [
        ...Array.from({ length: 40 }, (_, i) => ({ id: `path-${i}`, action: 'block' as const, kind: 'path' as const, value: `/opt/vendor${i}/**/bin/*` })),
        ...Array.from({ length: 40 }, (_, i) => ({ id: `name-${i}`, action: 'block' as const, kind: 'name' as const, value: `tool-${i}` })),
        ...Array.from({ length: 20 }, (_, i) => ({ id: `sha-${i}`, action: 'block' as const, kind: 'sha256' as const, value: sha(i) })),
      ],
    },
    usb: { defaultAction: 'block', rules: [{ id: 'hid-ok', action: 'allow', match: { interfaceClass: 3 } }] },
    screen: { blockCaptureTools: true },
  };
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) {
    print('agent.idle.rss', null, 'MB', null, { note: 'skipped: needs root (fanotify permission marks)' });
    return;
  }
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'dlp-bench-footprint-'));
  const marked = path.join(scratch, 'marked');
  mkdirSync(marked);
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16m,mode=0755', 'dlp-bench-footprint', marked]);
  const children: ChildProcess[] = [];
  try {
    const roots = { proc: '/proc', sys: path.join(scratch, 'sys'), etc: '/etc' };
    const tree = FakeSysfsTree.create(roots.sys);
    tree.addRootHub(1);
    tree.addDevice({ port: '1-2', vendorId: '0781', productId: '5567', serial: '4C530001230512', manufacturer: 'SanDisk', product: 'Cruzer Blade', interfaces: [8] });

    const consoleProc = await startBundle(
      'console/server.js',
      ['--data-dir', path.join(scratch, 'console'), '--port', '0', '--host', '127.0.0.1'],
      { DLP_ADMIN_PASSWORD: ADMIN_PASSWORD, DLP_LOCAL_ENROLL_SECRET: ENROLL_SECRET },
      /DLP_CONSOLE_LISTENING url=(http:\/\/127\.0\.0\.1:(\d+))/,
    );
    children.push(consoleProc.child);
    const admin = new RestClient(consoleProc.match[1] ?? '');
    if ((await admin.login('admin', ADMIN_PASSWORD)).status !== 200) throw new Error('admin login failed');

    const config: AgentConfigInput = {
      consoleUrl: `ws://127.0.0.1:${consoleProc.match[2]}/agent`,
      enrollSecret: ENROLL_SECRET,
      dataDir: path.join(scratch, 'agent'),
      hostRoots: roots,
      appControl: { method: 'fanotify', fanotifyMarks: [marked] },
      logLevel: 'warn',
    };
    const configPath = path.join(scratch, 'agent.json');
    writeFileSync(configPath, JSON.stringify(config), { mode: 0o600 });
    const agent = await startBundle('agent/service.js', ['--config', configPath], {}, /DLP_AGENT_READY/);
    children.push(agent.child);
    const agentPid = agent.child.pid ?? 0;

    const summary = async () => (await admin.json<{ items: AgentSummary[] }>('GET', '/api/v1/agents')).body.items[0];
    await waitFor('the agent to come online', async () => ((await summary())?.online ? true : undefined));
    const policies = await admin.json<{ items: Array<{ id: string }> }>('GET', '/api/v1/policies');
    const published = await admin.json<{ policy: { serial: number } }>('PUT', `/api/v1/policies/${policies.body.items[0]?.id ?? ''}`, { document: benchPolicy() });
    if (published.status !== 200) throw new Error(`publishing the policy failed: ${published.status}`);
    const applied = await waitFor('the agent to apply the policy', async () => {
      const agentNow = await summary();
      return agentNow?.policySerial === published.body.policy.serial && agentNow.capabilities ? agentNow : undefined;
    });
    const capabilities = applied.capabilities;
    if (capabilities?.apps.method !== 'fanotify' || capabilities.usb.method !== 'sysfs-authorized') {
      throw new Error(`not every control is on: ${JSON.stringify(capabilities)}`);
    }
    await waitFor('the stick to be blocked', () => (tree.read('1-2', 'authorized') === '0' ? true : undefined));

    const bare = spawn(process.execPath, ['-e', 'setInterval(()=>{},1000)'], { stdio: 'ignore' });
    children.push(bare);
    const barePid = bare.pid ?? 0;

    await sleep(WARMUP_S * 1000);
    const agentTree = processTree(agentPid);
    const before = { agent: sample(agentPid), tree: sumTree(agentTree), bare: sample(barePid), threads: threadTicks(agentTree) };
    const startedAt = process.hrtime.bigint();
    await sleep(WINDOW_S * 1000);
    const seconds = Number(process.hrtime.bigint() - startedAt) / 1e9;
    const after = { agent: sample(agentPid), tree: sumTree(processTree(agentPid)), bare: sample(barePid), threads: threadTicks(agentTree) };
    if (!before.agent || !after.agent || !before.bare || !after.bare) throw new Error('a measured process went away');

    const cpuPercent = (from: number, to: number) => ((to - from) / CLOCK_TICKS / seconds) * 100;
    const mb = (kb: number) => kb / 1024;
    const common = { windowSeconds: Math.round(seconds), warmupSeconds: WARMUP_S, processes: agentTree.length };
    print('agent.idle.rss', mb(after.agent.rssKb), 'MB', mb(after.bare.rssKb), { ...common, target: '<= 80 MB' });
    print('agent.idle.rss-with-helper', mb(after.tree.rssKb), 'MB', mb(after.bare.rssKb), { ...common, note: 'agent + native helper + other descendants' });
    print('agent.idle.cpu', cpuPercent(before.agent.ticks, after.agent.ticks), '% of one core', cpuPercent(before.bare.ticks, after.bare.ticks), { ...common, target: '<= 1 %' });
    // Where the time went, per thread (pid/name/tid), for anyone chasing the figure down.
    const busiest = [...after.threads]
      .map(([thread, ticks]) => [thread, Math.round(cpuPercent(before.threads.get(thread) ?? 0, ticks) * 100) / 100] as const)
      .filter(([, percent]) => percent > 0)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 8);
    print('agent.idle.cpu-with-helper', cpuPercent(before.tree.ticks, after.tree.ticks), '% of one core', cpuPercent(before.bare.ticks, after.bare.ticks), { ...common, clockTicks: CLOCK_TICKS, threads: Object.fromEntries(busiest) });
  } finally {
    for (const child of children.reverse()) await stop(child);
    // The helper's marks went with the agent; the mount can go now.
    try {
      execFileSync('umount', [marked]);
    } catch {
      execFileSync('umount', ['-l', marked]);
    }
    rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
