import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { get } from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TLSSocket } from 'node:tls';
import { X509Certificate } from 'node:crypto';
import { certificateSpkiSha256 } from '@dlp/shared/node';
import { createConsole, type RunningConsole } from '../app';
import { createMemoryLogger } from '../testing/memory-logger';
import { TEST_ADMIN_PASSWORD } from '../testing/test-console';
import { selfSignedPaths } from './console-tls';

/** GET over https trusting only `ca`; resolves with the status and the server's key pin. */
function getTrusting(url: string, ca: Buffer): Promise<{ status: number; pin: string }> {
  return new Promise((resolve, reject) => {
    const req = get(url, { ca }, (res) => {
      const cert = (res.socket as TLSSocket).getPeerX509Certificate();
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, pin: cert ? certificateSpkiSha256(cert) : '' }));
    });
    req.on('error', reject);
  });
}

describe('self-signed TLS', () => {
  let dataDir: string;
  let running: RunningConsole | undefined;
  const start = () => createConsole({ dataDir, selfSignedTls: true, adminPassword: TEST_ADMIN_PASSWORD, logger: createMemoryLogger(), announce: () => undefined });
  beforeEach(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'dlp-console-selfsigned-'));
  });
  afterEach(async () => {
    await running?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('makes a certificate on first start that clients can trust for 127.0.0.1, and keeps it across restarts', async () => {
    running = await start();
    expect(running.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(running.agentUrl).toMatch(/^wss:/);
    const pem = readFileSync(selfSignedPaths(dataDir).cert);
    const cert = new X509Certificate(pem);
    expect(cert.verify(cert.publicKey)).toBe(true);
    expect(cert.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(cert.checkHost('localhost')).toBe('localhost');
    expect(Date.parse(cert.validTo)).toBeGreaterThan(Date.now() + 5 * 365 * 24 * 3600 * 1000);

    const reply = await getTrusting(`${running.url}/healthz`, pem);
    expect(reply).toEqual({ status: 200, pin: running.certSha256 });
    expect(running.certSha256).toBe(certificateSpkiSha256(pem));

    const first = running.certSha256;
    await running.close();
    running = await start();
    expect(running.certSha256).toBe(first);
  });
});
