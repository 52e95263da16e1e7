import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFile, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { agentConfig, type AgentEvent } from '@dlp/shared';
import { generateSigningKeyPair } from '@dlp/shared/node';
import { startAgent, type RunningAgent } from './agent';
import { silentLogger } from './core/logger';
import { signException } from './platform/fake/usb/fake-usb-host';
import { createLinuxPlatform } from './platform/linux/linux-platform';
import { makeTempDir, signedPolicyFor, waitFor } from './testing/fixtures';
import { TestConsole } from './testing/test-console';

const key = generateSigningKeyPair();

/** Resolves with the signal that ended the child (null when it exited by itself). */
function ended(child: ChildProcess): Promise<NodeJS.Signals | null> {
  return new Promise((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
}

describe('screen-capture tool blocking with the real /proc scanner', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let console_: TestConsole;
  let agent: RunningAgent | null = null;
  const children: ChildProcess[] = [];

  beforeEach(async () => {
    ({ dir, cleanup } = await makeTempDir('screen'));
    console_ = await TestConsole.start({ key });
  });
  afterEach(async () => {
    for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await agent?.stop();
    agent = null;
    await console_.stop();
    await cleanup();
  });

  it('kills a program named like a capture tool in enforce mode, reports it as screen-capture, and lets an excepted copy run', async () => {
    const flameshot = path.join(dir, 'bin', 'flameshot');
    await mkdir(path.dirname(flameshot));
    await copyFile('/bin/sleep', flameshot);
    const sha256 = createHash('sha256').update(await readFile(flameshot)).digest('hex');
    // The real process table and host; an empty sysfs, so USB control reports itself unavailable.
    const platform = createLinuxPlatform({ roots: { proc: '/proc', sys: path.join(dir, 'sys'), etc: '/etc' } });
    // The scanner on purpose: pre-exec blocking would mark the real host's mounts (its own test uses a tmpfs).
    const config = agentConfig.parse({ consoleUrl: console_.url, enrollSecret: console_.enrollSecret, dataDir: path.join(dir, 'data'), scanIntervalMs: 50, appControl: { method: 'proc-scan' } });
    agent = await startAgent(config, { platform, log: silentLogger, linkTimings: { backoffBaseMs: 20, backoffCapMs: 200 } });
    const running = agent;
    await waitFor(() => running.linkState() === 'ready', 'the agent to be welcomed');
    console_.pushPolicy(signedPolicyFor(key, 3, { mode: 'enforce', screen: { blockCaptureTools: true } }));
    await waitFor(() => console_.receipts.length === 1, 'the policy receipt');

    const blocked = spawn(flameshot, ['300'], { stdio: 'ignore' });
    children.push(blocked);
    expect(await ended(blocked)).toBe('SIGKILL');
    const captureEvents = () => [...console_.events.values()].filter((e): e is AgentEvent => e.type === 'screen-capture');
    await waitFor(() => captureEvents().length === 1, 'the screen-capture event at the console');
    expect(captureEvents()[0]).toMatchObject({
      action: 'blocked',
      ruleId: 'screen:flameshot',
      policySerial: 3,
      subject: { kind: 'process', pid: blocked.pid, exePath: flameshot, name: 'flameshot', sha256, method: 'proc-scan' },
    });
    expect([...console_.events.values()].filter((e) => e.type === 'app')).toEqual([]);

    const exception = signException(key, { agentId: running.agentId() ?? '', expiresAt: new Date(Date.now() + 600_000).toISOString(), target: { kind: 'app', sha256 } });
    console_.pushException(exception);
    await waitFor(() => console_.exceptionReceipts.length === 1, 'the exception receipt');
    expect(console_.exceptionReceipts[0]).toMatchObject({ status: 'applied' });
    const allowed = spawn(flameshot, ['300'], { stdio: 'ignore' });
    children.push(allowed);
    await waitFor(() => captureEvents().some((e) => e.action === 'allowed'), 'the allowed-by-exception event');
    expect(captureEvents().find((e) => e.action === 'allowed')).toMatchObject({
      ruleId: 'screen:flameshot',
      subject: { pid: allowed.pid, sha256, exceptionId: exception.exception.id },
    });
    expect(allowed.exitCode).toBeNull();
    expect(allowed.signalCode).toBeNull();
  });
});
