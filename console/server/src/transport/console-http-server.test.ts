import { once } from 'node:events';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { connect as connectTcp, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { connect as connectTls } from 'node:tls';
import { gzipSync } from 'node:zlib';
import { createConsole, type RunningConsole } from '../app';
import { createMemoryLogger } from '../testing/memory-logger';
import { sampleEvent } from '@dlp/shared';
import { connectTestAgent, startTestConsole, TEST_ADMIN_PASSWORD, type TestConsole } from '../testing/test-console';
import { HSTS_HEADER_VALUE } from './console-http-server';

const cert = readFileSync(path.join(__dirname, '../testing/tls/test-console-cert.pem'));
const key = readFileSync(path.join(__dirname, '../testing/tls/test-console-key.pem'));

/** Resolves with everything the server sent once it closed the connection. */
function untilClosed(socket: Socket): Promise<string> {
  let received = '';
  socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
  socket.on('error', () => undefined);
  return new Promise((resolve) => socket.once('close', () => resolve(received)));
}

function portOf(url: string): number {
  return Number(new URL(url).port);
}

describe('console transport over TLS', () => {
  let dataDir: string;
  let running: RunningConsole;
  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'dlp-transport-tls-'));
    running = await createConsole({ dataDir, tls: { cert, key }, adminPassword: TEST_ADMIN_PASSWORD, logger: createMemoryLogger(), announce: () => undefined });
  });
  afterAll(async () => {
    await running.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('sends HSTS on API and web UI answers', async () => {
    for (const target of ['/healthz', '/api/v1/auth/me', '/']) {
      const headers = await new Promise<Record<string, unknown>>((resolve, reject) => {
        const req = request(`${running.url}${target}`, { ca: cert }, (res) => {
          res.resume();
          resolve(res.headers);
        });
        req.on('error', reject);
        req.end();
      });
      expect(headers['strict-transport-security']).toBe(HSTS_HEADER_VALUE);
    }
  });

  /** The negotiated cipher, or the handshake error's message. */
  function handshake(options: { ciphers: string; maxVersion?: 'TLSv1.2' | 'TLSv1.3'; minVersion?: 'TLSv1.2' | 'TLSv1.3' }): Promise<{ cipher: string; version: string } | { error: string }> {
    return new Promise((resolve) => {
      const socket = connectTls({ host: '127.0.0.1', port: portOf(running.url), ca: cert, servername: 'localhost', checkServerIdentity: () => undefined, ...options });
      socket.once('secureConnect', () => {
        resolve({ cipher: socket.getCipher().name, version: socket.getProtocol() ?? '' });
        socket.end();
      });
      socket.once('error', (err) => resolve({ error: err.message }));
    });
  }

  it('refuses a TLS 1.2 client that offers only CBC suites, and accepts GCM, ChaCha20 and TLS 1.3', async () => {
    const cbcOnly = await handshake({ ciphers: 'ECDHE-ECDSA-AES128-SHA:ECDHE-ECDSA-AES256-SHA:ECDHE-ECDSA-AES128-SHA256:ECDHE-ECDSA-AES256-SHA384', maxVersion: 'TLSv1.2' });
    expect(cbcOnly).toEqual({ error: expect.stringMatching(/handshake failure|no shared cipher/i) });
    expect(await handshake({ ciphers: 'ECDHE-ECDSA-AES128-GCM-SHA256', maxVersion: 'TLSv1.2' })).toEqual({ cipher: 'ECDHE-ECDSA-AES128-GCM-SHA256', version: 'TLSv1.2' });
    expect(await handshake({ ciphers: 'ECDHE-ECDSA-CHACHA20-POLY1305', maxVersion: 'TLSv1.2' })).toEqual({ cipher: 'ECDHE-ECDSA-CHACHA20-POLY1305', version: 'TLSv1.2' });
    expect(await handshake({ ciphers: 'TLS_AES_128_GCM_SHA256', minVersion: 'TLSv1.3' })).toEqual({ cipher: 'TLS_AES_128_GCM_SHA256', version: 'TLSv1.3' });
  });
});

