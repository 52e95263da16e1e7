import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { agentConfig } from '@dlp/shared';
import { generateSigningKeyPair } from '@dlp/shared/node';
import { startAgent } from './agent';
import { silentLogger } from './core/logger';
import { createFakePlatform } from './platform/fake/fake-platform';
import { signedPolicyFor, waitFor } from './testing/fixtures';
import { useAgentTestHarness } from './testing/agent-test-harness';

const key = generateSigningKeyPair();

// The policy's hardening section through the whole agent, on a fake proc tree (the real sysctls: platform/linux/hardening.kernel.test.ts).
describe('agent: host hardening from the policy', () => {
  const h = useAgentTestHarness('hardening', { key });

  it('sets the switches in enforce mode, reports them and the residuals they close, and restores the host on a clean stop', async () => {
    const host = path.join(h.dir, 'host');
    const platform = createFakePlatform({ root: host });
    const sysctl = (name: string) => path.join(host, 'proc', 'sys', ...name.split('.'));
    for (const [name, value] of [['user.max_user_namespaces', '15000'], ['vm.memfd_noexec', '0']] as const) {
      mkdirSync(path.dirname(sysctl(name)), { recursive: true });
      writeFileSync(sysctl(name), `${value}\n`);
    }
    const fuseParameter = path.join(host, 'sys', 'module', 'fuse', 'parameters', 'allow_sys_admin_access');
    mkdirSync(path.dirname(fuseParameter), { recursive: true });
    writeFileSync(fuseParameter, 'N\n');
    const config = agentConfig.parse({ consoleUrl: h.console.url, enrollSecret: h.console.enrollSecret, dataDir: path.join(h.dir, 'data'), scanIntervalMs: 20 });
    const running = await startAgent(config, { platform, log: silentLogger, linkTimings: { backoffBaseMs: 20, backoffCapMs: 200 } });
    h.agent = running;
    await waitFor(() => running.linkState() === 'ready', 'the agent to be welcomed');

    const allSwitches = { restrictUserNamespaces: true, memfdNoexec: true, fuseSysAdminAccess: true };
    h.console.pushPolicy(signedPolicyFor(key, 2, { mode: 'monitor', hardening: allSwitches }));
    await waitFor(() => h.console.receipts.some((r) => r.serial === 2), 'the monitor policy');
    expect(running.capabilities().hardening?.map((h) => h.state)).toEqual(['would-apply', 'would-apply', 'would-apply']);
    expect(readFileSync(sysctl('user.max_user_namespaces'), 'utf8').trim()).toBe('15000');

    h.console.pushPolicy(signedPolicyFor(key, 3, { mode: 'enforce', hardening: allSwitches }));
    const report = await waitFor(() => h.console.capabilityReports.find((r) => r.hardening?.every((h) => h.state === 'on')), 'the report with every switch on');
    expect(report.hardening).toEqual([
      { switch: 'restrictUserNamespaces', requested: true, state: 'on', value: 'user.max_user_namespaces=0' },
      { switch: 'memfdNoexec', requested: true, state: 'on', value: 'vm.memfd_noexec=2' },
      { switch: 'fuseSysAdminAccess', requested: true, state: 'on', value: 'fuse.allow_sys_admin_access=Y' },
    ]);
    expect(report.residuals).toEqual(expect.arrayContaining([
      { id: 'anonymous-exec-memory', closedBy: 'memfdNoexec', state: 'closed' },
      { id: 'userns-new-filesystem-race', closedBy: 'restrictUserNamespaces', state: 'closed' },
    ]));
    expect(readFileSync(fuseParameter, 'utf8').trim()).toBe('Y');
    expect(readFileSync(sysctl('vm.memfd_noexec'), 'utf8').trim()).toBe('2');

    await running.stop();
    h.agent = null;
    expect(readFileSync(sysctl('user.max_user_namespaces'), 'utf8').trim()).toBe('15000');
    expect(readFileSync(sysctl('vm.memfd_noexec'), 'utf8').trim()).toBe('0');
    expect(readFileSync(fuseParameter, 'utf8').trim()).toBe('N');
  });
});
