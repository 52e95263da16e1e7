import { readFile, stat, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import path from 'node:path';
import type { EnrollRequestSummary } from '@dlp/shared';
import { keySha256Of } from '@dlp/shared/node';
import { ENROLL_EXIT, runEnrollOnce } from '../../agent/service/src/admin-cli/enroll-once';
import { startAgent } from '../../agent/service/src/agent';
import { createJsonLogger } from '../../agent/service/src/core/logger';
import { createFakePlatform } from '../../agent/service/src/platform/fake/fake-platform';
import { makeTempDir } from '../../agent/service/src/testing/fixtures';
import { agentConfig } from '@dlp/shared';
import { createConsole, type RunningConsole } from '../../console/server/src/app';
import { createMemoryLogger } from '../../console/server/src/testing/memory-logger';
import { startTestConsole, type TestConsole } from '../../console/server/src/testing/test-console';
import { waitFor } from '../../console/server/src/testing/wait-for';

// `dlp-agent enroll`, the package's configure step: against a real console (wss, self-signed), each
// answer an admin pushing packages can meet, with the exit code postinst acts on.

const SECRET = 'enroll-once-secret-0123456789abcdef';

describe('dlp-agent enroll (the one-shot enrollment of the package configure step)', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let t: TestConsole | undefined;
  let tlsConsole: RunningConsole | undefined;
  let tlsLog: ReturnType<typeof createMemoryLogger>;
  let cases = 0;

  beforeEach(async () => ({ dir, cleanup } = await makeTempDir('enroll-once')));
  afterEach(async () => {
    await t?.stop();
    await tlsConsole?.close();
    t = undefined;
    tlsConsole = undefined;
    await cleanup();
  });

  /** A real console over wss with a self-signed certificate (the REST test client cannot log in there). */
  async function startTlsConsole(): Promise<RunningConsole> {
    tlsLog = createMemoryLogger();
    tlsConsole = await createConsole({ dataDir: path.join(dir, 'console'), port: 0, selfSignedTls: true, localEnrollSecret: SECRET, adminPassword: 'enroll once admin 2026', logger: tlsLog, announce: () => undefined });
    return tlsConsole;
  }

  /** Writes an agent.json as the package's configure step would; returns its path and data dir. */
  async function configure(settings: Record<string, unknown>): Promise<{ config: string; dataDir: string }> {
    cases += 1;
    const dataDir = path.join(dir, `data-${cases}`);
    const config = path.join(dir, `agent-${cases}.json`);
    await writeFile(config, JSON.stringify({ dataDir, ...settings }), { mode: 0o600 });
    return { config, dataDir };
  }

  async function enroll(config: string, extra: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; out: string; err: string }> {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runEnrollOnce(['--config', config, ...extra], { out: (l) => void out.push(l), err: (l) => void err.push(l), env });
    return { code, out: out.join('\n'), err: err.join('\n') };
  }

  it('enrolls with the right secret and pins, writes the credentials 0600, and answers "already enrolled" after', async () => {
    const c = await startTlsConsole();
    const signingKeySha256 = keySha256Of(c.consoleKey.publicKey);
    const { config, dataDir } = await configure({ consoleUrl: c.agentUrl, enrollSecret: SECRET, consoleSigningKeySha256: signingKeySha256, consoleCertSha256: c.certSha256 });
    const first = await enroll(config);
    expect(first).toMatchObject({ code: ENROLL_EXIT.enrolled, err: '' });
    const credentials = JSON.parse(await readFile(path.join(dataDir, 'credentials.json'), 'utf8')) as { agentId: string; consoleCertSha256: string; token: string };
    expect(first.out).toBe(`enrolled with the console as agent ${credentials.agentId}`);
    expect(credentials.consoleCertSha256).toBe(c.certSha256);
    expect((await stat(path.join(dataDir, 'credentials.json'))).mode & 0o777).toBe(0o600);
    // The secret is never printed, not even in the success line.
    expect(first.out).not.toContain(SECRET);

    const again = await enroll(config, [], { LANG: 'zh_CN.UTF-8' });
    expect(again).toMatchObject({ code: ENROLL_EXIT.enrolled, out: `已注册，终端代理编号 ${credentials.agentId}` });
    expect(tlsLog.records.filter((r) => r.msg === 'agent enrolled')).toHaveLength(1);
  });

  it('a wrong secret fails with the console’s own words and leaves no credentials', async () => {
    const c = await startTlsConsole();
    const { config, dataDir } = await configure({ consoleUrl: c.agentUrl, enrollSecret: 'not-the-secret-0123456789abcdef' });
    const result = await enroll(config);
    expect(result).toMatchObject({ code: ENROLL_EXIT.refused, out: '' });
    expect(result.err).toBe('the console refused the enrollment (bad_enroll_secret): the enroll secret is not valid');
    await expect(stat(path.join(dataDir, 'credentials.json'))).rejects.toMatchObject({ code: 'ENOENT' });
    expect((await enroll(config, ['--refusal-only'])).code).toBe(ENROLL_EXIT.refused);
    const zh = await enroll(config, [], { LANG: 'zh_CN.UTF-8' });
    expect(zh.err).toBe('控制台拒绝了注册（bad_enroll_secret）：the enroll secret is not valid');
  });

  it('a console with another signing key or TLS key than the pinned ones is refused before anything is kept', async () => {
    const c = await startTlsConsole();
    const otherKey = 'ab'.repeat(32);
    const wrongSigning = await configure({ consoleUrl: c.agentUrl, enrollSecret: SECRET, consoleSigningKeySha256: otherKey });
    const signing = await enroll(wrongSigning.config);
    expect(signing.code).toBe(ENROLL_EXIT.refused);
    expect(signing.err).toMatch(/^the console refused the enrollment \(console_key_mismatch\): the console offered signing key [0-9a-f]{16}, not the one configured in consoleSigningKeySha256/);
    await expect(stat(path.join(wrongSigning.dataDir, 'credentials.json'))).rejects.toMatchObject({ code: 'ENOENT' });

    const before = tlsLog.records.length;
    const wrongTls = await configure({ consoleUrl: c.agentUrl, enrollSecret: SECRET, consoleCertSha256: otherKey });
    const tls = await enroll(wrongTls.config);
    expect(tls.code).toBe(ENROLL_EXIT.refused);
    expect(tls.err).toBe(`the console refused the enrollment (tls_key_mismatch): the console presented TLS key ${c.certSha256}, not the pinned ${otherKey} (CONSOLE_CERT_SHA256)`);
    // The TLS pin is checked on the upgrade: not even the enroll frame (with the secret) went out.
    expect(tlsLog.records.slice(before).filter((r) => /^agent (connection refused|enrolled)/.test(r.msg))).toEqual([]);
    await expect(stat(path.join(wrongTls.dataDir, 'credentials.json'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('a console that does not answer is not a failure of the installation (exit 75), and says so', async () => {
    // A port that accepts connections and never answers: the handshake times out.
    const silent: Server = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    try {
      const { config } = await configure({ consoleUrl: `ws://127.0.0.1:${port}/agent`, enrollSecret: SECRET });
      const result = await enroll(config, ['--timeout-seconds', '1']);
      expect(result.code).toBe(ENROLL_EXIT.unreachable);
      expect(result.err).toMatch(/^the console could not be asked now \(.+\); the agent will enroll by itself once it can reach it$/);
    } finally {
      silent.close();
    }
    const closedPort = await configure({ consoleUrl: `ws://127.0.0.1:${port}/agent`, enrollSecret: SECRET });
    expect((await enroll(closedPort.config)).err).toContain('ECONNREFUSED');
    // For installers that fail on any non-zero exit (the MSI's custom action): only a refusal fails.
    expect(await enroll(closedPort.config, ['--refusal-only'])).toMatchObject({ code: ENROLL_EXIT.enrolled, err: expect.stringContaining('ECONNREFUSED') });
  });

  it('a secret that needs approval: pending (exit 10), and the service asks as the same request, so one approval enrolls it', async () => {
    const c = await startTestConsole();
    t = c;
    const created = await c.admin.json<{ secret: string }>('POST', '/api/v1/enroll-secrets', { label: 'needs approval', needsApproval: true });
    const { config, dataDir } = await configure({ consoleUrl: c.console.agentUrl, enrollSecret: created.body.secret });
    const result = await enroll(config);
    expect(result.code).toBe(ENROLL_EXIT.pending);
    expect(result.out).toContain('the console accepted the enroll secret; this enrollment waits for an admin’s approval');
    const pending = async () => (await c.admin.json<{ items: EnrollRequestSummary[] }>('GET', '/api/v1/enroll-requests')).body.items;
    expect(await pending()).toHaveLength(1);

    // The service starts (as systemd would after the configure step) and asks again: still one request.
    const agent = await startAgent(agentConfig.parse(JSON.parse(await readFile(config, 'utf8'))), {
      platform: createFakePlatform({ root: path.join(dir, 'host') }),
      log: createJsonLogger({ level: 'error', write: () => undefined }),
      linkTimings: { backoffBaseMs: 20, backoffCapMs: 200, rejectedRetryMs: 300 },
    });
    try {
      await waitFor('the service’s request', async () => ((await pending())[0]?.lastSeenAt ?? '') > ((await pending())[0]?.requestedAt ?? ''));
      const [request, ...others] = await pending();
      expect(others).toEqual([]);
      expect((await c.admin.json('POST', `/api/v1/enroll-requests/${request?.id ?? 'none'}/approve`, {})).status).toBe(200);
      await waitFor('enrollment after one approval', () => agent.linkState() === 'ready', 20_000);
      expect(JSON.parse(await readFile(path.join(dataDir, 'credentials.json'), 'utf8'))).toMatchObject({ agentId: expect.any(String) });
    } finally {
      await agent.stop();
    }
  }, 40_000);

  it('bad usage and a configuration without a secret are told apart from refusals (exit 2)', async () => {
    const { config } = await configure({ consoleUrl: 'ws://127.0.0.1:1/agent' });
    expect(await enroll(config)).toMatchObject({ code: ENROLL_EXIT.usage, err: 'no ENROLL_SECRET in the configuration: nothing to enroll with' });
    expect((await enroll(config, ['--timeout-seconds', '0'])).code).toBe(ENROLL_EXIT.usage);
    expect((await enroll(path.join(dir, 'missing.json'))).code).toBe(ENROLL_EXIT.usage);
  });
});
