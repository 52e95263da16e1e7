import { chmod, rm } from 'node:fs/promises';
import net from 'node:net';
import { describeIssues, IPC_LIMITS, IPC_VERSION, ipcRequest, ipcResponse, type IpcRequest, type IpcResponse } from '@dlp/shared';
import type { Logger } from '../logger';

/** Answers one validated request; throwing yields an `internal_error` response. */
export type IpcHandler = (request: IpcRequest) => Promise<IpcResponse>;

/** A connection that says nothing for this long is closed (a stuck client must not pin a slot). */
const IDLE_TIMEOUT_MS = 60_000;
const MAX_CONNECTIONS = 16;

/**
 * The agent's local socket (`<dataDir>/agent.sock`): one JSON request per line, one response line
 * each, in order (the schema is `ipc.ts` in @dlp/shared). Root-only for now (mode 0600, inside the
 * 0700 data directory); the tray app will get its own access rule when it arrives.
 */
export class IpcServer {
  private readonly sockets = new Set<net.Socket>();

  private constructor(
    private readonly server: net.Server,
    readonly socketPath: string,
    private readonly handler: IpcHandler,
    private readonly log: Logger,
  ) {
    server.maxConnections = MAX_CONNECTIONS;
    server.on('connection', (socket) => this.serve(socket));
  }

  /** Listens on `socketPath`, replacing a stale socket file left by an agent that did not stop cleanly. */
  static async listen(socketPath: string, handler: IpcHandler, log: Logger): Promise<IpcServer> {
    await rm(socketPath, { force: true });
    const server = net.createServer();
    const ipc = new IpcServer(server, socketPath, handler, log);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(socketPath, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', (err) => log.error('ipc socket error', { error: err.message }));
    await chmod(socketPath, 0o600);
    return ipc;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await rm(this.socketPath, { force: true });
  }

  private serve(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    socket.setTimeout(IDLE_TIMEOUT_MS, () => socket.destroy());
    let buffered = '';
    let queue: Promise<void> = Promise.resolve();
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      buffered += chunk;
      let newline: number;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        if (line.trim() === '') continue;
        queue = queue.then(() => this.answer(socket, line));
      }
      if (Buffer.byteLength(buffered) > IPC_LIMITS.maxLineBytes) {
        buffered = '';
        queue = queue.then(() => {
          this.write(socket, { v: IPC_VERSION, type: 'error', code: 'too_big', message: `a request line is at most ${IPC_LIMITS.maxLineBytes} bytes` });
          socket.end();
        });
      }
    });
  }

  private async answer(socket: net.Socket, line: string): Promise<void> {
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      this.write(socket, { v: IPC_VERSION, type: 'error', code: 'bad_request', message: 'the request is not valid JSON' });
      return;
    }
    const parsed = ipcRequest.safeParse(value);
    if (!parsed.success) {
      this.write(socket, { v: IPC_VERSION, type: 'error', code: 'bad_request', message: describeIssues(parsed.error) });
      return;
    }
    let response: IpcResponse;
    try {
      response = await this.handler(parsed.data);
    } catch (err) {
      this.log.error('ipc request failed', { type: parsed.data.type, error: err instanceof Error ? err.message : String(err) });
      response = { v: IPC_VERSION, type: 'error', code: 'internal_error', message: 'the agent could not handle the request' };
    }
    this.write(socket, response);
  }

  private write(socket: net.Socket, response: IpcResponse): void {
    // Our own answers are validated too: a client must never have to cope with a malformed one.
    const checked = ipcResponse.safeParse(response);
    const safe: IpcResponse = checked.success ? checked.data : { v: IPC_VERSION, type: 'error', code: 'internal_error', message: 'the agent built an invalid response' };
    if (!checked.success) this.log.error('not sending an invalid ipc response', { error: describeIssues(checked.error) });
    if (!socket.destroyed) socket.write(`${JSON.stringify(safe)}\n`);
  }
}
