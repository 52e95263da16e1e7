import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { PROTOCOL_VERSION, sampleEvent } from '@dlp/shared';
import { enrollAgent, helloAgent } from '../../console/server/src/testing/agent-peer';
import { RestClient } from '../../console/server/src/testing/rest-client';
import { operationsFromOpenApi, type RestOperation } from './rest-generator';

export const FUZZ_ADMIN_PASSWORD = 'fuzz admin password 2026!';

/** A real console process from the build, on a free loopback port. */
export interface FuzzTarget {
  child: ChildProcess;
  url: string;
  agentUrl: string;
  port: number;
  /** False once the process exited (for any reason): a crash unless we stopped it. */
  alive(): boolean;
  /** The last stderr lines (JSON logs), for the report when it died. */
  stderrTail(): string;
  stop(): Promise<void>;
}

/** Spawns `node <serverBundle>` with its own data dir and resolves once it listens. */
export async function startFuzzTarget(serverBundle: string, dataDir: string): Promise<FuzzTarget> {
  const child = spawn(process.execPath, [serverBundle, '--data-dir', dataDir, '--port', '0', '--host', '127.0.0.1'], {
    env: { ...process.env, DLP_ADMIN_PASSWORD: FUZZ_ADMIN_PASSWORD },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-20_000);
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.once('exit', (code) => reject(new Error(`console exited with ${code} before listening (built? npm run build)\n${stderr.slice(-4000)}`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /DLP_CONSOLE_LISTENING url=(\S+)/.exec(out);
      if (match?.[1]) resolve(match[1]);
    });
  });
  child.removeAllListeners('exit');
  const port = Number(new URL(url).port);
  return {
    child,
    url,
    port,
    agentUrl: `ws://127.0.0.1:${port}/agent`,
    alive: () => child.exitCode === null && child.signalCode === null,
    stderrTail: () => stderr.slice(-4000),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killer);
    },
  };
}

/** What the fuzzer works with: an admin session, enrolled agents (one per ws lane), the documented operations. */
export interface FuzzSetup {
  admin: RestClient;
  creds: Array<{ agentId: string; token: string }>;
  operations: RestOperation[];
}

export async function prepareFuzz(target: FuzzTarget, agents: number): Promise<FuzzSetup> {
  const admin = new RestClient(target.url);
  const login = await admin.login('admin', FUZZ_ADMIN_PASSWORD);
  if (login.status !== 200) throw new Error(`admin login failed: ${login.status}`);
  const creds: Array<{ agentId: string; token: string }> = [];
  for (let i = 0; i < agents; i++) creds.push(await enrollAgent(target.agentUrl, await createSecret(admin)));
  const openApi: unknown = await (await fetch(`${target.url}/api/v1/openapi.json`)).json();
  return { admin, creds, operations: operationsFromOpenApi(openApi) };
}

async function createSecret(admin: RestClient): Promise<string> {
  const res = await admin.json<{ secret: string }>('POST', '/api/v1/enroll-secrets', { label: 'fuzz' });
  if (res.status !== 201) throw new Error(`enroll secret: ${res.status}`);
  return res.body.secret;
}

/**
 * After the fuzzing: a new agent enrolls with a new secret, says hello, and gets a batch acked.
 * Resolves with the acked seq (2) or throws with what went wrong.
 */
export async function legitimateAgentRoundTrip(target: FuzzTarget, admin: RestClient): Promise<number> {
  const creds = await enrollAgent(target.agentUrl, await createSecret(admin));
  const peer = await helloAgent(target.agentUrl, creds);
  try {
    peer.send({ v: PROTOCOL_VERSION, type: 'heartbeat', sentAt: new Date().toISOString() });
    const ack = await peer.sendEvents([sampleEvent({ seq: 1 }), sampleEvent({ seq: 2 })]);
    return ack.upTo;
  } finally {
    peer.close();
  }
}
