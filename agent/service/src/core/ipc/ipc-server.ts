import { chmod, mkdir, rm } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { describeIssues, IPC_LIMITS, IPC_VERSION, ipcRequest, ipcResponse, type IpcNotice, type IpcRequest, type IpcResponse } from '@dlp/shared';
import { readLines } from '@dlp/shared/node';
import type { LocalPeer, PeerCredentialSource } from '../../platform/types';
import { PeerRateLimit } from '../local-channel/peer-rate-limit';
import type { Logger } from '../logger';

/**
 * What a long request (a scan) may do before its answer: send more lines (progress) and learn that
 * the client went away (closing the connection cancels it).
 */
export interface IpcStream {
  send(response: IpcResponse): void;
  /** Aborted when the connection closes. */
  readonly signal: AbortSignal;
  /** True while a long request (a scan) runs on the connection. */
  running: boolean;
}

/** Answers one validated request from `peer`; throwing yields an `internal_error` response. */
export type IpcHandler = (request: IpcRequest, peer: LocalPeer, stream: IpcStream) => Promise<IpcResponse>;

/** Requests that may run for minutes while they stream progress: the idle timeout does not apply. */
const LONG_REQUESTS: ReadonlySet<IpcRequest['type']> = new Set(['scan']);

/** A connection that says nothing for this long is closed (a stuck client must not pin a slot). */
const IDLE_TIMEOUT_MS = 60_000;
const MAX_CONNECTIONS = 64;
/** Per account, so one user cannot take every slot (a tray holds one; each CLI call one briefly). */
const MAX_CONNECTIONS_PER_UID = 8;
const MAX_UNREAD_NOTICE_BYTES = 1024 * 1024;

export interface IpcServerOptions {
  socketPath: string;
  handler: IpcHandler;
  peers: PeerCredentialSource;
  log: Logger;
  rateLimit?: PeerRateLimit;
}

interface Subscriber {
  socket: net.Socket;
  peer: LocalPeer;
}

/**
 * The agent's local socket: one JSON request per line, one response line each, in order (schema:
 * `ipc.ts` in @dlp/shared). Any local user may connect (mode 0666); before reading a byte the
 * agent asks the kernel who the peer is, and handlers act only on that identity. A `subscribe`
 * turns the connection into a stream of notices for that peer.
 */
export class IpcServer {
  private readonly sockets = new Set<net.Socket>();
  private readonly perUid = new Map<number, number>();
  private readonly subscribers = new Set<Subscriber>();
  private readonly rateLimit: PeerRateLimit;

  private constructor(
    private readonly server: net.Server,
    private readonly options: IpcServerOptions,
  ) {
    this.rateLimit = options.rateLimit ?? new PeerRateLimit();
    server.maxConnections = MAX_CONNECTIONS;
    server.on('connection', (socket) => void this.accept(socket));
  }

  get socketPath(): string {
    return this.options.socketPath;
  }

  /** Listens on `socketPath` (its folder made 0755 if missing), replacing a stale socket file. */
  static async listen(options: IpcServerOptions): Promise<IpcServer> {
    await mkdir(path.dirname(options.socketPath), { recursive: true, mode: 0o755 });
    await rm(options.socketPath, { force: true });
    const server = net.createServer();
    const ipc = new IpcServer(server, options);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.socketPath, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', (err) => options.log.error('ipc socket error', { error: err.message }));
    // Who may do what is decided per peer, not by the file mode; the folder decides who can reach it.
    await chmod(options.socketPath, 0o666);
    return ipc;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await rm(this.options.socketPath, { force: true });
  }

  /** Sends each subscriber the notice `noticeFor` builds for its peer (null: nothing for that one). */
  publish(noticeFor: (peer: LocalPeer) => IpcNotice['notice'] | null): void {
    for (const { socket, peer } of this.subscribers) {
      const notice = noticeFor(peer);
      if (!notice) continue;
      // A tray that stopped reading must not make the agent buffer notices without end.
      if (socket.writableLength > MAX_UNREAD_NOTICE_BYTES) {
        this.options.log.warn('dropping a local subscriber that stopped reading', { uid: peer.uid });
        socket.destroy();
        continue;
      }
      this.write(socket, { v: IPC_VERSION, type: 'notice', notice });
    }
  }

  subscriberCount(): number {
    return this.subscribers.size;
  }

