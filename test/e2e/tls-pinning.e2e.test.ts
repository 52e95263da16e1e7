import { cpSync, readFileSync, rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { agentConfig, type AgentConfig } from '@dlp/shared';
import { startAgent, type RunningAgent } from '../../agent/service/src/agent';
import { createJsonLogger } from '../../agent/service/src/core/logger';
import { createFakePlatform } from '../../agent/service/src/platform/fake/fake-platform';
import { createConsole, type RunningConsole } from '../../console/server/src/app';
import { createMemoryLogger } from '../../console/server/src/testing/memory-logger';
import { waitFor } from '../../console/server/src/testing/wait-for';

// The agent pins the console's TLS key when it enrolls and refuses any other key afterwards, even
// from a console that knows it (same database and signing key) on the same address.

const SECRET = 'tls-pinning-enroll-secret-0123456789';
const FAST_LINK = { backoffBaseMs: 20, backoffCapMs: 200, rejectedRetryMs: 300, heartbeatMs: 200 };

describe('end to end in process: TLS key pinning', () => {
  let dir: string;
  let consoleUnderTest: RunningConsole | undefined;
  let agent: RunningAgent | undefined;
  let agentLog: string[];

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'dlp-e2e-tls-'));
    agentLog = [];
  });
  afterEach(async () => {
    await agent?.stop();
    await consoleUnderTest?.close();
    agent = undefined;
    consoleUnderTest = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  function startConsoleAt(dataDir: string, port = 0, logger = createMemoryLogger()): Promise<RunningConsole> {
    return createConsole({ dataDir, port, selfSignedTls: true, localEnrollSecret: SECRET, adminPassword: 'tls pinning admin 2026', logger, announce: () => undefined });
  }

  async function startTheAgent(overrides: Partial<AgentConfig> = {}): Promise<RunningAgent> {
    if (!consoleUnderTest) throw new Error('start a console first');
    const config = agentConfig.parse({ consoleUrl: consoleUnderTest.agentUrl, enrollSecret: SECRET, dataDir: path.join(dir, 'agent'), scanIntervalMs: 20, ...overrides });
    const log = createJsonLogger({ level: 'warn', write: (line) => void agentLog.push(line) });
    return startAgent(config, { platform: createFakePlatform({ root: path.join(dir, 'host') }), log, linkTimings: FAST_LINK });
  }

  it('an agent enrolled against console A refuses console B with another certificate on the same address', async () => {
    const dirA = path.join(dir, 'console-a');
    consoleUnderTest = await startConsoleAt(dirA);
    const port = consoleUnderTest.port;
    const pinA = consoleUnderTest.certSha256;
    agent = await startTheAgent();
    await waitFor('enrollment over wss', () => agent?.linkState() === 'ready');
    const credentials = JSON.parse(readFileSync(path.join(dir, 'agent', 'credentials.json'), 'utf8')) as { consoleCertSha256?: string };
    expect(credentials.consoleCertSha256).toBe(pinA);

    // Console B: a copy of A (it knows the agent and signs with A's key) but with its own certificate.
    await consoleUnderTest.close();
    const dirB = path.join(dir, 'console-b');
    cpSync(dirA, dirB, { recursive: true });
    rmSync(path.join(dirB, 'tls'), { recursive: true, force: true });
    const logB = createMemoryLogger();
    consoleUnderTest = await startConsoleAt(dirB, port, logB);
    expect(consoleUnderTest.certSha256).not.toBe(pinA);

    await waitFor('the agent to refuse console B', () => agentLog.filter((l) => l.includes('other than the pinned one')).length >= 2);
    expect(agent.linkState()).not.toBe('ready');
    // Not even a hello reached B: its gateway never saw a frame from the agent.
    expect(logB.records.filter((r) => r.msg === 'agent connected' || r.msg === 'agent connection refused')).toEqual([]);

    // Console A again, same address: the agent talks to it at once.
    await consoleUnderTest.close();
    consoleUnderTest = await startConsoleAt(dirA, port);
    await waitFor('the agent to reconnect to A', () => agent?.linkState() === 'ready', 15_000);
  }, 45_000);

  it('with consoleCertSha256 in its configuration the agent refuses a console with another key even to enroll', async () => {
    const logA = createMemoryLogger();
    consoleUnderTest = await startConsoleAt(path.join(dir, 'console-a'), 0, logA);
    agent = await startTheAgent({ consoleCertSha256: 'f'.repeat(64) });
    await waitFor('the refusal', () => agentLog.some((l) => l.includes('other than the pinned one')));
    expect(agent.agentId()).toBeNull();
    expect(logA.records.filter((r) => r.msg === 'agent enrolled')).toEqual([]);
  });
});
