import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { CLOSE_CODES, ENROLL_WAIT_CODES, PROTOCOL_VERSION } from '@dlp/shared';
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

/** The console's answer to one enroll: credentials, or "too many enrollments with this secret now, ask again then". */
export type EnrollAnswer = { credentials: AgentCredentials } | { retryAfterMs: number };

/** Used when the console closes with 4429 but its error frame (with `retryAfterMs`) did not arrive. */
const DEFAULT_RATE_LIMIT_WAIT_MS = 5_000;
/** Rate-limited answers one agent may get before the run gives up (paced retries rarely need two). */
const MAX_RATE_LIMITED_ATTEMPTS = 20;

/** Enrolls one agent over the real protocol (enroll → enrolled → the console closes). */
export function enrollOne(url: string, secret: string, hostname: string, tlsInsecure: boolean): Promise<EnrollAnswer> {
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
      const message = JSON.parse(String(data)) as { type?: string; agentId?: string; token?: string; code?: string; retryAfterMs?: unknown };
      if (message.type === 'enrolled' && message.agentId && message.token) {
        resolve({ credentials: { agentId: message.agentId, token: message.token, hostname } });
        ws.close();
      } else if (message.type === 'error' && message.code === ENROLL_WAIT_CODES.rateLimited) {
        const asked = typeof message.retryAfterMs === 'number' && Number.isFinite(message.retryAfterMs) && message.retryAfterMs > 0 ? message.retryAfterMs : DEFAULT_RATE_LIMIT_WAIT_MS;
        // Bounded: a console (or something in between) cannot park the run for long per answer.
        resolve({ retryAfterMs: Math.min(asked, 60_000) });
        ws.close();
      } else if (message.type === 'error') fail(message.code ?? 'refused');
    });
    ws.on('error', (err) => fail(err.message));
    ws.on('close', (code) => {
      if (code === CLOSE_CODES.rateLimited) resolve({ retryAfterMs: DEFAULT_RATE_LIMIT_WAIT_MS });
      else if (code !== 1000) fail(`closed with ${code}`);
    });
  });
}

/**
 * Paces retries after the console's per-secret enrollment limit: each rate-limited enrollment
 * waits for its own slot, one `retryAfterMs` (the console's time per token) after the previous
 * slot, so the fleet comes back at the rate the console allows instead of all at once.
 */
class EnrollPacer {
  private nextSlotMs = 0;

  async wait(retryAfterMs: number): Promise<void> {
    const now = Date.now();
    const slot = Math.max(now + retryAfterMs, this.nextSlotMs);
    this.nextSlotMs = slot + retryAfterMs;
    // A little jitter so several simulators sharing a secret do not stay in lock step.
    await delay(slot - now + Math.floor(Math.random() * retryAfterMs * 0.1));
  }
}

/** Enrolls `hostname`, waiting and asking again while the console rate limits the secret. */
async function enrollPaced(url: string, secret: string, hostname: string, tlsInsecure: boolean, pacer: EnrollPacer, limited: (retryAfterMs: number) => void): Promise<AgentCredentials> {
  for (let attempt = 1; ; attempt++) {
    const answer = await enrollOne(url, secret, hostname, tlsInsecure);
    if ('credentials' in answer) return answer.credentials;
    if (attempt >= MAX_RATE_LIMITED_ATTEMPTS) throw new Error(`enroll ${hostname}: still rate limited after ${attempt} attempts`);
    limited(answer.retryAfterMs);
    await pacer.wait(answer.retryAfterMs);
  }
}

/**
 * `count` credentials: those kept in `dir`, plus new enrollments (`concurrency` at a time) for the
 * rest, saved as they come so an interrupted run keeps what it enrolled. When the console rate
 * limits the secret (4429, `retryAfterMs`) the enrollments are paced to its rate and `notice` says so once.
 */
export async function ensureEnrolled(options: {
  url: string;
  count: number;
  secret: string | undefined;
  dir: string;
  tlsInsecure: boolean;
  concurrency?: number;
  progress?: (done: number) => void;
  notice?: (line: string) => void;
}): Promise<AgentCredentials[]> {
  const have = loadCredentials(options.dir, options.url);
  if (have.length >= options.count) return have.slice(0, options.count);
  const secret = options.secret;
  if (secret === undefined) throw new Error(`${options.count - have.length} agents must be enrolled: pass --enroll-secret (or DLP_ENROLL_SECRET)`);
  const concurrency = options.concurrency ?? 50;
  const run = `${process.pid.toString(36)}${Date.now().toString(36)}`;
  const pacer = new EnrollPacer();
  let told = false;
  const limited = (retryAfterMs: number): void => {
    if (told) return;
    told = true;
    options.notice?.(
      `the console rate limits enrollments with this secret (next in ${retryAfterMs} ms): pacing to its rate; ` +
        'create the secret with a higher ratePerMinute (or start the console with --enroll-rate) to enroll faster',
    );
  };
  while (have.length < options.count) {
    const n = Math.min(concurrency, options.count - have.length);
    const start = have.length;
    have.push(...(await Promise.all(Array.from({ length: n }, (_, i) => enrollPaced(options.url, secret, `sim-${run}-${start + i + 1}`, options.tlsInsecure, pacer, limited)))));
    if (have.length % 1000 < concurrency || have.length === options.count) saveCredentials(options.dir, options.url, have);
    options.progress?.(have.length);
  }
  saveCredentials(options.dir, options.url, have);
  return have;
}