describe('console transport limits', () => {
  let t: TestConsole;
  beforeAll(async () => {
    t = await startTestConsole({ serverLimits: { headersTimeoutMs: 500, requestTimeoutMs: 1000, maxConnections: 50 } });
  });
  afterAll(() => t.stop());

  it('closes a login whose body never finishes arriving, with 408', async () => {
    const socket = connectTcp(portOf(t.console.url), '127.0.0.1');
    const closed = untilClosed(socket);
    socket.write('POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"user');
    expect(await closed).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('closes a client that never finishes its headers', async () => {
    const socket = connectTcp(portOf(t.console.url), '127.0.0.1');
    const closed = untilClosed(socket);
    socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n');
    expect(await closed).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('leaves upgraded agent sockets alone: the timeouts cover receiving a request only', async () => {
    const { peer } = await connectTestAgent(t);
    try {
      // Several timeout checks (every 500 ms here) pass while the agent is connected.
      await new Promise((resolve) => setTimeout(resolve, 2500));
      const ack = await peer.sendEvents([sampleEvent({ seq: 1 })]);
      expect(ack.upTo).toBe(1);
    } finally {
      peer.close();
    }
  });

  it('answers a body that fails to decompress with 400 and the one error shape', async () => {
    for (const encoding of ['gzip', 'deflate', 'br']) {
      const bad = await fetch(`${t.console.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-encoding': encoding },
        body: 'this is not compressed',
      });
      expect({ encoding, status: bad.status, body: await bad.json() }).toEqual({ encoding, status: 400, body: { ok: false, error: 'invalid_body', message: expect.any(String) } });
    }
    const truncated = gzipSync(JSON.stringify({ username: 'admin', password: 'x' })).subarray(0, 20);
    const res = await fetch(`${t.console.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, body: truncated });
    expect(res.status).toBe(400);
    expect(t.logger.records.filter((r) => r.level === 'error')).toEqual([]);
  });

  it('never serves a source map, even one left in the web folder', async () => {
    const webDir = mkdtempSync(path.join(tmpdir(), 'dlp-web-'));
    mkdirSync(path.join(webDir, 'assets'));
    writeFileSync(path.join(webDir, 'index.html'), '<!doctype html><title>x</title>');
    writeFileSync(path.join(webDir, 'assets', 'index.js'), 'console.log(1)\n//# sourceMappingURL=index.js.map\n');
    writeFileSync(path.join(webDir, 'assets', 'index.js.map'), '{"version":3,"sources":["secret.tsx"]}');
    const withUi = await startTestConsole({ webDir });
    try {
      expect((await fetch(`${withUi.console.url}/assets/index.js`)).status).toBe(200);
      for (const p of ['/assets/index.js.map', '/assets/INDEX.JS.MAP', '/assets/missing.js.map']) {
        const res = await fetch(`${withUi.console.url}${p}`);
        expect({ p, status: res.status, body: await res.text() }).toEqual({ p, status: 404, body: 'Not found\n' });
      }
    } finally {
      await withUi.stop();
      rmSync(webDir, { recursive: true, force: true });
    }
  });
});

describe('console connection cap', () => {
  it('closes connections beyond --max-connections and serves again once they are gone', async () => {
    const t = await startTestConsole({ serverLimits: { maxConnections: 3 } });
    const port = portOf(t.console.url);
    const held: Socket[] = [];
    try {
      // The admin client's keep-alive connection may hold one slot: fill the rest until one is refused.
      let refused: Socket | undefined;
      while (refused === undefined && held.length < 10) {
        const socket = connectTcp(port, '127.0.0.1');
        const closed = untilClosed(socket);
        await once(socket, 'connect');
        socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
        const first = await Promise.race([closed.then(() => 'closed'), once(socket, 'data').then(() => 'answered')]);
        if (first === 'closed') refused = socket;
        else held.push(socket);
      }
      expect(refused).toBeDefined();
      expect(held.length).toBeLessThanOrEqual(3);
      for (const socket of held) socket.destroy();
      await Promise.all(held.map((s) => (s.closed ? Promise.resolve() : once(s, 'close'))));
      // Node counts a connection until its server side has closed too; the next one gets in.
      let status = 0;
      for (let attempt = 0; attempt < 50 && status !== 200; attempt++) status = (await fetch(`${t.console.url}/healthz`).catch(() => ({ status: 0 }))).status;
      expect(status).toBe(200);
    } finally {
      for (const socket of held) socket.destroy();
      await t.stop();
    }
  });
});

describe('data dir modes', () => {
  it('makes a pre-existing 0755 data dir and 0644 files private at start, with a warning naming them', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'dlp-modes-'));
    const first = await createConsole({ dataDir, selfSignedTls: true, logger: createMemoryLogger(), announce: () => undefined, adminPassword: TEST_ADMIN_PASSWORD });
    await first.close();
    // An older install or a hand-made folder: everything world-readable.
    const all = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? [path.join(dir, e.name), ...all(path.join(dir, e.name))] : [path.join(dir, e.name)]));
    chmodSync(dataDir, 0o755);
    for (const p of all(dataDir)) chmodSync(p, statSync(p).isDirectory() ? 0o755 : 0o644);
    writeFileSync(path.join(dataDir, 'console.sqlite-wal'), '', { mode: 0o644, flag: 'a' });
    chmodSync(path.join(dataDir, 'console.sqlite-wal'), 0o644);

    const logger = createMemoryLogger();
    const second = await createConsole({ dataDir, selfSignedTls: true, logger, announce: () => undefined, adminPassword: TEST_ADMIN_PASSWORD });
    try {
      const modes = Object.fromEntries([dataDir, ...all(dataDir)].map((p) => [path.relative(dataDir, p) || '.', (statSync(p).mode & 0o777).toString(8)]));
      for (const [name, mode] of Object.entries(modes)) expect({ name, mode }).toEqual({ name, mode: statSync(path.join(dataDir, name)).isDirectory() ? '700' : '600' });
      for (const name of ['.', 'console.sqlite', 'console.sqlite-wal', 'keys', 'tls', path.join('tls', 'console-key.pem'), path.join('tls', 'console-cert.pem')]) expect(modes[name]).toBeDefined();
      const warning = logger.records.find((r) => r.msg === 'data dir was readable by other users; made it private');
      const fixed = (warning?.fixed as Array<{ path: string; from: string }>).map((f) => [path.relative(dataDir, f.path) || '.', f.from]);
      expect(fixed).toEqual(expect.arrayContaining([['.', '0755'], ['console.sqlite', '0644'], ['keys', '0755'], [path.join('tls', 'console-key.pem'), '0644']]));
    } finally {
      await second.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('does not warn about group bits inside a data dir that was private (report folders are 0750/0640)', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'dlp-modes-reports-'));
    mkdirSync(path.join(dataDir, 'reports', 'weekly'), { recursive: true });
    chmodSync(path.join(dataDir, 'reports'), 0o750);
    chmodSync(path.join(dataDir, 'reports', 'weekly'), 0o750);
    writeFileSync(path.join(dataDir, 'reports', 'weekly', 'r.csv'), 'a\n', { mode: 0o640 });
    chmodSync(path.join(dataDir, 'reports', 'weekly', 'r.csv'), 0o640);
    const t = await startTestConsole({ dataDir });
    try {
      expect((statSync(path.join(dataDir, 'reports', 'weekly', 'r.csv')).mode & 0o777).toString(8)).toBe('600');
      expect(t.logger.records.filter((r) => r.level === 'warn' && String(r.msg).startsWith('data dir'))).toEqual([]);
      expect(t.logger.records).toContainEqual(expect.objectContaining({ level: 'debug', msg: 'tightened group access inside the private data dir', count: 3 }));
    } finally {
      await t.stop();
    }
  });

  it('creates a fresh data dir private, console.sqlite and its -wal/-shm included', async () => {
    const parent = mkdtempSync(path.join(tmpdir(), 'dlp-modes-new-'));
    const dataDir = path.join(parent, 'data');
    const t = await startTestConsole({ dataDir });
    try {
      expect((statSync(dataDir).mode & 0o777).toString(8)).toBe('700');
      for (const name of ['console.sqlite', 'console.sqlite-wal', 'console.sqlite-shm']) expect({ name, mode: (statSync(path.join(dataDir, name)).mode & 0o777).toString(8) }).toEqual({ name, mode: '600' });
      expect(t.logger.records.find((r) => r.msg === 'data dir was readable by other users; made it private')).toBeUndefined();
    } finally {
      await t.stop();
      rmSync(parent, { recursive: true, force: true });
    }
  });
});
