import { PROTOCOL_VERSION } from '@dlp/shared';
import { createMemoryLogger } from '../testing/memory-logger';
import { AgentPeer, TEST_AGENT_INFO } from '../testing/agent-peer';
import { RestClient } from '../testing/rest-client';
import { endReason, openTestStream } from '../testing/sse-reader';
import { startTestConsole, TEST_ADMIN_PASSWORD, type TestConsole } from '../testing/test-console';
import { runCli } from './dlp-commands';

describe('dlp admin CLI', () => {
  let t: TestConsole;
  let out: string[];
  let err: string[];
  const io = (env: NodeJS.ProcessEnv = {}) => ({ out: (l: string) => void out.push(l), err: (l: string) => void err.push(l), env, logger: createMemoryLogger() });

  beforeEach(async () => {
    t = await startTestConsole();
    out = [];
    err = [];
  });
  afterEach(async () => {
    await t.stop();
  });

  it('ends the user’s live streams at once when it resets their password beside a running console', async () => {
    await t.stop();
    // The periodic re-check is far longer than the test: only the store's principal epoch, which the
    // reset moves and the console reads every 100 ms here, can end the stream.
    t = await startTestConsole({ streams: { recheckMs: 10 * 60_000, maxLifetimeMs: 60 * 60_000, epochPollMs: 100 } });
    const stream = await openTestStream(t.console.url, { cookie: t.admin.cookie ?? '' });
    expect(stream.status).toBe(200);
    expect(await runCli(['reset-password', 'admin', '--data-dir', t.dataDir], io())).toBe(0);
    expect(endReason(await stream.ended)).toBe('access');
  });

  it('resets a password while the console runs, showing it once and ending old sessions', async () => {
    expect(await runCli(['reset-password', 'admin', '--data-dir', t.dataDir], io())).toBe(0);
    const password = /^New password for admin: (\S+) {2}\(shown once\)$/.exec(out[0] ?? '')?.[1] ?? '';
    expect(password).not.toBe('');
    expect((await t.admin.json('GET', '/api/v1/auth/me')).status).toBe(401);
    const client = new RestClient(t.console.url);
    expect((await client.login('admin', TEST_ADMIN_PASSWORD)).status).toBe(401);
    const login = await client.login('admin', password);
    expect(login.status).toBe(200);
    // Whoever ran the CLI saw the password: the admin must replace it.
    expect(await login.json()).toMatchObject({ mustChangePassword: true });
  });

  it('creates an enroll secret an agent can use', async () => {
    expect(await runCli(['create-enroll-secret', 'floor 3', '--data-dir', t.dataDir], io())).toBe(0);
    const secret = /^Enroll secret "floor 3": (\S+) {2}\(shown once\)$/.exec(out[0] ?? '')?.[1] ?? '';
    const peer = await AgentPeer.connect(t.console.agentUrl);
    peer.send({ v: PROTOCOL_VERSION, type: 'enroll', secret, agent: TEST_AGENT_INFO });
    expect((await peer.next('enrolled')).agentId).toMatch(/^[0-9a-f-]{36}$/);
    peer.close();
  });

  it('reports unknown users, short passwords and bad usage', async () => {
    expect(await runCli(['reset-password', 'nobody', '--data-dir', t.dataDir], io())).toBe(1);
    expect(await runCli(['reset-password', 'admin', '--data-dir', t.dataDir], io({ DLP_NEW_PASSWORD: 'short' }))).toBe(2);
    expect(await runCli(['frobnicate'], io())).toBe(2);
    expect(await runCli(['reset-password', 'admin', '--data-dir', `${t.dataDir}/elsewhere`], io())).toBe(1);
    expect(err.join('\n')).toMatch(/no user named nobody[\s\S]*password_too_short[\s\S]*unknown command "frobnicate"[\s\S]*no console database/);
    expect(out).toEqual([]);
  });
});
