import { writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { agentConfig, type DraftDetail, type ExceptionView, type GroupRollout, type PolicySummary, type PublishResponse, type StoredEvent } from '@dlp/shared';
import { startAgent, type RunningAgent } from '../../agent/service/src/agent';
import { silentLogger } from '../../agent/service/src/core/logger';
import { createFakePlatform, type FakePlatform } from '../../agent/service/src/platform/fake/fake-platform';
import { runEmployeeCommand } from '../../agent/service/src/employee-cli/employee-cli';
import { createEnrollSecret, startTestConsole, type TestConsole } from '../../console/server/src/testing/test-console';
import { createTestUser } from '../../console/server/src/testing/test-users';
import { waitFor } from '../../console/server/src/testing/wait-for';

// In process, end to end: the real console (REST, gateway, SQLite) and the real agent service on the
// fake platform (fake /proc and sysfs), talking over a real loopback WebSocket.

const FAST_LINK = { backoffBaseMs: 20, backoffCapMs: 200, rejectedRetryMs: 300, heartbeatMs: 200 };
const MINUTE = 60_000;
/** The console grants exceptions on a clock this far behind: a 60-minute grant ends 4 s from now. */
const CLOCK_LAG_MS = 60 * MINUTE - 4000;

describe('end to end in process: console and agent', () => {
  let t: TestConsole;
  let dir: string;
  let platform: FakePlatform;
  let agent: RunningAgent | undefined;

  async function startFleet(consoleOptions: Parameters<typeof startTestConsole>[0] = {}): Promise<{ configPath: string }> {
    t = await startTestConsole(consoleOptions);
    dir = await mkdtemp(path.join(tmpdir(), 'dlp-e2e-lifecycle-'));
    platform = createFakePlatform({ root: path.join(dir, 'host') });
    const config = agentConfig.parse({ consoleUrl: t.console.agentUrl, enrollSecret: await createEnrollSecret(t.admin), dataDir: path.join(dir, 'agent'), scanIntervalMs: 20 });
    const configPath = path.join(dir, 'agent.json');
    writeFileSync(configPath, JSON.stringify(config));
    agent = await startAgent(config, { platform, log: silentLogger, linkTimings: FAST_LINK });
    await waitFor('the agent to connect', () => agent?.linkState() === 'ready');
    return { configPath };
  }

  afterEach(async () => {
    await agent?.stop();
    agent = undefined;
    await t.stop();
    await rm(dir, { recursive: true, force: true });
  });

  async function publish(document: unknown): Promise<PublishResponse> {
    const policyId = (await t.admin.json<{ items: PolicySummary[] }>('GET', '/api/v1/policies')).body.items[0]?.id ?? '';
    const draft = await t.admin.json<DraftDetail>('POST', `/api/v1/policies/${policyId}/drafts`, { document });
    const published = await t.admin.json<PublishResponse>('POST', `/api/v1/drafts/${draft.body.draft.id}/publish`, {});
    expect(published.status).toBe(200);
    return published.body;
  }

  async function events(query: string): Promise<StoredEvent[]> {
    return (await t.admin.json<{ items: StoredEvent[] }>('GET', `/api/v1/events?${query}`)).body.items;
  }

  it('admin publishes → the agent applies and enforces it → rollout shows it applied', async () => {
    await startFleet();
    // The Default policy from first start reaches the new agent on its first hello.
    await waitFor('the first policy applied', async () => (await t.admin.json<{ items: GroupRollout[] }>('GET', '/api/v1/rollout')).body.items[0]?.applied === 1);

    const published = await publish({ schema: 'dlp.policy/v1', name: 'Default', mode: 'enforce', apps: { rules: [{ id: 'no-nc', action: 'block', kind: 'name', value: 'nc' }] } });
    await waitFor('the agent to apply the new version', () => agent?.policySerial() === published.policy.serial);
    const rollout = await waitFor('the receipt', async () => {
      const res = await t.admin.json<{ rollout: GroupRollout }>('GET', '/api/v1/groups/default/rollout');
      return res.body.rollout.serial === published.policy.serial && res.body.rollout.applied === 1 ? res.body.rollout : undefined;
    });
    expect(rollout).toMatchObject({ version: 2, total: 1, applied: 1, pending: 0, failed: 0, offline: 0, failedAgents: [] });

    platform.processes.spawn({ pid: 700, exePath: '/usr/bin/nc' });
    const blocked = await waitFor('the blocked event at the console', async () => (await events('action=blocked&type=app'))[0]);
    expect(blocked).toMatchObject({ ruleId: 'no-nc', policySerial: published.policy.serial, subject: { exePath: '/usr/bin/nc' } });
    expect(platform.processes.isRunning(700)).toBe(false);
  });

  it('an employee asks through the agent CLI → an officer approves → the agent lets the program run → the grant expires by itself', async () => {
    const { configPath } = await startFleet({ exceptionClock: () => Date.now() - CLOCK_LAG_MS });
    const published = await publish({ schema: 'dlp.policy/v1', name: 'Default', mode: 'enforce', apps: { rules: [{ id: 'no-report-tool', action: 'block', kind: 'name', value: 'report-tool' }] } });
    await waitFor('the policy', () => agent?.policySerial() === published.policy.serial);

    // The program on disk (the CLI hashes it) and the same bytes as the fake process image.
    const exePath = path.join(dir, 'report-tool');
    writeFileSync(exePath, 'report tool bytes v1');
    platform.processes.spawn({ pid: 801, exePath, content: 'report tool bytes v1' });
    await waitFor('the first block', async () => (await events('action=blocked&type=app')).length === 1);

    const out: string[] = [];
    const err: string[] = [];
    const code = await runEmployeeCommand('request-exception', ['--config', configPath, '--app', exePath, '--minutes', '60', '--reason', 'month-end reporting'], {
      out: (l: string) => out.push(l),
      err: (l: string) => err.push(l),
      env: {},
    });
    expect({ code, err }).toEqual({ code: 0, err: [] });
    expect(out[0]).toMatch(/^Request \S+ sent: a security officer will review it\.$/);

    const officer = await createTestUser(t, 'officer', 'olga');
    const pending = await waitFor('the request at the console', async () => (await officer.client.json<{ items: ExceptionView[] }>('GET', '/api/v1/exceptions?state=pending')).body.items[0]);
    expect(pending).toMatchObject({ requestedBy: 'alice', justification: 'month-end reporting', target: { kind: 'app', exePath } });
    const approved = await officer.client.json<{ exception: ExceptionView }>('POST', `/api/v1/exceptions/${pending.id}/approve`, { note: 'this month only' });
    expect(approved.status).toBe(200);
    await waitFor('the agent to confirm the grant', async () => (await officer.client.json<{ exception: ExceptionView }>('GET', `/api/v1/exceptions/${pending.id}`)).body.exception.delivery?.status === 'applied');

    platform.processes.spawn({ pid: 802, exePath, content: 'report tool bytes v1' });
    const allowed = await waitFor('the allowed-by-exception event', async () => (await events('action=allowed&type=app'))[0]);
    expect(allowed.subject).toMatchObject({ kind: 'process', pid: 802, exceptionId: pending.id });
    expect(platform.processes.isRunning(802)).toBe(true);

    // The grant ends on the agent's own clock, without the console.
    await waitFor('the grant to expire and the program to be blocked again', async () => {
      platform.processes.spawn({ pid: 900 + Math.floor(Math.random() * 1000), exePath, content: 'report tool bytes v1' });
      return (await events('action=blocked&type=app')).length >= 2;
    }, 20_000);
  }, 45_000);
});
