import type { ChildProcess } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { generateSigningKeyPair, generateUnlockKey, issueUnlockCode } from '@dlp/shared/node';
import { FakeSysfsTree } from './platform/fake/usb/fake-sysfs-tree';
import { makeTempDir, signedPolicyFor, waitFor } from './testing/fixtures';
import { bundleAgent, runAgentProcess, type AgentProcess } from './testing/agent-process';
import { TestConsole } from './testing/test-console';


describe('agent service process (main.ts)', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let bundle: string;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    ({ dir, cleanup } = await makeTempDir('main'));
    // The same bundling as `npm run build`, into this test's own folder.
    bundle = await bundleAgent(dir);
  });
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await cleanup();
  });

  function run(args: string[]): AgentProcess {
    const started = runAgentProcess(bundle, args);
    children.push(started.child);
    return started;
  }

  it('exits 2 naming the field when the configuration is wrong', async () => {
    const configPath = path.join(dir, 'bad.json');
    await writeFile(configPath, JSON.stringify({ consoleUrl: 'ws://127.0.0.1:1/agent', dataDir: path.join(dir, 'x'), scanIntervalMs: 5000 }));
    const proc = run(['--config', configPath]);
    expect(await proc.exit).toBe(2);
    expect(proc.stderr()).toMatch(/config error: .*bad\.json is invalid\n {2}scanIntervalMs: /);
    expect(proc.stdout()).toBe('');
  });

  it('exits 2 without --config', async () => {
    const proc = run([]);
    expect(await proc.exit).toBe(2);
    expect(proc.stderr()).toMatch(/--config is required/);
  });

  it('unlock: exits 3 naming the socket when the agent is not running', async () => {
    const configPath = path.join(dir, 'idle.json');
    await writeFile(configPath, JSON.stringify({ consoleUrl: 'ws://127.0.0.1:1/agent', dataDir: path.join(dir, 'idle-data') }));
    const proc = run(['unlock', 'ABCD-EFGH', '--config', configPath]);
    expect(await proc.exit).toBe(3);
    expect(proc.stderr()).toContain(`The DLP agent is not running on this computer: please tell your IT helpdesk. (${path.join(dir, 'idle-data', 'agent.sock')})`);
  });

  it('unlock: a code typed at the command line unlocks the blocked stick once, and is refused the second time', async () => {
    const key = generateSigningKeyPair();
    const unlockKey = generateUnlockKey();
    const console_ = await TestConsole.start({ key, unlockKey });
    try {
      const roots = { proc: path.join(dir, 'usb-host/proc'), sys: path.join(dir, 'usb-host/sys'), etc: path.join(dir, 'usb-host/etc') };
      await mkdir(path.join(roots.proc, 'self'), { recursive: true });
      await mkdir(roots.etc, { recursive: true });
      await writeFile(path.join(roots.proc, 'self/mountinfo'), '');
      const tree = FakeSysfsTree.create(roots.sys);
      tree.addRootHub(1);
      const stick = { vendorId: '0781', productId: '5567', serial: '4C530001230512' };
      tree.addDevice({ port: '1-2', ...stick, manufacturer: 'SanDisk', product: 'Cruzer Blade', interfaces: [8] });
      const configPath = path.join(dir, 'usb-agent.json');
      await writeFile(configPath, JSON.stringify({ consoleUrl: console_.url, enrollSecret: console_.enrollSecret, dataDir: path.join(dir, 'usb-data'), hostRoots: roots }));

      const agent = run(['--config', configPath]);
      await waitFor(() => console_.hellos.length === 1, 'the hello', 15_000);
      expect(console_.hellos[0]?.capabilities?.usb).toEqual({ method: 'sysfs-authorized', mountGuard: true });
      console_.pushPolicy(signedPolicyFor(key, 2, { mode: 'enforce', usb: { defaultAction: 'block' } }));
      await waitFor(() => tree.read('1-2', 'authorized') === '0', 'the stick to be cut off', 15_000);

      const { code } = issueUnlockCode(unlockKey, console_.agentId ?? '', stick, 60);
      const first = run(['unlock', ...code.split('-'), '--config', configPath]);
      expect({ exit: await first.exit, stderr: first.stderr() }).toEqual({ exit: 0, stderr: '' });
      expect(first.stdout()).toMatch(/^Accepted: the USB device SanDisk Cruzer Blade \(0781:5567, serial 4C530001230512\) may be used until \d{4}-\d\d-\d\d \d\d:\d\d\.\n$/);
      await waitFor(() => tree.read('1-2', 'authorized') === '1', 'the unlocked stick to be bound', 15_000);

      const second = run(['unlock', code, '--config', configPath]);
      expect(await second.exit).toBe(1);
      expect(second.stderr()).toBe('This code has already been used (each code works once): please ask for a new code.\n');

      agent.child.kill('SIGTERM');
      expect(await agent.exit).toBe(0);
      // The unlock key and the one-time code are secrets: neither reaches the logs.
      expect(agent.stderr()).not.toContain(Buffer.from(unlockKey).toString('base64'));
      expect(agent.stderr()).not.toContain(code.replace(/-/g, ''));
      expect(agent.stderr()).toContain('unlock code accepted');
    } finally {
      await console_.stop();
    }
  });

  it('a second agent on the same data dir refuses to start (exit 3, clear message); after kill -9 of the first, a new one starts', async () => {
    const key = generateSigningKeyPair();
    const console_ = await TestConsole.start({ key });
    try {
      const dataDir = path.join(dir, 'shared-data');
      const configPath = path.join(dir, 'shared-agent.json');
      await writeFile(configPath, JSON.stringify({ consoleUrl: console_.url, enrollSecret: console_.enrollSecret, dataDir }));
      const first = run(['--config', configPath]);
      await waitFor(() => console_.hellos.length === 1, 'the first agent’s hello', 15_000);

      const second = run(['--config', configPath]);
      expect(await second.exit).toBe(3);
      expect(second.stderr()).toContain(`another agent (pid ${first.child.pid}) is already running on the data dir ${dataDir}`);
      expect(second.stdout()).toBe('');
      // The first one never noticed: still running, still the only connection the console saw.
      expect(first.child.exitCode).toBeNull();
      expect(console_.hellos).toHaveLength(1);

      // A crash leaves no stale lock: the kernel released it with the process.
      first.child.kill('SIGKILL');
      await first.exit;
      const third = run(['--config', configPath]);
      await waitFor(() => third.stdout().includes('DLP_AGENT_READY'), 'the replacement agent', 15_000);
      await waitFor(() => console_.hellos.length === 2, 'the replacement agent’s hello', 15_000);
      third.child.kill('SIGTERM');
      expect(await third.exit).toBe(0);
    } finally {
      await console_.stop();
    }
  });

  it('enforces, enrolls, logs JSON lines without secrets and stops cleanly on SIGTERM', async () => {
    const key = generateSigningKeyPair();
    const console_ = await TestConsole.start({ key });
    try {
      // A fake host tree: the real agent reads hostname, OS version and users from it.
      const roots = { proc: path.join(dir, 'host/proc'), sys: path.join(dir, 'host/sys'), etc: path.join(dir, 'host/etc') };
      await mkdir(path.join(roots.proc, 'sys/kernel'), { recursive: true });
      await mkdir(roots.sys, { recursive: true });
      await mkdir(roots.etc, { recursive: true });
      await writeFile(path.join(roots.proc, 'sys/kernel/hostname'), 'fake-host-42\n');
      await writeFile(path.join(roots.proc, 'sys/kernel/osrelease'), '6.1.0-fake\n');
      await writeFile(path.join(roots.etc, 'passwd'), 'root:x:0:0::/root:/bin/sh\n');
      const dataDir = path.join(dir, 'data');
      const configPath = path.join(dir, 'agent.json');
      await writeFile(configPath, JSON.stringify({ consoleUrl: console_.url, enrollSecret: console_.enrollSecret, dataDir, hostRoots: roots, logLevel: 'debug' }));

      const proc = run(['--config', configPath]);
      await waitFor(() => proc.stdout().includes('DLP_AGENT_ENROLLED'), 'the enrolled line', 15_000);
      await waitFor(() => console_.hellos.length === 1, 'the hello', 15_000);
      const lines = proc.stdout().trim().split('\n');
      expect(lines).toEqual(['DLP_AGENT_READY', `DLP_AGENT_ENROLLED agentId=${console_.agentId}`]);
      expect(console_.hellos[0]?.agent).toMatchObject({ hostname: 'fake-host-42', osVersion: '6.1.0-fake', os: 'linux' });
      const credentials = JSON.parse(await readFile(path.join(dataDir, 'credentials.json'), 'utf8'));
      expect(credentials.agentId).toBe(console_.agentId);

      proc.child.kill('SIGTERM');
      expect(await proc.exit).toBe(0);
      const logLines = proc.stderr().trim().split('\n');
      for (const line of logLines) expect(() => JSON.parse(line)).not.toThrow();
      expect(logLines.map((l) => JSON.parse(l).msg)).toEqual(expect.arrayContaining(['enforcement running', 'enrolled with the console', 'agent stopped']));
      expect(proc.stderr()).not.toContain(console_.enrollSecret);
      expect(proc.stderr()).not.toContain(console_.token);
    } finally {
      await console_.stop();
    }
  });
});
