import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PROTOCOL_VERSION } from '@dlp/shared';
import WebSocket from 'ws';
import { z } from 'zod';
import type { AgentCredentials } from './sim-agent';

const stateFile = z.strictObject({
  url: z.string(),
  agents: z.array(z.strictObject({ agentId: z.string(), token: z.string(), hostname: z.string() })),
});

const STATE_NAME = 'simulated-agents.json';

/** Credentials kept for `url` in `dir` (none when the file is absent or was made for another console). */
export function loadCredentials(dir: string, url: string): AgentCredentials[] {
  const file = path.join(dir, STATE_NAME);
  if (!existsSync(file)) return [];
  const parsed = stateFile.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file} is not a simulator state file; remove it or pick another --state`);
  return parsed.data.url === url ? parsed.data.agents : [];
}

/** Written atomically and readable only by the owner: the tokens are real agent credentials. */
export function saveCredentials(dir: string, url: string, agents: AgentCredentials[]): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, STATE_NAME);
  writeFileSync(`${file}.tmp`, JSON.stringify({ url, agents }), { mode: 0o600 });
  renameSync(`${file}.tmp`, file);
}

/** Enrolls one agent over the real protocol (enroll → enrolled → the console closes). */
export function enrollOne(url: string, secret: string, hostname: string, tlsInsecure: boolean): Promise<AgentCredentials> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { rejectUnauthorized: !tlsInsecure, perMessageDeflate: false });
    const fail = (why: string): void => {
      ws.terminate();
      reject(new Error(`enroll ${hostname}: ${why}`));
    };
    ws.on('open', () =>
      ws.send(JSON.stringify({ v: PROTOCOL_VERSION, type: 'enroll', secret, agent: { hostname, os: 'linux', osVersion: 'simulated', agentVersion: '0.1.0-sim', user: `user-${hostname}` } })),
    );
    ws.on('message', (data) => {
      const message = JSON.parse(String(data)) as { type?: string; agentId?: string; token?: string; code?: string };
      if (message.type === 'enrolled' && message.agentId && message.token) {
        resolve({ agentId: message.agentId, token: message.token, hostname });
        ws.close();
      } else if (message.type === 'error') fail(message.code ?? 'refused');
    });
    ws.on('error', (err) => fail(err.message));
    ws.on('close', (code) => code !== 1000 && fail(`closed with ${code}`));
  });
}

/**
 * `count` credentials: those kept in `dir`, plus new enrollments (`concurrency` at a time) for the
 * rest, saved as they come so an interrupted run keeps what it enrolled.
 */
export async function ensureEnrolled(options: {
  url: string;
  count: number;
  secret: string | undefined;
  dir: string;
  tlsInsecure: boolean;
  concurrency?: number;
  progress?: (done: number) => void;
}): Promise<AgentCredentials[]> {
  const have = loadCredentials(options.dir, options.url);
  if (have.length >= options.count) return have.slice(0, options.count);
  const secret = options.secret;
  if (secret === undefined) throw new Error(`${options.count - have.length} agents must be enrolled: pass --enroll-secret (or DLP_ENROLL_SECRET)`);
  const concurrency = options.concurrency ?? 50;
  const run = `${process.pid.toString(36)}${Date.now().toString(36)}`;
  while (have.length < options.count) {
    const n = Math.min(concurrency, options.count - have.length);
    const start = have.length;
    have.push(...(await Promise.all(Array.from({ length: n }, (_, i) => enrollOne(options.url, secret, `sim-${run}-${start + i + 1}`, options.tlsInsecure)))));
    if (have.length % 1000 < concurrency || have.length === options.count) saveCredentials(options.dir, options.url, have);
    options.progress?.(have.length);
  }
  saveCredentials(options.dir, options.url, have);
  return have;
}
