import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PROTOCOL_VERSION } from '@dlp/shared';
import { createConsole, type RunningConsole } from './app';
import { AgentPeer, TEST_AGENT_INFO } from './testing/agent-peer';
import { createMemoryLogger } from './testing/memory-logger';
import { TEST_ADMIN_PASSWORD } from './testing/test-console';

// A self-signed certificate for 127.0.0.1 (valid until 2126), used only by this test.
const cert = readFileSync(path.join(__dirname, 'testing/tls/test-console-cert.pem'));
const key = readFileSync(path.join(__dirname, 'testing/tls/test-console-key.pem'));

/** fetch cannot be told to trust a private CA, so this test speaks https directly. */
function post(url: string, body: unknown): Promise<{ status: number; setCookie: string[] }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', ca: cert, headers: { 'content-type': 'application/json' } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, setCookie: res.headers['set-cookie'] ?? [] }));
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

describe('console over TLS', () => {
  let dataDir: string;
  let running: RunningConsole;
  beforeEach(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'dlp-console-tls-'));
    running = await createConsole({ dataDir, tls: { cert, key }, adminPassword: TEST_ADMIN_PASSWORD, logger: createMemoryLogger(), announce: () => undefined });
  });
  afterEach(async () => {
    await running.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves HTTPS with Secure session cookies, and wss for agents', async () => {
    expect(running.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(running.agentUrl).toMatch(/^wss:\/\/127\.0\.0\.1:\d+\/agent$/);
    const login = await post(`${running.url}/api/v1/auth/login`, { username: 'admin', password: TEST_ADMIN_PASSWORD });
    expect(login.status).toBe(200);
    expect(login.setCookie[0]).toMatch(/^dlp_session=.*; Secure/);

    const peer = await AgentPeer.connect(running.agentUrl, { ca: cert });
    peer.send({ v: PROTOCOL_VERSION, type: 'enroll', secret: 'x'.repeat(43), agent: TEST_AGENT_INFO });
    expect(await peer.next('error')).toMatchObject({ code: 'bad_enroll_secret' });
    peer.close();
  });
});
