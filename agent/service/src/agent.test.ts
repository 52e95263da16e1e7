import { readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { agentConfig, type AgentConfig, type AgentEvent } from '@dlp/shared';
import { canonicalHash, generateSigningKeyPair } from '@dlp/shared/node';
import { startAgent, type RunningAgent } from './agent';
import { ConfigError } from './core/config';
import { openAgentDatabase } from './core/agent-db';
import { silentLogger } from './core/logger';
import { createFakePlatform, type FakePlatform } from './platform/fake/fake-platform';
import { makeTempDir, signedPolicyFor, waitFor } from './testing/fixtures';
import { TestConsole } from './testing/test-console';

const key = generateSigningKeyPair();
const fastLink = { backoffBaseMs: 20, backoffCapMs: 200, rejectedRetryMs: 300, heartbeatMs: 200 };
const blockNc = { mode: 'enforce' as const, apps: { rules: [{ id: 'no-nc', action: 'block' as const, kind: 'name' as const, value: 'nc' }] } };

describe('agent service (fake platform, test console)', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let console_: TestConsole;
  let platform: FakePlatform;
  const running: RunningAgent[] = [];

  const config = (overrides: Partial<AgentConfig> = {}): AgentConfig =>
    agentConfig.parse({ consoleUrl: console_.url, enrollSecret: console_.enrollSecret, dataDir: path.join(dir, 'data'), scanIntervalMs: 20, ...overrides });

  async function start(cfg = config(), onEnrolled?: (id: string) => void): Promise<RunningAgent> {
    const agent = await startAgent(cfg, { platform, log: silentLogger, linkTimings: fastLink, ...(onEnrolled ? { onEnrolled } : {}) });
    running.push(agent);
    return agent;
  }

  async function stop(agent: RunningAgent): Promise<void> {
    await agent.stop();
    running.splice(running.indexOf(agent), 1);
  }

  const appEvents = () => [...console_.events.values()].filter((e): e is AgentEvent => e.type === 'app');

  beforeEach(async () => {
    ({ dir, cleanup } = await makeTempDir('agent'));
    console_ = await TestConsole.start({ key });
    platform = createFakePlatform({ root: path.join(dir, 'host') });
  });
  afterEach(async () => {
    for (const agent of running.splice(0)) await agent.stop();
    await console_.stop();
    await cleanup();
  });

  it('enrolls, pins the console key in a 0600 credentials file, and says hello', async () => {
    const enrolled: string[] = [];
    const agent = await start(config(), (id) => enrolled.push(id));
    await waitFor(() => agent.linkState() === 'ready', 'the agent to be welcomed');
    expect(enrolled).toEqual([console_.agentId]);
    expect(agent.agentId()).toBe(console_.agentId);

    const file = path.join(dir, 'data', 'credentials.json');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const saved = JSON.parse(await readFile(file, 'utf8'));
    expect(saved).toMatchObject({ agentId: console_.agentId, token: console_.token, consoleKey: { keyId: key.keyId, publicKey: key.publicKey } });
    expect(console_.hellos[0]).toMatchObject({ agentId: console_.agentId, policySerial: null, agent: { hostname: 'ws-test-01', os: 'linux', osVersion: '6.1.0-test', user: 'alice' } });
    expect(console_.hellos[0]?.capabilities).toMatchObject({ apps: { method: 'proc-scan', preExec: false }, usb: { method: 'sysfs-authorized', mountGuard: true }, screen: { captureToolBlocking: false, windowCaptureExclusion: false } });
  });

  it('keeps retrying a refused enroll secret until an admin fixes it', async () => {
    const goodSecret = console_.enrollSecret;
    console_.enrollSecret = 'another-secret-entirely-000';
    const agent = await start(config({ enrollSecret: goodSecret }));
    await waitFor(() => console_.enrollAttempts >= 2, 'a retry after refusal');
    expect(agent.agentId()).toBeNull();
    console_.enrollSecret = goodSecret;
    await waitFor(() => agent.linkState() === 'ready', 'enrollment once the secret is right', 10_000);
  });

  it('applies a pushed policy, receipts it, kills a blocked process and reports it with user, host and rule', async () => {
    const agent = await start();
    await waitFor(() => agent.linkState() === 'ready', 'ready');
    const policy = signedPolicyFor(key, 4, blockNc);
    console_.pushPolicy(policy);
    await waitFor(() => console_.receipts.length === 1, 'a receipt');
    expect(console_.receipts[0]).toEqual({ v: 1, type: 'policy-receipt', serial: 4, hash: canonicalHash(policy.bundle), status: 'applied' });
    expect(agent.policySerial()).toBe(4);

    platform.processes.spawn({ pid: 900, ppid: 899, uid: 1000, exePath: '/usr/bin/nc' });
    await waitFor(() => appEvents().length === 1, 'the blocked event at the console');
    expect(platform.processes.isRunning(900)).toBe(false);
    expect(appEvents()[0]).toMatchObject({
      type: 'app',
      action: 'blocked',
      severity: 'medium',
      user: 'alice',
      host: 'ws-test-01',
      ruleId: 'no-nc',
      policySerial: 4,
      subject: { kind: 'process', pid: 900, ppid: 899, uid: 1000, exePath: '/usr/bin/nc', name: 'nc', method: 'proc-scan' },
    });
    await waitFor(() => agent.outboxDepth() === 0, 'the ack to empty the outbox');
  });

  it('rejects a tampered push with a receipt and a high-severity event, and keeps the old policy', async () => {
    const agent = await start();
    await waitFor(() => agent.linkState() === 'ready', 'ready');
    console_.pushPolicy(signedPolicyFor(key, 4, blockNc));
    await waitFor(() => agent.policySerial() === 4, 'the first policy');
    const tampered = signedPolicyFor(key, 5, blockNc);
    tampered.bundle.document.mode = 'monitor';
    console_.pushPolicy(tampered);
    await waitFor(() => console_.receipts.length === 2, 'the second receipt');
    expect(console_.receipts[1]).toMatchObject({ serial: 5, status: 'rejected', error: expect.stringMatching(/tampered/) });
    expect(agent.policySerial()).toBe(4);
    await waitFor(() => [...console_.events.values()].some((e) => e.type === 'policy'), 'the tamper event');
    expect([...console_.events.values()].find((e) => e.type === 'policy')).toMatchObject({ action: 'blocked', severity: 'high', subject: { kind: 'policy', serial: 5 } });
  });

  it('enforces the last good policy from disk with the console down, and delivers what happened later', async () => {
    let agent = await start();
    await waitFor(() => agent.linkState() === 'ready', 'ready');
    console_.pushPolicy(signedPolicyFor(key, 4, blockNc));
    await waitFor(() => console_.receipts.length === 1, 'a receipt');
    await stop(agent);

    const port = console_.port;
    const { agentId, token } = console_;
    await console_.stop();
    platform.processes.spawn({ pid: 901, exePath: '/usr/bin/nc' });
    agent = await start();
    // Enforcement happened during start, before any network.
    expect(platform.processes.isRunning(901)).toBe(false);
    expect(agent.policySerial()).toBe(4);
    await agent.flushEvents();
    expect(agent.outboxDepth()).toBe(1);

    console_ = await TestConsole.start({ key }, port);
    console_.agentId = agentId;
    console_.token = token;
    await waitFor(() => appEvents().length === 1, 'the offline event once the console is back', 10_000);
    expect(appEvents()[0]).toMatchObject({ subject: { pid: 901 }, policySerial: 4 });
    expect(console_.hellos[0]?.policySerial).toBe(4);
  });

  it('refuses a hand-edited policy file at boot, uses the next good one and queues a tamper event', async () => {
    let agent = await start();
    await waitFor(() => agent.linkState() === 'ready', 'ready');
    console_.pushPolicy(signedPolicyFor(key, 4, blockNc));
    await waitFor(() => agent.policySerial() === 4, 'policy 4');
    console_.pushPolicy(signedPolicyFor(key, 5, blockNc));
    await waitFor(() => agent.policySerial() === 5, 'policy 5');
    await stop(agent);
    await console_.stop();

    const file = path.join(dir, 'data', 'policies', '5.json');
    const edited = JSON.parse(await readFile(file, 'utf8'));
    edited.bundle.document.apps.rules = [];
    await writeFile(file, JSON.stringify(edited));

    platform.processes.spawn({ pid: 902, exePath: '/usr/bin/nc' });
    agent = await start();
    expect(agent.policySerial()).toBe(4);
    expect(platform.processes.isRunning(902)).toBe(false);
    await agent.flushEvents();
    await stop(agent);

    const db = await openAgentDatabase(path.join(dir, 'data'));
    try {
      const rows = await db.all<{ body: string }>("SELECT body FROM outbox WHERE type = 'policy'");
      expect(rows.map((r) => JSON.parse(r.body))).toEqual([
        expect.objectContaining({ action: 'blocked', severity: 'high', subject: { kind: 'policy', serial: 5, reason: expect.stringMatching(/5\.json refused at boot: .*tampered/) } }),
      ]);
    } finally {
      await db.close();
    }
  });

  it('refuses to start unenrolled without an enroll secret, naming the field', async () => {
    const err = await startAgent(config({ enrollSecret: undefined }), { platform, log: silentLogger }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).issues[0]?.path).toBe('enrollSecret');
  });
});
