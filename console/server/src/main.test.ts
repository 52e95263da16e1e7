import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CLOSE_CODES, PROTOCOL_VERSION } from '@dlp/shared';
import { verifySignedPolicy } from '@dlp/shared/node';
import { build } from 'esbuild';
import { AgentPeer, enrollAgent, helloAgent } from './testing/agent-peer';
import { RestClient } from './testing/rest-client';

const repoRoot = path.resolve(__dirname, '../../..');

interface Spawned {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  exit: Promise<number | null>;
}

describe('console process (main.ts)', () => {
  let dir: string;
  let bundle: string;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'dlp-main-'));
    bundle = path.join(dir, 'server.js');
    // The same bundling as scripts/build.mjs, into a private folder so this test needs no prior build.
    await build({ entryPoints: [path.join(__dirname, 'main.ts')], outfile: bundle, bundle: true, platform: 'node', target: 'node20', format: 'cjs', external: ['sqlite3'], logLevel: 'warning' });
    copyFileSync(path.join(__dirname, 'auth', 'common-passwords.txt'), path.join(dir, 'common-passwords.txt'));
  });
  afterEach(() => {
    for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  function start(args: string[], env: Record<string, string> = {}): Spawned {
    const child = spawn(process.execPath, [bundle, ...args], {
      cwd: dir,
      // The bundle leaves sqlite3 external; let it resolve from the repository's node_modules.
      env: { PATH: process.env.PATH ?? '', NODE_PATH: path.join(repoRoot, 'node_modules'), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let out = '';
    let err = '';
    child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr?.on('data', (c: Buffer) => (err += c.toString()));
    const exit = once(child, 'exit').then(([code]) => code as number | null);
    return { child, stdout: () => out, stderr: () => err, exit };
  }

  async function listening(p: Spawned): Promise<string> {
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      const match = /DLP_CONSOLE_LISTENING url=(\S+)\n/.exec(p.stdout());
      if (match?.[1]) return match[1];
      if (p.child.exitCode !== null) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`console did not start\nstdout: ${p.stdout()}\nstderr: ${p.stderr()}`);
  }

  it('announces a random first admin once, listens, and stops cleanly on SIGTERM', async () => {
    const dataDir = path.join(dir, 'data-random');
    const first = start(['--data-dir', dataDir, '--port', '0', '--host', '127.0.0.1']);
    const url = await listening(first);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const announce = /^First admin: admin \/ (\S+) {2}\(shown once; you must change it at first login\)$/m.exec(first.stdout());
    const password = announce?.[1] ?? '';
    expect(password.length).toBeGreaterThanOrEqual(16);
    expect(first.stdout().match(/DLP_CONSOLE_LISTENING/g)).toHaveLength(1);

    const admin = new RestClient(url);
    // The printed password must be replaced before anything else.
    expect(await (await admin.login('admin', password)).json()).toMatchObject({ mustChangePassword: true });
    const chosen = 'main test pass phrase 42';
    expect((await admin.json('POST', '/api/v1/auth/password', { currentPassword: password, newPassword: chosen })).status).toBe(204);
    const { body } = await admin.json<{ secret: string }>('POST', '/api/v1/enroll-secrets', { label: 'main test' });
    const agentUrl = `${url.replace(/^http/, 'ws')}/agent`;
    const creds = await enrollAgent(agentUrl, body.secret);
    const peer = await helloAgent(agentUrl, creds, 1);

    first.child.kill('SIGTERM');
    expect(await peer.closeCode()).toBe(CLOSE_CODES.goingAway);
    expect(await first.exit).toBe(0);
    // Logs are JSON lines and never carry the password.
    const lines = first.stderr().trim().split('\n');
    for (const line of lines) expect(JSON.parse(line)).toEqual(expect.objectContaining({ level: expect.any(String), time: expect.any(String), msg: expect.any(String) }));
    expect(first.stderr()).not.toContain(password);
    expect(first.stderr()).not.toContain(creds.token);

    // Second start: same data, no new admin line, same signing key.
    const second = start(['--data-dir', dataDir, '--port', '0']);
    const url2 = await listening(second);
    expect(second.stdout()).not.toMatch(/First admin/);
    const again = new RestClient(url2);
    expect((await again.login('admin', chosen)).status).toBe(200);
    const reconnect = await AgentPeer.connect(`${url2.replace(/^http/, 'ws')}/agent`);
    reconnect.send({ v: PROTOCOL_VERSION, type: 'hello', agentId: creds.agentId, token: creds.token, agent: { hostname: 'h', os: 'linux', osVersion: '', agentVersion: '', user: null }, policySerial: null });
    const { policy } = await reconnect.next('policy');
    // The key the agent pinned at enrollment still verifies what the restarted console signs.
    expect(verifySignedPolicy(policy, creds.publicKey)).toEqual({ ok: true });
    reconnect.close();
    second.child.kill('SIGINT');
    expect(await second.exit).toBe(0);
  });

  it('takes the admin password and a local enroll secret from the environment', async () => {
    const dataDir = path.join(dir, 'data-env');
    const localSecret = 'local-agent-secret-0123456789';
    const p = start([], { DLP_DATA_DIR: dataDir, DLP_PORT: '0', DLP_HOST: '127.0.0.1', DLP_ADMIN_PASSWORD: 'env admin password', DLP_LOCAL_ENROLL_SECRET: localSecret });
    const url = await listening(p);
    expect(p.stdout()).not.toMatch(/First admin/);
    const admin = new RestClient(url);
    expect((await admin.login('admin', 'env admin password')).status).toBe(200);
    const secrets = await admin.json<{ items: Array<{ label: string }> }>('GET', '/api/v1/enroll-secrets');
    expect(secrets.body.items.map((s) => s.label)).toEqual(['local agent']);
    const creds = await enrollAgent(`${url.replace(/^http/, 'ws')}/agent`, localSecret);
    expect(creds.agentId).toMatch(/^[0-9a-f-]{36}$/);
    expect(p.stderr()).not.toContain(localSecret);
    p.child.kill('SIGTERM');
    expect(await p.exit).toBe(0);
  });

  it('exits with usage on an unknown flag', async () => {
    const p = start(['--bogus']);
    expect(await p.exit).toBe(2);
    expect(p.stderr()).toMatch(/Usage:/);
  });

  it('prints usage on stdout and exits 0 for --help and -h, even beside a bad flag or environment', async () => {
    for (const args of [['--help'], ['-h'], ['--port', 'x', '-h']]) {
      const p = start(args, { DLP_DATABASE_URL: 'mysql://nowhere' });
      expect(await p.exit).toBe(0);
      expect(p.stdout()).toMatch(/^Usage: node dist\/console\/server\.js/);
      expect(p.stderr()).toBe('');
    }
  });
});
