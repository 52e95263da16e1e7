import { spawn } from 'node:child_process';
import net from 'node:net';
import { chmod, chown, mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { agentConfig, type AgentEvent, type IpcResponse } from '@dlp/shared';
import { generateSigningKeyPair } from '@dlp/shared/node';
import { startAgent, type RunningAgent } from './agent';
import { SCAN_WORKER_COMMAND } from './core/content-scan/scan-worker-protocol';
import { EMPLOYEE_EXIT } from './employee-cli/employee-cli';
import { createFakePlatform } from './platform/fake/fake-platform';
import { NOBODY } from './platform/linux/fanotify/testing/kernel-fixtures';
import { bundleAgent } from './testing/agent-process';
import { customerCsv, residentIds } from './testing/content-fixtures';
import { makeTempDir, signedPolicyFor, waitFor } from './testing/fixtures';
import { recordingLogger, type RecordedLine } from './testing/recording-logger';
import { TestConsole } from './testing/test-console';

const key = generateSigningKeyPair();
const repoRoot = path.resolve(__dirname, '../../..');
const NODE_PATH = path.join(repoRoot, 'node_modules');
const fastLink = { backoffBaseMs: 20, backoffCapMs: 200, rejectedRetryMs: 300, heartbeatMs: 200 };
/** The per-file read limit of these tests: the "huge" file is 3 MiB. */
const MAX_BYTES = 1024 * 1024;

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node <bundle> …args` (the `dlp-agent` command) as `uid` (default nobody), no shell in between. */
function run(bundle: string, args: string[], env: NodeJS.ProcessEnv = {}, as: { uid: number; gid: number } | null = NOBODY): Promise<Ran> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bundle, ...args], { ...(as ?? {}), cwd: '/', env: { PATH: process.env.PATH, NODE_PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

describe('`dlp-agent scan` against a running agent (real socket, real worker, clients as nobody)', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let bundle: string;
  let console_: TestConsole;
  let agent: RunningAgent | null = null;
  let socket: string;
  let lines: RecordedLine[];
  let dataDir: string;
  const scanAs = (args: string[], env: NodeJS.ProcessEnv = {}, as: { uid: number; gid: number } | null = NOBODY) => run(bundle, ['scan', ...args, '--socket', socket], env, as);
  const scanEvents = (): AgentEvent[] => [...console_.events.values()].filter((e) => e.type === 'content');

  beforeAll(async () => {
    ({ dir, cleanup } = await makeTempDir('content-scan'));
    await chmod(dir, 0o755);
    bundle = await bundleAgent(dir);
  });
  afterAll(() => cleanup());

  beforeEach(async () => {
    lines = [];
    console_ = await TestConsole.start({ key });
    const stamp = `${Date.now()}`;
    const platform = createFakePlatform({ root: path.join(dir, `host-${stamp}`) });
    platform.host.users.set(65534, 'nobody');
    socket = path.join(dir, `run-${stamp}`, 'agent.sock');
    dataDir = path.join(dir, `data-${stamp}`);
    const config = agentConfig.parse({ consoleUrl: console_.url, enrollSecret: console_.enrollSecret, dataDir, scanIntervalMs: 50, localSocket: socket });
    agent = await startAgent(config, {
      platform,
      log: recordingLogger(lines),
      linkTimings: fastLink,
      contentScans: { worker: { file: process.execPath, args: [bundle, SCAN_WORKER_COMMAND], env: { NODE_PATH } }, tuning: { limits: { maxBytes: MAX_BYTES, maxTimeMs: 60_000 } } },
    });
    await waitFor(() => agent?.linkState() === 'ready', 'the link');
    console_.pushPolicy(signedPolicyFor(key, 4, { content: { enabled: false, detectors: ['cn-resident-id', 'cn-mobile'], minDistinct: 10 } }));
    await waitFor(() => agent?.policySerial() === 4, 'the policy');
  });
  afterEach(async () => {
    await agent?.stop();
    agent = null;
    await console_.stop();
  });

  /** A folder nobody may read, holding a customer list, a note, a root-only list, a link out of the tree and a huge log. */
  async function plantTree(): Promise<{ tree: string; list: string; ids: string[]; leakIds: string[]; secretIds: string[] }> {
    const tree = path.join(dir, `tree-${Date.now()}`);
    const outside = path.join(dir, `outside-${Date.now()}`);
    await mkdir(tree, { mode: 0o755 });
    await mkdir(outside, { mode: 0o755 });
    const ids = residentIds(20, 11);
    const leakIds = residentIds(15, 12);
    const secretIds = residentIds(12, 13);
    const list = path.join(tree, '客户名单.csv');
    await writeFile(list, customerCsv(ids), { mode: 0o644 });
    await chown(list, NOBODY.uid, NOBODY.gid);
    await writeFile(path.join(tree, 'notes.txt'), '联系电话 13812345678\n', { mode: 0o644 });
    await writeFile(path.join(tree, 'rootonly.csv'), customerCsv(secretIds), { mode: 0o600 });
    // Readable by nobody, but only through a link that leads out of the tree: never followed.
    await writeFile(path.join(outside, 'leak.csv'), customerCsv(leakIds), { mode: 0o644 });
    await symlink(path.join(outside, 'leak.csv'), path.join(tree, 'link-out.csv'));
    await writeFile(path.join(tree, 'huge.log'), 'job 20260305 finished without errors\n'.repeat(Math.ceil((3 * MAX_BYTES) / 37)), { mode: 0o644 });
    return { tree, list, ids, leakIds, secretIds };
  }

  it('finds the customer list with its counts, skips what nobody may not read and the link out, shows progress; no raw ID anywhere', async () => {
    const { tree, list, ids, leakIds, secretIds } = await plantTree();
    const human = await scanAs([tree]);
    expect(human.code).toBe(EMPLOYEE_EXIT.customerDataFound);
    expect(human.stdout).toContain(`[customer data] ${list} (`);
    expect(human.stdout).toContain('    resident ID: 20 different');
    expect(human.stdout).toMatch(/^ {4}\d{6}\*{8}\d{3}[\dX]( {2}\d{6}\*{8}\d{3}[\dX]){4}$/m);
    expect(human.stdout).toContain(`[some personal data] ${path.join(tree, 'notes.txt')}`);
    expect(human.stdout).toContain('138****5678');
    expect(human.stdout).toContain(`[not read in full] ${path.join(tree, 'huge.log')}`);
    expect(human.stdout).toContain('not read in full: too large: only the first part was read');
    expect(human.stdout).toContain('Done: 3 files scanned');
    expect(human.stdout).toContain('; 1 with customer data, 1 with some personal data, 1 not read in full.');
    expect(human.stdout).toContain('Skipped: 1 symbolic link(s) (never followed), 1 you may not read.');
    expect(human.stdout).toContain('Looked for: resident ID, mobile number. Customer data: at least 10 different values');
    expect(human.stdout).not.toContain('leak.csv');
    expect(human.stdout).not.toContain('rootonly.csv');
    // Not a terminal: plain progress lines on stderr.
    expect(human.stderr).toContain('Counting files… 0\n');
    expect(human.stderr).toMatch(/^Scanning 4 files \(3\.\d MB\)…$/m);

    const json = await scanAs([tree, '--json'], { LANG: 'zh_CN.UTF-8' });
    expect(json.code).toBe(EMPLOYEE_EXIT.customerDataFound);
    const answers = json.stdout.trim().split('\n').map((l) => JSON.parse(l) as IpcResponse);
    expect(answers.filter((a) => a.type === 'scan-progress').length).toBeGreaterThanOrEqual(2);
    expect(answers.at(-1)).toMatchObject({ type: 'scan-result', outcome: 'completed', progress: { filesDone: 3, filesFlagged: 1, skipped: { symlinks: 1, denied: 1 } }, criteria: { detectors: ['cn-resident-id', 'cn-mobile'], minDistinct: 10, policySerial: 4 } });

    // One event per scan, for the list only, about its owner; nothing of the link's target or the root-only file.
    const events = await waitFor(() => (scanEvents().length === 2 ? scanEvents() : null), 'two content events');
    for (const event of events) {
      expect(event).toMatchObject({ action: 'info', severity: 'medium', ruleId: 'content:bulk-pii', policySerial: 4, user: 'nobody', subject: { kind: 'file', path: list, channel: 'scan', sha256: expect.stringMatching(/^[0-9a-f]{64}$/), matches: { 'cn-resident-id': 20 } } });
      expect(event.subject.kind === 'file' && event.subject.samples).toHaveLength(5);
    }

    await agent?.flushEvents();
    await agent?.stop();
    agent = null;
    const kept = await filesUnder(dataDir);
    const haystacks = [human.stdout, human.stderr, json.stdout, json.stderr, JSON.stringify(lines), JSON.stringify([...console_.events.values()]), ...(await Promise.all(kept.map((f) => readFile(f, 'utf8'))))];
    for (const id of [...ids, ...leakIds, ...secretIds]) for (const haystack of haystacks) expect(haystack.includes(id)).toBe(false);
  });

  it('refuses a root-only file to nobody, in the user’s language, and lets root (the helpdesk) scan it', async () => {
    const { tree } = await plantTree();
    const secret = path.join(tree, 'rootonly.csv');
    expect(await scanAs([secret])).toEqual({ code: EMPLOYEE_EXIT.forbidden, stdout: '', stderr: `You may not read ${secret}: only what you can open yourself is scanned.\n` });
    expect((await scanAs([secret], { LANG: 'zh_CN.UTF-8' })).stderr).toBe(`您无权读取 ${secret}：只会扫描您本人能打开的文件。\n`);
    expect((await scanAs([path.join(tree, 'missing')])).code).toBe(EMPLOYEE_EXIT.refused);
    // The agent's own folder (its quarantine holds customer files) is never scanned, for anyone.
    expect(await scanAs([dataDir])).toMatchObject({ code: EMPLOYEE_EXIT.refused, stderr: expect.stringContaining('is not scanned (the agent\'s own data') });

    const asRoot = await scanAs([secret], {}, null);
    expect(asRoot.code).toBe(EMPLOYEE_EXIT.customerDataFound);
    expect(asRoot.stdout).toContain('    resident ID: 12 different');
    expect((await scanAs([dataDir], {}, null)).code).toBe(EMPLOYEE_EXIT.refused);
  });
});

describe('cancelling `dlp-agent scan` and one scan per user (a worker that never ends)', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let bundle: string;
  let console_: TestConsole;
  let agent: RunningAgent | null = null;
  let socket: string;
  let pidFile: string;

  beforeAll(async () => {
    ({ dir, cleanup } = await makeTempDir('content-scan-cancel'));
    await chmod(dir, 0o755);
    bundle = await bundleAgent(dir);
  });
  afterAll(() => cleanup());

  beforeEach(async () => {
    console_ = await TestConsole.start({ key });
    const stamp = `${Date.now()}`;
    const platform = createFakePlatform({ root: path.join(dir, `host-${stamp}`) });
    socket = path.join(dir, `run-${stamp}`, 'agent.sock');
    pidFile = path.join(dir, `worker-${stamp}.pid`);
    const config = agentConfig.parse({ consoleUrl: console_.url, enrollSecret: console_.enrollSecret, dataDir: path.join(dir, `data-${stamp}`), scanIntervalMs: 50, localSocket: socket });
    const worker = { file: process.execPath, args: [path.join(__dirname, 'core/content-scan/testing/hanging-scan-worker.cjs')], env: { PID_FILE: pidFile } };
    agent = await startAgent(config, { platform, log: recordingLogger([]), linkTimings: fastLink, contentScans: { worker } });
  });
  afterEach(async () => {
    await agent?.stop();
    agent = null;
    await console_.stop();
  });

  /** Starts `dlp-agent scan PATH --json` as nobody and resolves once its first progress line is out. */
  async function startScan(): Promise<{ stop: () => boolean; exit: Promise<Ran> }> {
    const child = spawn(process.execPath, [bundle, 'scan', '/tmp', '--json', '--socket', socket], { ...NOBODY, cwd: '/', env: { PATH: process.env.PATH, NODE_PATH }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exit = new Promise<Ran>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
    await waitFor(() => stdout.includes('"type":"scan-progress"'), 'the first progress line');
    return { stop: () => child.kill('SIGINT'), exit };
  }

  const alive = (pid: number): boolean => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };

  it('refuses a second scan of the same user while one runs; Ctrl-C stops the scan on the agent', async () => {
    const first = await startScan();
    const workerPid = Number(await readFile(pidFile, 'utf8'));
    expect(alive(workerPid)).toBe(true);
    const second = await run(bundle, ['scan', '/tmp', '--socket', socket]);
    expect(second).toMatchObject({ code: EMPLOYEE_EXIT.rateLimited, stderr: expect.stringContaining('A scan of yours is already running') });

    first.stop();
    expect(await first.exit).toMatchObject({ code: EMPLOYEE_EXIT.interrupted, stderr: 'Scan cancelled.\n' });
    // The agent noticed the client leave and killed the worker…
    await waitFor(() => !alive(workerPid), 'the worker to be killed');
    // …so the same user may start another scan.
    const again = await startScan();
    expect(Number(await readFile(pidFile, 'utf8'))).not.toBe(workerPid);
    again.stop();
    expect((await again.exit).code).toBe(EMPLOYEE_EXIT.interrupted);
  });

  it('closes a connection that sends another request while its scan streams, and stops that scan', async () => {
    const client = net.createConnection(socket);
    let received = '';
    client.setEncoding('utf8').on('data', (chunk: string) => (received += chunk));
    const closed = new Promise<void>((resolve) => client.on('close', () => resolve()));
    client.write(`${JSON.stringify({ v: 1, type: 'scan', path: '/tmp' })}\n`);
    await waitFor(() => received.includes('"type":"scan-progress"'), 'the first progress line');
    const workerPid = Number(await readFile(pidFile, 'utf8'));
    client.write(`${JSON.stringify({ v: 1, type: 'status' })}\n`);
    await closed;
    await waitFor(() => !alive(workerPid), 'the worker to be killed');
  });
});
