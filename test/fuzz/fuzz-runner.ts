import { connect as connectTcp } from 'node:net';
import { PROTOCOL_VERSION } from '@dlp/shared';
import WebSocket from 'ws';
import type { RestClient } from '../../console/server/src/testing/rest-client';
import { nextFrame } from './frame-generator';
import type { FuzzTarget } from './fuzz-target';
import { nextRawRequest, nextRequest, type RestOperation } from './rest-generator';
import { SeededRandom } from './seeded-random';

export interface FuzzRunOptions {
  target: FuzzTarget;
  admin: RestClient;
  /** One enrolled agent per post-hello ws lane. */
  creds: ReadonlyArray<{ agentId: string; token: string }>;
  operations: readonly RestOperation[];
  frames: number;
  requests: number;
  seed: number;
  /** ws lanes that send frames before any hello (besides one post-hello lane per agent). */
  preHelloLanes: number;
  restLanes: number;
  /** A frame or request with no answer and no close within this time counts as stalled. */
  stallMs?: number;
}

export interface FuzzRunResult {
  frames: number;
  /**
   * What each frame led to: `error:<code>` (the console's refusal message, the close follows),
   * `close:<ws code>` (closed without a message, e.g. 1007 invalid UTF-8, 1009 too big),
   * `handled` (a frame after hello that the console handled and kept the connection for).
   */
  outcomes: Record<string, number>;
  framesStalled: number;
  requests: number;
  statuses: Record<string, number>;
  /** Up to 20 requests answered 5xx, as `METHOD path -> status`. */
  serverErrors: string[];
  requestsStalled: number;
  /** Requests the client library itself refused to send (counted apart, not sent). */
  requestsNotSent: number;
  wsSeconds: number;
  restSeconds: number;
  /** The console process exited during the run. */
  crashed: boolean;
}

type Outcome = { kind: 'closed'; code: number } | { kind: 'answered'; type: string | undefined; code: string | undefined } | { kind: 'stalled' };

function open(url: string): Promise<WebSocket | undefined> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { handshakeTimeout: 10_000, maxPayload: 4 * 1024 * 1024 });
    ws.on('error', () => resolve(undefined));
    ws.once('open', () => resolve(ws));
  });
}

function readMessage(data: WebSocket.RawData): { type: string | undefined; code: string | undefined } {
  try {
    const value = JSON.parse(String(data)) as { type?: unknown; code?: unknown };
    return { type: typeof value.type === 'string' ? value.type : undefined, code: typeof value.code === 'string' ? value.code : undefined };
  } catch {
    return { type: undefined, code: undefined };
  }
}

function messageType(data: WebSocket.RawData): string | undefined {
  return readMessage(data).type;
}

/** Waits until the console closes `ws` or sends a message `answers` accepts. */
function settle(ws: WebSocket, answers: (type: string | undefined) => boolean, stallMs: number): Promise<Outcome> {
  return new Promise((resolve) => {
    const done = (outcome: Outcome): void => {
      clearTimeout(timer);
      ws.off('message', onMessage);
      ws.off('close', onClose);
      resolve(outcome);
    };
    const onMessage = (data: WebSocket.RawData): void => {
      const message = readMessage(data);
      if (answers(message.type)) done({ kind: 'answered', ...message });
    };
    const onClose = (code: number): void => done({ kind: 'closed', code });
    const timer = setTimeout(() => done({ kind: 'stalled' }), stallMs);
    if (ws.readyState === WebSocket.CLOSED) return done({ kind: 'closed', code: 1006 });
    ws.on('message', onMessage);
    ws.on('close', onClose);
  });
}

/**
 * Runs the fuzzer against a console process: ws lanes send hostile frames (before and after a real
 * hello), REST lanes send hostile requests, all with seeded randomness. Each frame is followed by
 * waiting for its effect (a close, or the answer to a heartbeat probe), so every counted frame was
 * read by the console. Stops early when the process dies.
 */
