import { existsSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { IPC_LIMITS, IPC_VERSION, type IpcResponse } from '@dlp/shared';
import { makeTempDir } from '../../testing/fixtures';
import { silentLogger } from '../logger';
import { AgentUnreachableError, sendIpcRequest } from './ipc-client';
import { IpcServer, type IpcHandler } from './ipc-server';

/** Answers with the code it was given, so tests can tell responses apart. */
const echo: IpcHandler = async (request) => ({ v: IPC_VERSION, type: 'unlock-result', result: { ok: false, reason: 'not-valid', message: `got ${request.type === 'unlock' ? request.code : request.type}` } });

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

describe('IpcServer (local socket)', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let server: IpcServer | null = null;
  let socketPath: string;

  beforeEach(async () => {
    ({ dir, cleanup } = await makeTempDir('ipc'));
    socketPath = path.join(dir, 'agent.sock');
  });
  afterEach(async () => {
    await server?.close();
    server = null;
    await cleanup();
  });

  it('is root-only, replaces a stale socket file and removes its socket when closed', async () => {
    writeFileSync(socketPath, 'left over by a crashed agent');
    server = await IpcServer.listen(socketPath, echo, silentLogger);
    expect(statSync(socketPath).isSocket()).toBe(true);
    expect(statSync(socketPath).mode & 0o777).toBe(0o600);
    expect(await sendIpcRequest(socketPath, { v: IPC_VERSION, type: 'unlock', code: 'ABCD' })).toMatchObject({ result: { message: 'got ABCD' } });
    await server.close();
    server = null;
    expect(existsSync(socketPath)).toBe(false);
    await expect(sendIpcRequest(socketPath, { v: IPC_VERSION, type: 'unlock', code: 'ABCD' })).rejects.toBeInstanceOf(AgentUnreachableError);
  });

  it('answers several requests on one connection in order, and bad ones with a clear error', async () => {
    server = await IpcServer.listen(socketPath, echo, silentLogger);
    const requests = [
      JSON.stringify({ v: IPC_VERSION, type: 'unlock', code: 'FIRST' }),
      '{not json',
      JSON.stringify({ v: IPC_VERSION, type: 'unlock', code: 42 }),
      JSON.stringify({ v: IPC_VERSION, type: 'format-disk' }),
      JSON.stringify({ v: IPC_VERSION, type: 'unlock', code: 'LAST' }),
    ];
    const { lines } = await converse(socketPath, `${requests.join('\n')}\n`, 5);
    expect(lines).toEqual([
      expect.objectContaining({ type: 'unlock-result', result: expect.objectContaining({ message: 'got FIRST' }) }),
      { v: IPC_VERSION, type: 'error', code: 'bad_request', message: 'the request is not valid JSON' },
      { v: IPC_VERSION, type: 'error', code: 'bad_request', message: expect.stringMatching(/^code:/) },
      { v: IPC_VERSION, type: 'error', code: 'bad_request', message: expect.stringMatching(/^type:/) },
      expect.objectContaining({ type: 'unlock-result', result: expect.objectContaining({ message: 'got LAST' }) }),
    ]);
  });

  it('refuses a line longer than the limit and closes the connection', async () => {
    server = await IpcServer.listen(socketPath, echo, silentLogger);
    // Waits for a second line that never comes: the server answers once and hangs up.
    const { lines, closedByServer } = await converse(socketPath, 'x'.repeat(IPC_LIMITS.maxLineBytes + 10), 2);
    expect(lines).toEqual([expect.objectContaining({ type: 'error', code: 'too_big' })]);
    expect(closedByServer).toBe(true);
  });

  it('turns a handler failure into internal_error without the details', async () => {
    server = await IpcServer.listen(socketPath, async () => Promise.reject(new Error('database is locked at /secret/path')), silentLogger);
    expect(await sendIpcRequest(socketPath, { v: IPC_VERSION, type: 'unlock', code: 'X' })).toEqual({ v: IPC_VERSION, type: 'error', code: 'internal_error', message: 'the agent could not handle the request' });
  });
});
