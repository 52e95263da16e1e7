import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { agentConfig } from '@dlp/shared';
import { generateSigningKeyPair } from '@dlp/shared/node';
import { startAgent, type RunningAgent } from './agent';
import { silentLogger } from './core/logger';
import { createFakePlatform } from './platform/fake/fake-platform';
import { makeTempDir, signedPolicyFor, waitFor } from './testing/fixtures';
import { TestConsole } from './testing/test-console';

const key = generateSigningKeyPair();

// The policy's hardening section through the whole agent, on a fake proc tree (the real sysctls: platform/linux/hardening.kernel.test.ts).
describe('agent: host hardening from the policy', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let console_: TestConsole;
  let agent: RunningAgent | null = null;

  beforeEach(async () => {
    ({ dir, cleanup } = await makeTempDir('hardening'));
    console_ = await TestConsole.start({ key });
  });
  afterEach(async () => {
    await agent?.stop();
    agent = null;
    await console_.stop();
    await cleanup();
  });

  it('sets the switches in enforce mode, reports them and the residuals they close, and restores the host on a clean stop', async () => {
    const host = path.join(dir, 'host');
    const platform = createFakePlatform({ root: host });
    const sysctl = (name: string) => path.join(host, 'proc', 'sys', ...name.split('.'));
    for (const [name, value] of [['user.max_user_namespaces', '15000'], ['vm.memfd_noexec', '0']] as const) {
      mkdirSync(path.dirname(sysctl(name)), { recursive: true });
      writeFileSync(sysctl(name), `${value}\n`);
    }
    const config = agentConfig.parse({ consoleUrl: console_.url, enrollSecret: console_.enrollSecret, dataDir: path.join(dir, 'data'), scanIntervalMs: 20 });
    const running = await startAgent(config, { platform, log: silentLogger, linkTimings: { backoffBaseMs: 20, backoffCapMs: 200 } });
    agent = running;
    await waitFor(() => running.linkState() === 'ready', 'the agent to be welcomed');

    console_.pushPolicy(signedPolicyFor(key, 2, { mode: 'monitor', hardening: { restrictUserNamespaces: true, memfdNoexec: true } }));
    await waitFor(() => console_.receipts.some((r) => r.serial === 2), 'the monitor policy');
    expect(running.capabilities().hardening?.map((h) => h.state)).toEqual(['would-apply', 'would-apply']);
    expect(readFileSync(sysctl('user.max_user_namespaces'), 'utf8').trim()).toBe('15000');

    console_.pushPolicy(signedPolicyFor(key, 3, { mode: 'enforce', hardening: { restrictUserNamespaces: true, memfdNoexec: true } }));
    const report = await waitFor(() => console_.capabilityReports.find((r) => r.hardening?.every((h) => h.state === 'on')), 'the report with both switches on');
    expect(report.hardening).toEqual([
      { switch: 'restrictUserNamespaces', requested: true, state: 'on', value: 'user.max_user_namespaces=0' },
      { switch: 'memfdNoexec', requested: true, state: 'on', value: 'vm.memfd_noexec=2' },
    ]);
    expect(report.residuals).toEqual(expect.arrayContaining([
      { id: 'anonymous-exec-memory', closedBy: 'memfdNoexec', state: 'closed' },
      { id: 'userns-new-filesystem-race', closedBy: 'restrictUserNamespaces', state: 'closed' },
    ]));
    expect(readFileSync(sysctl('vm.memfd_noexec'), 'utf8').trim()).toBe('2');

    await running.stop();
    agent = null;
    expect(readFileSync(sysctl('user.max_user_namespaces'), 'utf8').trim()).toBe('15000');
    expect(readFileSync(sysctl('vm.memfd_noexec'), 'utf8').trim()).toBe('0');
  });
});