export async function runFuzz(options: FuzzRunOptions): Promise<FuzzRunResult> {
  const { target } = options;
  const stallMs = options.stallMs ?? 15_000;
  const result: FuzzRunResult = { frames: 0, outcomes: {}, framesStalled: 0, requests: 0, statuses: {}, serverErrors: [], requestsStalled: 0, requestsNotSent: 0, wsSeconds: 0, restSeconds: 0, crashed: false };
  let framesClaimed = 0;
  let requestsClaimed = 0;
  const claimFrame = (): boolean => target.alive() && framesClaimed++ < options.frames;
  const claimRequest = (): boolean => target.alive() && requestsClaimed++ < options.requests;
  const tally = (outcome: Outcome): void => {
    result.frames += 1;
    if (outcome.kind === 'stalled') {
      result.framesStalled += 1;
      return;
    }
    const key = outcome.kind === 'closed' ? `close:${outcome.code}` : outcome.type === 'error' ? `error:${outcome.code ?? '?'}` : 'handled';
    result.outcomes[key] = (result.outcomes[key] ?? 0) + 1;
  };

  /** A refused handshake (503 while the console sheds load) gives the frame back; a console that never accepts ends the run. */
  let refusedHandshakes = 0;
  const handshakeRefused = (): void => {
    framesClaimed -= 1;
    if (++refusedHandshakes > 10_000) throw new Error('the console refused 10,000 ws handshakes');
  };

  const preHelloLane = async (rng: SeededRandom): Promise<void> => {
    while (claimFrame()) {
      const frame = nextFrame(rng, undefined, 1);
      const ws = await open(target.agentUrl);
      if (!ws) {
        handshakeRefused();
        continue;
      }
      ws.send(frame.data, { binary: frame.binary }, () => undefined);
      // Before hello every frame gets an answer (error, enrolled, welcome) or a close: either shows it was read.
      tally(await settle(ws, () => true, stallMs));
      ws.terminate();
    }
  };

  const helloLane = async (rng: SeededRandom, creds: { agentId: string; token: string }): Promise<void> => {
    let ws: WebSocket | undefined;
    let seq = 1;
    let helloFailures = 0;
    while (claimFrame()) {
      if (!ws) {
        ws = await open(target.agentUrl);
        if (!ws) {
          handshakeRefused();
          continue;
        }
        let ackedSeq = 0;
        const socket = ws;
        socket.on('message', (data) => {
          if (messageType(data) !== 'welcome') return;
          const value = JSON.parse(String(data)) as { ackedSeq?: unknown };
          if (typeof value.ackedSeq === 'number') ackedSeq = value.ackedSeq;
        });
        socket.send(JSON.stringify({ v: PROTOCOL_VERSION, type: 'hello', agentId: creds.agentId, token: creds.token, agent: { hostname: 'fuzz', os: 'linux', osVersion: '6', agentVersion: '0.1.0', user: 'fuzz' }, policySerial: null }));
        const welcomed = await settle(socket, (type) => type === 'welcome', stallMs);
        if (welcomed.kind !== 'answered') {
          socket.terminate();
          ws = undefined;
          framesClaimed -= 1;
          // The agent cannot get in any more (e.g. revoked): leave the frames to the other lanes.
          if (++helloFailures >= 20) return;
          continue;
        }
        helloFailures = 0;
        seq = Math.max(seq, ackedSeq + 1);
      }
      const frame = nextFrame(rng, creds, seq);
      seq += 4;
      ws.send(frame.data, { binary: frame.binary }, () => undefined);
      // Frames are handled in order: the probe's answer proves the hostile frame was handled.
      ws.send(JSON.stringify({ v: PROTOCOL_VERSION, type: 'heartbeat', sentAt: new Date().toISOString() }), () => undefined);
      const outcome = await settle(ws, (type) => type === 'heartbeat' || type === 'error', stallMs);
      tally(outcome);
      if (outcome.kind !== 'answered' || outcome.type === 'error') {
        ws.terminate();
        ws = undefined;
      }
    }
    ws?.terminate();
  };

  const restLane = async (rng: SeededRandom): Promise<void> => {
    while (claimRequest()) {
      if (rng.chance(0.05)) {
        const stalled = await rawExchange(target.port, nextRawRequest(rng), stallMs);
        result.requests += 1;
        if (stalled) result.requestsStalled += 1;
        continue;
      }
      const request = nextRequest(rng, options.operations);
      const headers: Record<string, string> = { ...request.headers };
      if (request.authenticated && options.admin.cookie !== undefined) {
        headers.cookie = options.admin.cookie;
        if (options.admin.csrfToken !== undefined) headers['x-csrf-token'] = options.admin.csrfToken;
      }
      const body = request.method === 'GET' || request.method === 'HEAD' ? undefined : request.body;
      let res: Response;
      try {
        res = await fetch(`${target.url}${request.path}`, { method: request.method, headers, body, signal: AbortSignal.timeout(stallMs) });
      } catch (err) {
        if (err instanceof Error && err.name === 'TimeoutError') {
          result.requests += 1;
          result.requestsStalled += 1;
        } else if (target.alive() && err instanceof TypeError && !String(err.cause ?? '').includes('ECONN')) result.requestsNotSent += 1;
        else result.requests += 1;
        continue;
      }
      result.requests += 1;
      result.statuses[res.status] = (result.statuses[res.status] ?? 0) + 1;
      if (res.status >= 500 && result.serverErrors.length < 20) result.serverErrors.push(`${request.method} ${request.path.slice(0, 120)} -> ${res.status}`);
      // A live stream never ends: its status is all we need.
      if ((res.headers.get('content-type') ?? '').startsWith('text/event-stream')) await res.body?.cancel();
      else await res.arrayBuffer().catch(() => undefined);
    }
  };

  const wsStarted = Date.now();
  const wsLanes = [
    ...Array.from({ length: options.preHelloLanes }, (_, i) => preHelloLane(new SeededRandom(options.seed * 1000 + i))),
    ...options.creds.map((creds, i) => helloLane(new SeededRandom(options.seed * 1000 + 100 + i), creds)),
  ].map((lane) => lane.then(() => (result.wsSeconds = Math.max(result.wsSeconds, (Date.now() - wsStarted) / 1000))));
  const restStarted = Date.now();
  const restLanes = Array.from({ length: options.restLanes }, (_, i) => restLane(new SeededRandom(options.seed * 1000 + 500 + i))).map((lane) =>
    lane.then(() => (result.restSeconds = Math.max(result.restSeconds, (Date.now() - restStarted) / 1000))),
  );
  await Promise.all([...wsLanes, ...restLanes]);
  result.crashed = !target.alive();
  return result;
}

/** Writes raw bytes, half-closes, and waits for the console to close; true if it never did. */
function rawExchange(port: number, bytes: Buffer, stallMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connectTcp(port, '127.0.0.1');
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(true);
    }, stallMs);
    socket.on('error', () => undefined);
    socket.on('data', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(false);
    });
    socket.end(bytes);
  });
}
