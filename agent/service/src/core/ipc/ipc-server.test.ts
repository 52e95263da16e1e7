import { chmodSync, existsSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { IPC_LIMITS, IPC_VERSION, type IpcResponse } from '@dlp/shared';
import { AgentUnreachableError, sendIpcRequest } from '@dlp/shared/node';
import { HelperPeerCredentials } from '../../platform/linux/peer-credentials';
import { runAsNobody } from '../../platform/linux/fanotify/testing/kernel-fixtures';
import type { LocalPeer } from '../../platform/types';
import { makeTempDir } from '../../testing/fixtures';
import { PeerRateLimit } from '../local-channel/peer-rate-limit';
import { silentLogger } from '../logger';
import { IpcServer, type IpcHandler } from './ipc-server';

const CLIENT = path.resolve(__dirname, '../../testing/ipc-line-client.cjs');
const peers = new HelperPeerCredentials();

/** Answers with who asked and what, so tests can tell responses (and peers) apart. */
const echo: IpcHandler = async (request, peer) => ({
  v: IPC_VERSION,
  type: 'unlock-result',
  result: { ok: false, reason: 'not-valid', message: `${peer.uid}:${peer.name ?? '?'}:${request.type === 'unlock' ? request.code : request.type}` },
});

/** Writes `text` on one connection and collects response lines until `count` arrived or the server closed. */
function converse(socketPath: string, text: string, count: number): Promise<{ lines: IpcResponse[]; closedByServer: boolean }> {
  return new Promise((resolve, reject) => {
    const socket = net.createConnection(socketPath);
    let buffered = '';
    const lines: IpcResponse[] = [];
    socket.setEncoding('utf8');
    socket.on('connect', () => socket.write(text));
    socket.on('data', (chunk: string) => {
      buffered += chunk;
      let newline: number;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        lines.push(JSON.parse(buffered.slice(0, newline)) as IpcResponse);
        buffered = buffered.slice(newline + 1);
      }
      if (lines.length >= count) {
        socket.destroy();
        resolve({ lines, closedByServer: false });
      }
    });
    socket.on('end', () => resolve({ lines, closedByServer: true }));
    socket.on('error', reject);
  });
}

/** Runs the line client as `nobody` (optionally inside `unshare -Ur`, where it is "root") and parses its output. */
async function asNobody(socketPath: string, requests: object[], expected = requests.length, unshare = false): Promise<IpcResponse[]> {
  const client = [process.execPath, CLIENT, socketPath, String(expected), ...requests.map((r) => JSON.stringify(r))];
  const outcome = await runAsNobody(unshare ? ['unshare', '-Ur', ...client] : client);
  if (outcome.code !== 0) throw new Error(`client failed (${outcome.code}): ${outcome.stderr}`);
  return outcome.stdout.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as IpcResponse);
}

const unlock = (code: string) => ({ v: IPC_VERSION, type: 'unlock', code });
const messageOf = (r: IpcResponse | undefined) => (r?.type === 'unlock-result' ? r.result.message : r);

