import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { PROTOCOL_VERSION } from '@dlp/shared';
import { AgentPeer, TEST_AGENT_INFO } from '../testing/agent-peer';
import { TEST_DATABASE_URL } from '../testing/postgres-schema';
import { RestClient } from '../testing/rest-client';
import { startTestConsole, TEST_ADMIN_PASSWORD, type TestConsole } from '../testing/test-console';
import { bundleDlp, type DlpResult } from './dlp-test-process';

/** Runs `sql` on the test server's maintenance connection. */
async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** The test server's URL pointing at another database (and, if given, with a password in it). */
function urlOf(database: string, password?: string): string {
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${database}`;
  if (password !== undefined) url.password = password;
  return url.toString();
}

describe('dlp database commands on PostgreSQL, as a child process', () => {
  let dir: string;
  let dlp: (env: NodeJS.ProcessEnv, ...args: string[]) => Promise<DlpResult>;
  // A database of this file's own, dropped at the end: the console uses its default (public) schema.
  const database = `dlp_cli_${randomBytes(6).toString('hex')}`;
  const databaseUrl = urlOf(database);
  let t: TestConsole | undefined;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'dlp-pg-cli-'));
    dlp = await bundleDlp(dir);
    await admin(`CREATE DATABASE ${database}`);
  });
  afterEach(async () => {
    await t?.stop();
    t = undefined;
  });
  afterAll(async () => {
    await admin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await rm(dir, { recursive: true, force: true });
  });

  it('resets a password, creates an enroll secret an agent uses, verifies and exports the audit chain (DLP_DATABASE_URL)', async () => {
    t = await startTestConsole({ databaseUrl });
    const env = { LANG: 'C', DLP_DATABASE_URL: databaseUrl, DLP_NEW_PASSWORD: 'a new password set by the dlp CLI' };
    // A data dir without any SQLite database: the URL alone must lead the CLI to the console's data.
    const reset = await dlp({ ...env, DLP_DATA_DIR: path.join(dir, 'no-such-dir') }, 'reset-password', 'admin');
    expect(reset).toMatchObject({ stderr: "", code: 0, stdout: 'Password for admin set from DLP_NEW_PASSWORD\n' });
    expect((await t.admin.json('GET', '/api/v1/auth/me')).status).toBe(401);
    expect((await new RestClient(t.console.url).login('admin', TEST_ADMIN_PASSWORD)).status).toBe(401);
    expect((await new RestClient(t.console.url).login('admin', env.DLP_NEW_PASSWORD)).status).toBe(200);

    const created = await dlp(env, 'create-enroll-secret', 'pg floor', '--max-uses', '1');
    expect(created.code).toBe(0);
    const secret = /^Enroll secret "pg floor": (\S+) {2}\(shown once\)$/m.exec(created.stdout)?.[1] ?? '';
    const peer = await AgentPeer.connect(t.console.agentUrl);
    peer.send({ v: PROTOCOL_VERSION, type: 'enroll', secret, agent: TEST_AGENT_INFO });
    expect((await peer.next('enrolled')).agentId).toMatch(/^[0-9a-f-]{36}$/);
    peer.close();

    const verify = await dlp(env, 'audit-verify');
    expect(verify.code).toBe(0);
    expect(verify.stdout).toMatch(/^audit chain ok: \d+ rows, head [0-9a-f]+/);
    const out = path.join(dir, 'audit.csv');
    expect((await dlp(env, 'audit-export', '--out', out)).code).toBe(0);
    const csv = await readFile(out, 'utf8');
    expect(csv).toContain('user.password_reset');
    expect(csv).toContain('enroll_secret.create');
    const requests = await dlp(env, 'enroll-requests', '--all');
    expect(requests.code).toBe(0);
  });

  it('works on a console in a schema of its own (--database-url and --database-schema) and refuses a mistyped schema without creating it', async () => {
    const schema = `dlp_cli_${randomBytes(4).toString('hex')}`;
    t = await startTestConsole({ databaseUrl, databaseSchema: schema });
    const flags = ['--database-url', databaseUrl, '--database-schema', schema];
    const reset = await dlp({ LANG: 'C' }, 'reset-password', 'admin', ...flags);
    expect(reset.code).toBe(0);
    const password = /^New password for admin: (\S+) {2}\(shown once\)$/.exec(reset.stdout.trim())?.[1] ?? '';
    expect((await new RestClient(t.console.url).login('admin', password)).status).toBe(200);
    expect((await dlp({ LANG: 'C' }, 'audit-verify', ...flags)).code).toBe(0);

    const wrong = await dlp({ LANG: 'C', DLP_DATABASE_URL: databaseUrl, DLP_DATABASE_SCHEMA: `${schema}x` }, 'audit-verify');
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain(`no console database at postgres://${new URL(databaseUrl).username}@${new URL(databaseUrl).host}/${database} schema ${schema}x`);
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    const made = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_namespace WHERE nspname = $1', [`${schema}x`]);
    await client.end();
    expect(made.rows[0]?.n).toBe(0);
  });

  it('says what is wrong with the database settings, in the user’s language, never printing the password', async () => {
    const missing = await dlp({ LANG: 'C', DLP_DATABASE_URL: urlOf(`${database}_typo`, 'pw-never-shown') }, 'audit-verify');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/cannot reach the console's PostgreSQL at postgres:\/\/\S+@\S+\/dlp_cli_\w+_typo: .*does not exist/);
    expect(missing.stderr).not.toContain('pw-never-shown');
    // A database without the console's tables (the maintenance database of the tests' server).
    const empty = await dlp({ LANG: 'zh_CN.UTF-8', DLP_DATABASE_URL: databaseUrl, DLP_DATABASE_SCHEMA: 'no_console_here' }, 'audit-verify');
    expect(empty.code).toBe(1);
    expect(empty.stderr).toMatch(/中没有控制台数据库/);
    const notPostgres = await dlp({ LANG: 'C', DLP_DATABASE_URL: 'mysql://root:pw-never-shown@127.0.0.1/x' }, 'audit-verify');
    expect(notPostgres.code).toBe(2);
    expect(notPostgres.stderr).toBe('--database-url (DLP_DATABASE_URL) must be a postgres:// or postgresql:// URL\n');
    const schemaAlone = await dlp({ LANG: 'C' }, 'audit-verify', '--database-schema', 'dlp');
    expect(schemaAlone.code).toBe(2);
    expect(schemaAlone.stderr).toMatch(/--database-schema needs --database-url/);
  });
});
