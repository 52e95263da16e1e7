import { spawn } from 'node:child_process';
import { chmod, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { agentConfig, type IpcResponse } from '@dlp/shared';
import { generateSigningKeyPair } from '@dlp/shared/node';
import { startAgent, type RunningAgent } from './agent';
import { silentLogger } from './core/logger';
import { EMPLOYEE_EXIT } from './employee-cli/employee-cli';
import { createFakePlatform, fakeSha256, type FakePlatform } from './platform/fake/fake-platform';
import { signException } from './platform/fake/usb/fake-usb-host';
import { NOBODY } from './platform/linux/fanotify/testing/kernel-fixtures';
import { makeTempDir, signedPolicyFor, waitFor } from './testing/fixtures';
import { bundleAgent } from './testing/agent-process';
import { TestConsole } from './testing/test-console';

const key = generateSigningKeyPair();
const repoRoot = path.resolve(__dirname, '../../..');
const CLIENT = path.join(__dirname, 'testing/ipc-line-client.cjs');
const fastLink = { backoffBaseMs: 20, backoffCapMs: 200, rejectedRetryMs: 300, heartbeatMs: 200 };
const policy = {
  mode: 'enforce' as const,
  apps: { rules: [{ id: 'no-nc', action: 'block' as const, kind: 'name' as const, value: 'nc', description: 'Netcat can send files out of the firm.' }] },
  screen: { blockCaptureTools: false, watermark: { enabled: true, text: '内部资料 严禁外传', opacity: 0.2 } },
  notice: { message: 'Ask the helpdesk (ext. 4000) if you need it.', helpUrl: 'https://help.example.test/dlp' },
};

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `command` as `nobody` with the given environment, no shell in between. */
function asNobody(command: string[], env: NodeJS.ProcessEnv = {}): Promise<Ran> {
  return new Promise((resolve) => {
    const [file, ...args] = command as [string, ...string[]];
    const child = spawn(file, args, { ...NOBODY, cwd: '/', env: { PATH: process.env.PATH, NODE_PATH: path.join(repoRoot, 'node_modules'), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('the employee channel of a running agent (real socket, clients as nobody)', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let console_: TestConsole;
  let platform: FakePlatform;
  let agent: RunningAgent | null = null;
  let cli: string;
  let socket: string;
  const dlpAgent = (args: string[], env: NodeJS.ProcessEnv = {}) => asNobody([process.execPath, cli, ...args, '--socket', socket], env);
  const lineClient = (expected: number | `until:${string}`, ...requests: object[]) => asNobody([process.execPath, CLIENT, socket, String(expected), ...requests.map((r) => JSON.stringify(r))]);
  const parse = (out: string) => out.trim().split('\n').map((l) => JSON.parse(l) as IpcResponse);

  beforeAll(async () => {
    ({ dir, cleanup } = await makeTempDir('employee-channel'));
    await chmod(dir, 0o755);
    // The same bundling as `npm run build`, in the 0755 folder so nobody can run it.
    cli = await bundleAgent(dir);
  });
  afterAll(() => cleanup());

  beforeEach(async () => {
    console_ = await TestConsole.start({ key });
    platform = createFakePlatform({ root: path.join(dir, `host-${Date.now()}`) });
    platform.host.users.set(65534, 'nobody');
    socket = path.join(dir, `run-${Date.now()}`, 'agent.sock');
    const config = agentConfig.parse({ consoleUrl: console_.url, enrollSecret: console_.enrollSecret, dataDir: path.join(dir, `data-${Date.now()}`), scanIntervalMs: 20, localSocket: socket });
    agent = await startAgent(config, { platform, log: silentLogger, linkTimings: fastLink });
    await waitFor(() => agent?.linkState() === 'ready', 'ready');
    console_.pushPolicy(signedPolicyFor(key, 3, policy));
    await waitFor(() => agent?.policySerial() === 3, 'the policy');
  });
  afterEach(async () => {
    await agent?.stop();
    agent = null;
    await console_.stop();
  });

  it('`dlp-agent status` as nobody, in Chinese: protection, policy, controls, the firm’s notice, and who they are', async () => {
    const ran = await dlpAgent(['status'], { LANG: 'zh_CN.UTF-8' });
    expect(ran).toMatchObject({ code: EMPLOYEE_EXIT.done, stderr: '' });
    expect(ran.stdout).toContain('保护状态: 已受保护');
    expect(ran.stdout).toContain('控制台: 已连接管理控制台');
    expect(ran.stdout).toContain('应用程序: 按策略拦截');
    expect(ran.stdout).toContain('Ask the helpdesk (ext. 4000) if you need it.');
    expect(ran.stdout).toContain('当前用户: nobody @ ws-test-01');
    const json = await dlpAgent(['status', '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ type: 'status-result', status: { watermark: { enabled: true, text: '内部资料 严禁外传', opacity: 0.2 }, peer: { uid: 65534, privileged: false } } });
  });

  it('each user sees only their own blocks, live and afterwards; root sees everyone’s', async () => {
    // Until nobody's block: a status notice may come between (the policy's capability report lands
    // whenever it does), and is not what this test is about.
    const stream = lineClient('until:"kind":"block"', { v: 1, type: 'subscribe' });
    await waitFor(() => agent?.ipcSubscribers() === 1, 'the subscription');
    platform.processes.spawn({ pid: 901, exePath: '/usr/bin/nc', content: 'nc of alice', uid: 1000 });
    await waitFor(() => [...console_.events.values()].some((e) => e.subject.kind === 'process' && e.subject.pid === 901), 'alice’s block');
    platform.processes.spawn({ pid: 902, exePath: '/usr/bin/nc', content: 'nc of nobody', uid: 65534 });
    const lines = parse((await stream).stdout);
    const [subscribed] = lines;
    const notice = lines.find((line) => line.type === 'notice' && line.notice.kind === 'block');
    expect(lines.filter((line) => line !== subscribed && line !== notice).every((line) => line.type === 'notice' && line.notice.kind === 'status')).toBe(true);
    expect(subscribed).toMatchObject({ type: 'subscribed', status: { peer: { uid: 65534 } } });
    expect(notice).toMatchObject({ type: 'notice', notice: { kind: 'block', block: { what: '/usr/bin/nc', user: 'nobody', ruleId: 'no-nc', reason: 'Netcat can send files out of the firm.', action: 'blocked', target: { kind: 'app', sha256: fakeSha256('nc of nobody') } } } });

    const mine = await dlpAgent(['blocks']);
    expect(mine.code).toBe(EMPLOYEE_EXIT.done);
    expect(mine.stdout.match(/blocked: \/usr\/bin\/nc/g)).toHaveLength(1);
    expect(mine.stdout).toContain('[nobody]');
    expect(mine.stdout).not.toContain('[alice]');
    const all = await new Promise<IpcResponse[]>((resolve) => {
      const child = spawn(process.execPath, [CLIENT, socket, '1', JSON.stringify({ v: 1, type: 'recent-blocks' })]);
      let out = '';
      child.stdout.on('data', (c: Buffer) => (out += c.toString()));
      child.on('close', () => resolve(parse(out)));
    });
    expect(all[0]?.type === 'recent-blocks-result' && all[0].blocks.map((b) => b.user)).toEqual(['nobody', 'alice']);
  });

  it('asks for themselves only; the request is followed until an officer’s exception arrives', async () => {
    const program = path.join(dir, 'report-tool');
    await writeFile(program, 'report tool bytes', { mode: 0o755 });
    const forAlice = await dlpAgent(['request-exception', '--app', program, '--minutes', '60', '--reason', 'month end', '--user', 'alice']);
    expect(forAlice).toMatchObject({ code: EMPLOYEE_EXIT.forbidden, stderr: 'You can only ask for yourself.\n' });
    expect(console_.exceptionRequests).toHaveLength(0);

    const mine = await dlpAgent(['request-exception', '--app', program, '--minutes', '60', '--reason', 'month end']);
    expect(mine.code).toBe(EMPLOYEE_EXIT.done);
    expect(mine.stdout).toMatch(/^Request \S+ sent: a security officer will review it\.\n$/);
    await waitFor(() => console_.exceptionRequests.length === 1, 'the request at the console');
    expect(console_.exceptionRequests[0]).toMatchObject({ user: 'nobody', target: { kind: 'app', sha256: fakeSha256('report tool bytes'), exePath: program } });
    expect((await dlpAgent(['requests'])).stdout).toContain('Waiting for an officer');

    console_.pushException(signException(key, { agentId: console_.agentId ?? '', expiresAt: new Date(Date.now() + 3_600_000).toISOString(), target: { kind: 'app', sha256: fakeSha256('report tool bytes') } }));
    await waitFor(async () => (await dlpAgent(['requests'])).stdout.includes('Granted (until'), 'the request shown granted');
  });

  it('malformed, oversized and flooding requests get clear errors and the agent keeps serving', async () => {
    const answers = parse((await lineClient(3, { v: 1, type: 'status', extra: true }, { v: 1, type: 'stop-enforcement' }, { v: 1, type: 'recent-blocks', limit: 100000 })).stdout);
    expect(answers.map((a) => a.type === 'error' && a.code)).toEqual(['bad_request', 'bad_request', 'bad_request']);
    const flood = parse((await lineClient(60, ...Array.from({ length: 60 }, () => ({ v: 1, type: 'status' })))).stdout);
    expect(flood.filter((a) => a.type === 'error' && a.code === 'rate_limited').length).toBeGreaterThan(0);
    expect(flood.filter((a) => a.type === 'status-result').length).toBeGreaterThanOrEqual(20);
    // The bucket refills: a moment later the same user is served again.
    await new Promise((r) => setTimeout(r, 500));
    expect(await dlpAgent(['unlock', 'ABCD-EFGH'])).toMatchObject({ code: EMPLOYEE_EXIT.refused, stderr: 'Unlock codes are not available on this computer yet.\n' });
  });
});
