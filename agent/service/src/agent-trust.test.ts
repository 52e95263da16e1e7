import { access } from 'node:fs/promises';
import path from 'node:path';
import { agentConfig, type AgentConfig } from '@dlp/shared';
import { generateSigningKeyPair } from '@dlp/shared/node';
import { startAgent, type RunningAgent } from './agent';
import { signingKeySha256 } from './core/credentials';
import { silentLogger } from './core/logger';
import { createFakePlatform } from './platform/fake/fake-platform';
import { makeTempDir, waitFor } from './testing/fixtures';
import { TestConsole } from './testing/test-console';

const key = generateSigningKeyPair();
const fastLink = { backoffBaseMs: 20, backoffCapMs: 100, rejectedRetryMs: 300, heartbeatMs: 200 };

// Issue 12 item 9: the console signing key pinned by configuration, before first contact.
describe('agent enrollment with a configured console signing key', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let console_: TestConsole;
  let agent: RunningAgent | null = null;

  const config = (overrides: Partial<AgentConfig>): AgentConfig =>
    agentConfig.parse({ consoleUrl: console_.url, enrollSecret: console_.enrollSecret, dataDir: path.join(dir, 'data'), scanIntervalMs: 20, ...overrides });

  beforeEach(async () => {
    ({ dir, cleanup } = await makeTempDir('trust'));
    console_ = await TestConsole.start({ key });
  });
  afterEach(async () => {
    await agent?.stop();
    agent = null;
    await console_.stop();
    await cleanup();
  });

  it('refuses to enroll with a console that offers another key: no credentials are written, it keeps trying', async () => {
    const expected = generateSigningKeyPair();
    agent = await startAgent(config({ consoleSigningKeySha256: signingKeySha256(expected.publicKey) }), { platform: createFakePlatform({ root: path.join(dir, 'host') }), log: silentLogger, linkTimings: fastLink });
    await waitFor(() => console_.enrollAttempts >= 3, 'three enrollment attempts');
    expect(agent.agentId()).toBeNull();
    await expect(access(path.join(dir, 'data', 'credentials.json'))).rejects.toThrow(/ENOENT/);
    expect(console_.hellos).toHaveLength(0);
  });

  it('enrolls with the configured key and reports it as pinned by configuration', async () => {
    agent = await startAgent(config({ consoleSigningKeySha256: signingKeySha256(key.publicKey) }), { platform: createFakePlatform({ root: path.join(dir, 'host') }), log: silentLogger, linkTimings: fastLink });
    const running = agent;
    await waitFor(() => running.linkState() === 'ready', 'the agent to be welcomed');
    expect(agent.capabilities().trust).toEqual({ consoleKey: 'config', consoleCert: 'none' });
    const reported = await waitFor(() => console_.capabilityReports.find((r) => r.trust?.consoleKey === 'config') ?? console_.hellos.find((h) => h.capabilities?.trust?.consoleKey === 'config'), 'the report at the console');
    expect(reported).toBeTruthy();
  });

  it('without the setting, reports the key as pinned on first use', async () => {
    agent = await startAgent(config({}), { platform: createFakePlatform({ root: path.join(dir, 'host') }), log: silentLogger, linkTimings: fastLink });
    const running = agent;
    await waitFor(() => running.linkState() === 'ready', 'the agent to be welcomed');
    expect(agent.capabilities().trust?.consoleKey).toBe('first-use');
    expect(agent.capabilities().residuals?.map((r) => r.id)).toEqual(expect.arrayContaining(['stdin-scripts', 'anonymous-exec-memory', 'userns-new-filesystem-race', 'window-capture-exclusion-linux', 'name-rules-by-resolved-name']));
  });
});