  private async accept(socket: net.Socket): Promise<void> {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    socket.setTimeout(IDLE_TIMEOUT_MS, () => socket.destroy());
    socket.pause();
    let peer: LocalPeer;
    try {
      peer = await this.options.peers.identify(socket);
    } catch (err) {
      this.options.log.warn('refused a local connection: cannot tell who it is', { error: err instanceof Error ? err.message : String(err) });
      this.write(socket, { v: IPC_VERSION, type: 'error', code: 'unauthenticated', message: 'the agent could not identify this connection' });
      socket.end();
      return;
    }
    const open = (this.perUid.get(peer.uid) ?? 0) + 1;
    if (peer.uid !== 0 && open > MAX_CONNECTIONS_PER_UID) {
      this.write(socket, { v: IPC_VERSION, type: 'error', code: 'rate_limited', message: `at most ${MAX_CONNECTIONS_PER_UID} connections per user`, retryAfterMs: 1000 });
      socket.end();
      return;
    }
    this.perUid.set(peer.uid, open);
    socket.on('close', () => this.perUid.set(peer.uid, (this.perUid.get(peer.uid) ?? 1) - 1));
    this.serve(socket, peer);
    socket.resume();
  }

  private serve(socket: net.Socket, peer: LocalPeer): void {
    let queue: Promise<void> = Promise.resolve();
    let subscribed = false;
    const closed = new AbortController();
    socket.on('close', () => closed.abort());
    const stream: IpcStream = {
      signal: closed.signal,
      running: false,
      send: (response) => {
        // A client that stops reading a scan's progress must not make the agent buffer it without end.
        if (socket.writableLength > MAX_UNREAD_NOTICE_BYTES) {
          this.options.log.warn('dropping a local client that stopped reading', { uid: peer.uid });
          socket.destroy();
          return;
        }
        this.write(socket, response);
      },
    };
    readLines(socket, IPC_LIMITS.maxLineBytes, {
      line: (line) => {
        // Lines sent while a scan streams would pile up for minutes: such a connection is closed (and the scan cancelled).
        if (stream.running) {
          socket.destroy();
          return;
        }
        queue = queue.then(async () => {
          if (subscribed) return this.refuse(socket, 'bad_request', 'this connection receives notices; send requests on another connection');
          const wait = this.rateLimit.take(peer.uid);
          if (wait > 0) return this.write(socket, { v: IPC_VERSION, type: 'error', code: 'rate_limited', message: 'too many requests', retryAfterMs: wait });
          const response = await this.answer(line, peer, socket, stream);
          this.write(socket, response);
          if (response.type === 'subscribed') {
            subscribed = true;
            socket.setTimeout(0);
            const subscriber = { socket, peer };
            this.subscribers.add(subscriber);
            socket.on('close', () => this.subscribers.delete(subscriber));
          }
        });
      },
      tooLong: () => {
        queue = queue.then(() => {
          this.refuse(socket, 'too_big', `a request line is at most ${IPC_LIMITS.maxLineBytes} bytes`);
          socket.end();
        });
      },
    });
  }

  private async answer(line: string, peer: LocalPeer, socket: net.Socket, stream: IpcStream): Promise<IpcResponse> {
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      return { v: IPC_VERSION, type: 'error', code: 'bad_request', message: 'the request is not valid JSON' };
    }
    const parsed = ipcRequest.safeParse(value);
    if (!parsed.success) return { v: IPC_VERSION, type: 'error', code: 'bad_request', message: describeIssues(parsed.error) };
    const long = LONG_REQUESTS.has(parsed.data.type);
    if (long) {
      socket.setTimeout(0);
      stream.running = true;
    }
    try {
      return await this.options.handler(parsed.data, peer, stream);
    } catch (err) {
      this.options.log.error('ipc request failed', { type: parsed.data.type, uid: peer.uid, error: err instanceof Error ? err.message : String(err) });
      return { v: IPC_VERSION, type: 'error', code: 'internal_error', message: 'the agent could not handle the request' };
    } finally {
      if (long) {
        socket.setTimeout(IDLE_TIMEOUT_MS);
        stream.running = false;
      }
    }
  }

  private refuse(socket: net.Socket, code: 'bad_request' | 'too_big', message: string): void {
    this.write(socket, { v: IPC_VERSION, type: 'error', code, message });
  }

  private write(socket: net.Socket, response: IpcResponse): void {
    // Our own answers are validated too: a client must never have to cope with a malformed one.
    const checked = ipcResponse.safeParse(response);
    const safe: IpcResponse = checked.success ? checked.data : { v: IPC_VERSION, type: 'error', code: 'internal_error', message: 'the agent built an invalid response' };
    if (!checked.success) this.options.log.error('not sending an invalid ipc response', { error: describeIssues(checked.error) });
    if (!socket.destroyed && socket.writable) socket.write(`${JSON.stringify(safe)}\n`);
  }
}
