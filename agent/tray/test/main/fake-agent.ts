import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { IPC_LIMITS, IPC_VERSION, ipcRequest, ipcResponse, type AgentStatus, type IpcNotice, type IpcRequest, type IpcResponse } from '@dlp/shared';
import { readLines } from '@dlp/shared/node';

/** How the fake agent answers one request (subscribe is handled by the fake itself). */
export type Answer = (request: IpcRequest) => IpcResponse;

/** A temporary folder for one test's socket. */
export function socketDir(): { socketPath: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dlp-tray-'));
  return { socketPath: path.join(dir, 'agent.sock'), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * A stand-in for the agent's local channel: a real Unix socket server speaking the IPC schema, one
 * JSON line per request, `subscribe` turning the connection into a notice stream. Every line it
 * receives is checked against the request schema, every line it sends against the response schema.
 */
export class FakeAgent {
  readonly requests: IpcRequest[] = [];
  private readonly subscribers = new Set<net.Socket>();
  private readonly sockets = new Set<net.Socket>();

  private constructor(
    private readonly server: net.Server,
    public status: AgentStatus,
    public answer: Answer,
  ) {}

  static start(socketPath: string, status: AgentStatus, answer: Answer = () => ({ v: IPC_VERSION, type: 'error', code: 'bad_request', message: 'not answered by this test' })): Promise<FakeAgent> {
    return new Promise((resolve, reject) => {
      const server = net.createServer();
      const agent = new FakeAgent(server, status, answer);
      server.on('connection', (socket) => agent.serve(socket));
      server.once('error', reject);
      server.listen(socketPath, () => resolve(agent));
    });
  }

  /** Sends a notice to every subscribed connection. */
  push(notice: IpcNotice['notice']): void {
    for (const socket of this.subscribers) this.send(socket, { v: IPC_VERSION, type: 'notice', notice });
  }

  subscriberCount(): number {
    return this.subscribers.size;
  }

  /** Stops listening and drops every connection, as an agent that stops or crashes. */
  close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private serve(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => {
      this.sockets.delete(socket);
      this.subscribers.delete(socket);
    });
    socket.on('error', () => undefined);
    readLines(socket, IPC_LIMITS.maxLineBytes, {
      tooLong: () => socket.destroy(),
      line: (line) => {
        const parsed = ipcRequest.safeParse(JSON.parse(line));
        if (!parsed.success) {
          this.send(socket, { v: IPC_VERSION, type: 'error', code: 'bad_request', message: parsed.error.message.slice(0, 200) });
          return;
        }
        this.requests.push(parsed.data);
        if (parsed.data.type === 'subscribe') {
          this.subscribers.add(socket);
          this.send(socket, { v: IPC_VERSION, type: 'subscribed', status: this.status });
        } else {
          this.send(socket, this.answer(parsed.data));
        }
      },
    });
  }

  private send(socket: net.Socket, response: IpcResponse): void {
    socket.write(`${JSON.stringify(ipcResponse.parse(response))}\n`);
  }
}

/** Waits until `condition` holds (polling every 10 ms), or fails after `timeoutMs`. */
export async function until(condition: () => boolean, timeoutMs = 5_000, what = 'condition'): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
