import { createServer, type IncomingMessage } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { PROTOCOL_VERSION, type AgentInfo } from '@dlp/shared';
import { generateSigningKeyPair, type SqliteDatabase } from '@dlp/shared/node';
import { FakeHostInfo } from '../../platform/fake/fake-platform';
import { makeTempDir, waitFor } from '../../testing/fixtures';
import { TestConsole } from '../../testing/test-console';
import { openAgentDatabase } from '../agent-db';
import { buildCapabilityReport } from '../capabilities';
import type { AgentCredentials } from '../credentials';
import { EventFactory } from '../event-factory';
import { silentLogger } from '../logger';
import { Outbox } from '../outbox';
import { ConsoleLink, type ConsoleLinkOptions } from './console-link';

const key = generateSigningKeyPair();
const agentInfo: AgentInfo = { hostname: 'ws-test-01', os: 'linux', osVersion: '6.1.0', agentVersion: '0.1.0', user: 'alice' };
const fastTimings = { backoffBaseMs: 20, backoffCapMs: 100, rejectedRetryMs: 300, heartbeatMs: 100, idleTimeoutMs: 5000, handshakeTimeoutMs: 2000 };

describe('console link', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let db: SqliteDatabase;
  let outbox: Outbox;
  let console_: TestConsole;
  let link: ConsoleLink | null;
  let credentials: AgentCredentials;
  const factory = new EventFactory({ host: new FakeHostInfo(), hostname: 'ws-test-01' });

  const appendEvents = async (count: number) => {
    const drafts = await Promise.all(
      Array.from({ length: count }, (_, i) => factory.create({ type: 'app', action: 'blocked', severity: 'medium', subject: { kind: 'process', pid: i + 10, exePath: '/tmp/x', name: 'x', method: 'proc-scan' } })),
    );
    await Promise.all(drafts.map((d) => outbox.append(d)));
  };

  function startLink(overrides: Partial<ConsoleLinkOptions> = {}): ConsoleLink {
    link = new ConsoleLink({
      url: console_.url,
      log: silentLogger,
      outbox,
      credentials: () => credentials,
      enrolled: async () => undefined,
      agentInfo: async () => agentInfo,
      helloState: () => ({ policySerial: null, capabilities: buildCapabilityReport({ os: 'linux', apps: { method: 'proc-scan', preExec: false, failMode: 'open' }, usb: { method: 'none', mountGuard: false }, captureToolsRequested: false, mode: null }) }),
      policy: async () => null,
      timings: fastTimings,
      ...overrides,
    });
    link.start();
    return link;
  }

  beforeEach(async () => {
    ({ dir, cleanup } = await makeTempDir('link'));
    db = await openAgentDatabase(dir);
    outbox = await Outbox.open(db, { maxEvents: 100_000, gapEvent: (g) => factory.gapEvent(g), log: silentLogger });
    console_ = await TestConsole.start({ key });
    console_.agentId = '019ad0c4-7b5e-7c1a-8d2f-3a4b5c6d7e8f';
    console_.token = 'A'.repeat(43);
    credentials = { agentId: console_.agentId, token: console_.token, consoleKey: { keyId: key.keyId, publicKey: key.publicKey }, enrolledAt: new Date().toISOString() };
    link = null;
  });
  afterEach(async () => {
    await link?.stop();
    await console_.stop();
    await db.close();
    await cleanup();
  });

  it('says hello with its credentials and capabilities, then delivers queued events and forgets them once acked', async () => {
    await appendEvents(3);
    startLink();
    await waitFor(() => outbox.depth() === 0, 'the outbox to drain');
    expect(console_.hellos[0]).toMatchObject({ agentId: credentials.agentId, agent: agentInfo, policySerial: null, capabilities: { apps: { method: 'proc-scan' } } });
    expect([...console_.events.keys()]).toEqual([1, 2, 3]);
    // Events appended while connected go out too.
    await appendEvents(2);
    await waitFor(() => console_.events.size === 5 && outbox.depth() === 0, 'live events');
    expect(link?.state()).toBe('ready');
  });

  it('drain: resolves true once the console acked everything, false at its deadline while acks are missing, and at once when disconnected', async () => {
    startLink();
    await waitFor(() => link?.state() === 'ready', 'the session');
    await appendEvents(3);
    expect(await link?.drain(2000)).toBe(true);
    expect(outbox.depth()).toBe(0);
    expect(console_.events.size).toBe(3);

    console_.autoAck = false;
    await appendEvents(1);
    const started = Date.now();
    expect(await link?.drain(300)).toBe(false);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    // The console acks while we wait: the waiter wakes at the ack, long before its deadline.
    const waiting = link?.drain(5000);
    setTimeout(() => console_.ack(), 50);
    const ackStarted = Date.now();
    expect(await waiting).toBe(true);
    expect(Date.now() - ackStarted).toBeLessThan(2000);

    await console_.stop();
    await waitFor(() => link?.state() === 'waiting', 'the link to notice the console is gone');
    await appendEvents(1);
    const downStarted = Date.now();
    expect(await link?.drain(2000)).toBe(false);
    expect(Date.now() - downStarted).toBeLessThan(200);
    console_ = await TestConsole.start({ key }); // afterEach stops it
  });

  it('resends everything unacked after a reconnect, in order, and loses nothing', async () => {
    console_.autoAck = false;
    await appendEvents(10);
    startLink();
    await waitFor(() => console_.events.size === 10, 'the first delivery');
    expect(outbox.depth()).toBe(10);
    // The console dies before committing: its welcome will say nothing was committed.
    console_.events.clear();
    console_.dropConnections();
    await waitFor(() => console_.hellos.length === 2 && console_.batches.length >= 2, 'a reconnect and a resend');
    expect(console_.batches[1]).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(outbox.depth()).toBe(10);
    console_.ack();
    await waitFor(() => outbox.depth() === 0, 'the ack to delete the events');
    expect([...console_.events.keys()]).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('trims what the console already committed when welcomed', async () => {
    await appendEvents(5);
    console_.autoAck = false;
    console_.baseAckedSeq = 3;
    startLink();
    await waitFor(() => console_.batches.length === 1, 'a batch');
    expect(console_.batches[0]).toEqual([4, 5]);
    expect(outbox.depth()).toBe(2);
  });

  it('keeps at most four batches of at most 500 events in flight', async () => {
    console_.autoAck = false;
    await appendEvents(2600);
    startLink();
    await waitFor(() => console_.batches.length === 4, 'four batches');
    // Give the link every chance to send a fifth batch it must not send.
    await waitFor(() => console_.heartbeats.length >= 2, 'two heartbeats');
    expect(console_.batches.map((b) => b.length)).toEqual([500, 500, 500, 500]);
    expect(console_.heartbeats.at(-1)).toBe(2600);
    console_.ack(500);
    await waitFor(() => console_.batches.length === 5, 'the fifth batch after an ack');
    expect(console_.batches[4]?.[0]).toBe(2001);
  });

  it('retries slowly when its credentials are revoked, then recovers', async () => {
    console_.revoked = true;
    startLink();
    await waitFor(() => console_.hellos.length === 1, 'the first hello');
    await waitFor(() => link?.state() === 'waiting', 'the link to wait');
    console_.revoked = false;
    await waitFor(() => link?.state() === 'ready', 'a slow retry that succeeds', 5000);
    expect(console_.hellos).toHaveLength(2);
  });

  it('gives up on a console that stops answering and connects again', async () => {
    console_.silent = true;
    startLink({ timings: { ...fastTimings, idleTimeoutMs: 300 } });
    await waitFor(() => console_.hellos.length === 1, 'the first hello');
    console_.silent = false;
    await waitFor(() => link?.state() === 'ready', 'a new connection after the idle timeout', 5000);
    expect(console_.hellos).toHaveLength(2);
  });

  it('ignores frames that do not match the protocol and keeps working', async () => {
    startLink();
    await waitFor(() => link?.state() === 'ready', 'ready');
    console_.sendRaw('not json');
    console_.sendRaw(JSON.stringify({ v: PROTOCOL_VERSION, type: 'ack', upTo: -1 }));
    console_.sendRaw(JSON.stringify({ v: PROTOCOL_VERSION, type: 'mystery' }));
    await appendEvents(1);
    await waitFor(() => console_.events.size === 1, 'an event after bad frames');
    expect(console_.hellos).toHaveLength(1);
  });

  it('sends its clock in hello, so the console can measure its skew', async () => {
    startLink();
    await waitFor(() => console_.hellos.length === 1, 'the hello');
    const sentAt = Date.parse(console_.hellos[0]?.sentAt ?? '');
    expect(Math.abs(sentAt - Date.now())).toBeLessThan(60_000);
  });

  it('waits as long as a shedding console asks (503 Retry-After, spread), then connects', async () => {
    // A console front that sheds the first attempt, then hands over to the real console.
    let refused = 0;
    const front = createServer((_req, res) => res.writeHead(404).end());
    front.on('upgrade', (req: IncomingMessage, socket: Duplex) => {
      if (refused === 0) {
        refused += 1;
        socket.end('HTTP/1.1 503 Service Unavailable\r\nRetry-After: 2\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      const upstream = connect(console_.port, '127.0.0.1', () => {
        upstream.write(`GET ${req.url ?? '/'} HTTP/1.1\r\n${Object.entries(req.headers).map(([k, v]) => `${k}: ${String(v)}`).join('\r\n')}\r\n\r\n`);
        upstream.pipe(socket).pipe(upstream);
      });
      upstream.on('error', () => socket.destroy());
      socket.on('error', () => upstream.destroy());
    });
    await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
    const retries: number[] = [];
    const log = { ...silentLogger, warn: (msg: string, fields?: Record<string, unknown>) => void (msg === 'console connection closed; reconnecting' && retries.push(Number(fields?.['retryInMs']))) };
    try {
      // random 0.25: Retry-After 2 s spread over [1, 3] s gives 1.5 s (the backoff alone would give at most 100 ms).
      startLink({ url: `ws://127.0.0.1:${(front.address() as AddressInfo).port}/agent`, log: { ...log, child: () => log }, random: () => 0.25 });
      await waitFor(() => console_.hellos.length === 1, 'the hello after the shed attempt', 10_000);
      expect(refused).toBe(1);
      expect(retries).toEqual([1500]);
    } finally {
      await link?.stop();
      link = null;
      await new Promise((resolve) => front.close(resolve));
    }
  });

  it('reconnects with backoff when the console is down at first', async () => {
    const port = console_.port;
    await console_.stop();
    startLink({ url: `ws://127.0.0.1:${port}/agent` });
    await waitFor(() => link?.state() === 'waiting', 'a failed attempt');
    console_ = await TestConsole.start({ key }, port);
    console_.agentId = credentials.agentId;
    console_.token = credentials.token;
    await appendEvents(1);
    await waitFor(() => console_.events.size === 1, 'delivery once the console is up', 10_000);
  });

  for (const code of ['enroll_pending', 'rate_limited'] as const) {
    it(`waits and enrolls later when the console answers ${code}, asking with the same request key`, async () => {
      let saved: AgentCredentials | null = null;
      console_.enrollWaits = { count: 2, code, retryAfterMs: 30 };
      const lines: string[] = [];
      const log = { ...silentLogger, info: (msg: string) => void lines.push(msg), warn: (msg: string) => void lines.push(msg), error: (msg: string) => void lines.push(msg) };
      startLink({
        log,
        credentials: () => saved,
        enrollSecret: console_.enrollSecret,
        enrolled: async (message) => {
          saved = { agentId: message.agentId, token: message.token, consoleKey: message.consoleKey, enrolledAt: new Date().toISOString() };
        },
      });
      await waitFor(() => console_.hellos.length > 0, 'hello after the waits', 10_000);
      expect(console_.enrollAttempts).toBe(3);
      const keys = new Set(console_.enrollRequestKeys);
      expect(keys.size).toBe(1);
      expect([...keys][0]).toMatch(/^[A-Za-z0-9_-]{32}$/);
      // Told to wait, not treated as a refused secret.
      const waited = code === 'enroll_pending' ? 'enrollment waits for an admin’s approval; asking again later' : 'the console is rate limiting enrollments; retrying later';
      expect(lines.filter((line) => line === waited)).toHaveLength(2);
      expect(lines.some((line) => line.includes('refused the enroll secret'))).toBe(false);
    });
  }
});
