import { createServer as createHttpServer, type IncomingMessage, type RequestListener, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Duplex } from 'node:stream';
import { errorFields, type Logger } from '../logging/logger';
import { tlsServerOptions } from '../tls/tls-server-options';

/** How long and how many: what keeps slow or numerous clients from holding the console's sockets. */
export interface ServerLimits {
  /** The request line and headers must arrive within this time (408 otherwise). */
  headersTimeoutMs: number;
  /** The whole request, body included, must arrive within this time (408 otherwise); not the response. */
  requestTimeoutMs: number;
  /** Open TCP connections at most (agents' sockets included); further ones are closed at once. */
  maxConnections: number;
}

/**
 * 10 s for headers and 30 s for a body at most 1 MiB (a 35 KB/s client still makes it); 20,000
 * connections covers the 10,000-agent fleet measured in BENCHMARKS.md twice over. The process needs
 * a file-descriptor limit above the cap (`LimitNOFILE`).
 */
export const DEFAULT_SERVER_LIMITS: ServerLimits = { headersTimeoutMs: 10_000, requestTimeoutMs: 30_000, maxConnections: 20_000 };

/** One year; browsers then refuse plain http and certificate click-through for this host. */
export const HSTS_HEADER_VALUE = 'max-age=31536000';

export interface ConsoleServerOptions {
  /** The Express app (or any request listener). */
  app: RequestListener;
  /** With a certificate: HTTPS with AEAD-only TLS 1.2 suites and HSTS. */
  tls?: { cert: string | Buffer; key: string | Buffer } | undefined;
  limits: ServerLimits;
  logger: Logger;
  /** Gets every upgrade request; a throw there closes that socket (logged), not the process. */
  onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
}

/** Never let Node wait longer than this between two checks of the header and request timeouts. */
const MAX_TIMEOUT_CHECK_INTERVAL_MS = 1000;

/**
 * The console's one HTTP(S) server, hardened at the transport: header/body timeouts, a connection
 * cap, HSTS under TLS, and an error listener on every request, response and upgrade socket so a
 * peer's misbehaviour ends its own connection only.
 */
export function createConsoleServer(options: ConsoleServerOptions): Server {
  const { app, tls, limits, logger } = options;
  const listener: RequestListener = (req, res) => {
    req.on('error', (err) => logger.debug('request stream error', { method: req.method, ...errorFields(err) }));
    res.on('error', (err) => logger.debug('response stream error', { method: req.method, ...errorFields(err) }));
    if (tls) res.setHeader('Strict-Transport-Security', HSTS_HEADER_VALUE);
    app(req, res);
  };
  const timing = {
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    connectionsCheckingInterval: Math.min(MAX_TIMEOUT_CHECK_INTERVAL_MS, limits.headersTimeoutMs),
  };
  const server: Server = tls ? createHttpsServer({ ...tlsServerOptions(tls), ...timing }, listener) : createHttpServer(timing, listener);
  server.maxConnections = limits.maxConnections;
  // After listening, a server error is an accept failure (EMFILE: out of file descriptors): without a
  // listener it would end the process; the connections already open keep being served.
  server.once('listening', () => server.on('error', (err) => logger.error('server could not accept a connection', errorFields(err))));

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // Until ws takes the socket over, nobody else listens for its errors.
    socket.on('error', (err) => logger.debug('upgrade socket error', errorFields(err)));
    try {
      options.onUpgrade(req, socket, head);
    } catch (err) {
      logger.error('upgrade failed', { url: typeof req.url === 'string' ? req.url.slice(0, 200) : undefined, ...errorFields(err) });
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
      else socket.destroy();
    }
  });
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    if (!socket.writable) return void socket.destroy();
    // Node's own answer to a header or request timeout is 408; keep it (we replace the default listener).
    const timedOut = err.code === 'ERR_HTTP_REQUEST_TIMEOUT' || err.code === 'ERR_HTTP_HEADERS_TIMEOUT';
    socket.end(timedOut ? 'HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n' : 'HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
  });
  return server;
}

/** The path of an upgrade request, or undefined for a request target `URL` cannot read. */
export function upgradePath(req: IncomingMessage): string | undefined {
  try {
    return new URL(req.url ?? '/', 'http://console').pathname;
  } catch {
    return undefined;
  }
}
