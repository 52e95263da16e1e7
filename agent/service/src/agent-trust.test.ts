import { access } from 'node:fs/promises';
import path from 'node:path';
import { agentConfig, type AgentConfig } from '@dlp/shared';
import { generateSigningKeyPair } from '@dlp/shared/node';
import { startAgent } from './agent';
import { signingKeySha256 } from './core/credentials';
import { silentLogger } from './core/logger';
import { createFakePlatform } from './platform/fake/fake-platform';
import { waitFor } from './testing/fixtures';
import { useAgentTestHarness } from './testing/agent-test-harness';

const key = generateSigningKeyPair();
const fastLink = { backoffBaseMs: 20, backoffCapMs: 100, rejectedRetryMs: 300, heartbeatMs: 200 };

// Issue 12 item 9: the console signing key pinned by configuration, before first contact.
describe('agent enrollment with a configured console signing key', () => {
  const h = useAgentTestHarness('trust', { key });

  const config = (overrides: Partial<AgentConfig>): AgentConfig =>
    agentConfig.parse({ consoleUrl: h.console.url, enrollSecret: h.console.enrollSecret, dataDir: path.join(h.dir, 'data'), scanIntervalMs: 20, ...overrides });

  it('refuses to enroll with a console that offers another key: no credentials are written, it keeps trying', async () => {
    const expected = generateSigningKeyPair();
    const running = await startAgent(config({ consoleSigningKeySha256: signingKeySha256(expected.publicKey) }), { platform: createFakePlatform({ root: path.join(h.dir, 'host') }), log: silentLogger, linkTimings: fastLink });
    h.agent = running;
    await waitFor(() => h.console.enrollAttempts >= 3, 'three enrollment attempts');
    expect(running.agentId()).toBeNull();
    await expect(access(path.join(h.dir, 'data', 'credentials.json'))).rejects.toThrow(/ENOENT/);
    expect(h.console.hellos).toHaveLength(0);
  });

  it('enrolls with the configured key and reports it as pinned by configuration', async () => {
    const running = await startAgent(config({ consoleSigningKeySha256: signingKeySha256(key.publicKey) }), { platform: createFakePlatform({ root: path.join(h.dir, 'host') }), log: silentLogger, linkTimings: fastLink });
    h.agent = running;
    await waitFor(() => running.linkState() === 'ready', 'the agent to be welcomed');
    expect(running.capabilities().trust).toEqual({ consoleKey: 'config', consoleCert: 'none' });
    const reported = await waitFor(() => h.console.capabilityReports.find((r) => r.trust?.consoleKey === 'config') ?? h.console.hellos.find((h) => h.capabilities?.trust?.consoleKey === 'config'), 'the report at the console');
    expect(reported).toBeTruthy();
  });

  it('without the setting, reports the key as pinned on first use', async () => {
    const running = await startAgent(config({}), { platform: createFakePlatform({ root: path.join(h.dir, 'host') }), log: silentLogger, linkTimings: fastLink });
    h.agent = running;
    await waitFor(() => running.linkState() === 'ready', 'the agent to be welcomed');
    expect(running.capabilities().trust?.consoleKey).toBe('first-use');
    expect(running.capabilities().residuals?.map((r) => r.id)).toEqual(expect.arrayContaining(['stdin-scripts', 'anonymous-exec-memory', 'userns-new-filesystem-race', 'window-capture-exclusion-linux', 'name-rules-by-resolved-name']));
  });
});