describe('IpcServer (local socket, peers identified by the kernel)', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let server: IpcServer | null = null;
  let socketPath: string;
  const listen = (handler: IpcHandler = echo, rateLimit?: PeerRateLimit) =>
    IpcServer.listen({ socketPath, handler, peers, log: silentLogger, ...(rateLimit ? { rateLimit } : {}) });

  beforeEach(async () => {
    ({ dir, cleanup } = await makeTempDir('ipc'));
    chmodSync(dir, 0o755); // the folder decides who can reach the socket; here everyone may
    socketPath = path.join(dir, 'run', 'agent.sock');
  });
  afterEach(async () => {
    await server?.close();
    server = null;
    await cleanup();
  });

  it('listens 0666 in a folder it makes 0755, replaces a stale socket file and removes its socket when closed', async () => {
    server = await listen();
    await server.close();
    writeFileSync(socketPath, 'left over by a crashed agent');
    server = await listen();
    expect(statSync(socketPath).isSocket()).toBe(true);
    expect(statSync(socketPath).mode & 0o777).toBe(0o666);
    expect(statSync(path.dirname(socketPath)).mode & 0o777).toBe(0o755);
    expect(messageOf(await sendIpcRequest(socketPath, unlock('ABCD') as never))).toBe('0:root:ABCD');
    await server.close();
    server = null;
    expect(existsSync(socketPath)).toBe(false);
    await expect(sendIpcRequest(socketPath, unlock('ABCD') as never)).rejects.toBeInstanceOf(AgentUnreachableError);
  });

  it('knows an ordinary user by the kernel’s word, also when they made themselves root in a user namespace', async () => {
    server = await listen();
    expect((await asNobody(socketPath, [unlock('MINE')])).map(messageOf)).toEqual(['65534:nobody:MINE']);
    expect((await asNobody(socketPath, [unlock('NS')], 1, true)).map(messageOf)).toEqual(['65534:nobody:NS']);
  });

  it('answers several requests on one connection in order, and bad ones with a clear error', async () => {
    server = await listen();
    const requests = [JSON.stringify(unlock('FIRST')), '{not json', JSON.stringify({ v: IPC_VERSION, type: 'unlock', code: 42 }), JSON.stringify({ v: IPC_VERSION, type: 'format-disk' }), JSON.stringify(unlock('LAST'))];
    const { lines } = await converse(socketPath, `${requests.join('\n')}\n`, 5);
    expect(lines).toEqual([
      expect.objectContaining({ type: 'unlock-result', result: expect.objectContaining({ message: '0:root:FIRST' }) }),
      { v: IPC_VERSION, type: 'error', code: 'bad_request', message: 'the request is not valid JSON' },
      { v: IPC_VERSION, type: 'error', code: 'bad_request', message: expect.stringMatching(/^code:/) },
      { v: IPC_VERSION, type: 'error', code: 'bad_request', message: expect.stringMatching(/^type:/) },
      expect.objectContaining({ type: 'unlock-result', result: expect.objectContaining({ message: '0:root:LAST' }) }),
    ]);
  });

  it('refuses a line longer than the limit and closes the connection', async () => {
    server = await listen();
    const { lines, closedByServer } = await converse(socketPath, 'x'.repeat(IPC_LIMITS.maxLineBytes + 10), 2);
    expect(lines).toEqual([expect.objectContaining({ type: 'error', code: 'too_big' })]);
    expect(closedByServer).toBe(true);
  });

  it('turns a handler failure into internal_error without the details', async () => {
    server = await listen(async () => Promise.reject(new Error('database is locked at /secret/path')));
    expect(await sendIpcRequest(socketPath, unlock('X') as never)).toEqual({ v: IPC_VERSION, type: 'error', code: 'internal_error', message: 'the agent could not handle the request' });
  });

  it('rate-limits a flood from one account and keeps serving others', async () => {
    server = await listen(echo, new PeerRateLimit((uid) => (uid === 0 ? { burst: 100, perSecond: 100 } : { burst: 3, perSecond: 0.5 })));
    const flood = Array.from({ length: 10 }, (_, i) => unlock(`F${i}`));
    const answers = await asNobody(socketPath, flood);
    expect(answers.slice(0, 3).map(messageOf)).toEqual(['65534:nobody:F0', '65534:nobody:F1', '65534:nobody:F2']);
    for (const answer of answers.slice(3)) expect(answer).toEqual(expect.objectContaining({ type: 'error', code: 'rate_limited', retryAfterMs: expect.any(Number) }));
    expect(messageOf(await sendIpcRequest(socketPath, unlock('ROOT') as never))).toBe('0:root:ROOT');
  });

  it('answers nothing to a peer it cannot identify', async () => {
    const blind = { identify: async (): Promise<LocalPeer> => Promise.reject(new Error('no SO_PEERCRED here')) };
    server = await IpcServer.listen({ socketPath, handler: echo, peers: blind, log: silentLogger });
    const { lines, closedByServer } = await converse(socketPath, `${JSON.stringify(unlock('X'))}\n`, 2);
    expect(lines).toEqual([{ v: IPC_VERSION, type: 'error', code: 'unauthenticated', message: 'the agent could not identify this connection' }]);
    expect(closedByServer).toBe(true);
  });

  it('streams notices to subscribers, each only its own, and takes no more requests on that connection', async () => {
    // Answering `subscribed` is what turns a connection into a notice stream.
    server = await listen(async (request, peer, stream) => (request.type === 'subscribe' ? { v: IPC_VERSION, type: 'subscribed', status: sampleStatus() } : echo(request, peer, stream)));
    const rootStream = converse(socketPath, `${JSON.stringify({ v: IPC_VERSION, type: 'subscribe' })}\n${JSON.stringify(unlock('LATE'))}\n`, 3);
    await waitUntil(() => server?.subscriberCount() === 1);
    server.publish((peer) => (peer.uid === 0 ? { kind: 'status', status: sampleStatus() } : null));
    server.publish((peer) => (peer.uid === 12345 ? { kind: 'status', status: sampleStatus() } : null));
    const { lines } = await rootStream;
    expect(lines.map((l) => l.type)).toEqual(['subscribed', 'error', 'notice']);
    expect(lines[1]).toEqual(expect.objectContaining({ code: 'bad_request', message: expect.stringMatching(/receives notices/) }));
  });
});

async function waitUntil(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!check()) throw new Error('condition not met');
}

function sampleStatus() {
  return {
    protection: 'protected' as const,
    console: 'connected' as const,
    policy: { serial: 3, name: 'Trading floor', mode: 'enforce' as const },
    controls: [],
    watermark: { enabled: false, text: '', opacity: 0.12 },
    blockScreenCapture: false,
    notice: {},
    host: 'ws-01',
    agentVersion: '0.1.0',
    peer: { uid: 0, name: 'root', privileged: true },
  };
}
