import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createConsole, type ConsoleOptions, type RunningConsole } from '../app';
import { enrollAgent, helloAgent, type AgentPeer } from './agent-peer';
import { createMemoryLogger } from './memory-logger';
import { RestClient } from './rest-client';

export const TEST_ADMIN_PASSWORD = 'correct horse battery staple';

export interface TestConsole {
  console: RunningConsole;
  dataDir: string;
  logger: ReturnType<typeof createMemoryLogger>;
  /** A REST client already logged in as admin. */
  admin: RestClient;
  /** Stops the console and removes its data dir. */
  stop(): Promise<void>;
}

/** A real console on a free loopback port with its own temp data dir, admin logged in. */
export async function startTestConsole(options: Partial<ConsoleOptions> = {}): Promise<TestConsole> {
  const dataDir = options.dataDir ?? mkdtempSync(path.join(tmpdir(), 'dlp-console-'));
  const logger = createMemoryLogger();
  const running = await createConsole({ adminPassword: TEST_ADMIN_PASSWORD, logger, announce: () => undefined, ...options, dataDir, port: 0 });
  const admin = new RestClient(running.url);
  const login = await admin.login('admin', options.adminPassword ?? TEST_ADMIN_PASSWORD);
  if (login.status !== 200) throw new Error(`admin login failed: ${login.status}`);
  return {
    console: running,
    dataDir,
    logger,
    admin,
    async stop() {
      await running.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Creates an enroll secret through the REST API and returns the secret. */
export async function createEnrollSecret(admin: RestClient, label = 'test'): Promise<string> {
  const res = await admin.json<{ secret: string }>('POST', '/api/v1/enroll-secrets', { label });
  if (res.status !== 201) throw new Error(`enroll secret: ${res.status}`);
  return res.body.secret;
}

/**
 * Enrolls a new agent with a fresh enroll secret and connects it (hello with `policySerial`);
 * resolves once the console welcomed it. The caller closes `peer`.
 */
export async function connectTestAgent(t: TestConsole, policySerial: number | null = null): Promise<{ creds: Awaited<ReturnType<typeof enrollAgent>>; peer: AgentPeer }> {
  const creds = await enrollAgent(t.console.agentUrl, await createEnrollSecret(t.admin));
  return { creds, peer: await helloAgent(t.console.agentUrl, creds, policySerial) };
}
