import { execFile } from 'node:child_process';
import { chownSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);

/** Where Debian puts PostgreSQL 15's server programs (DLP_PG_BIN overrides). */
const PG_BIN = process.env.DLP_PG_BIN ?? '/usr/lib/postgresql/15/bin';
/** initdb and postgres refuse to run as root: the server runs as this OS user. */
const PG_OS_USER = 'postgres';

/** uid and gid of an OS user, from `id` (no shell: the name is a constant). */
async function idsOf(user: string): Promise<{ uid: number; gid: number }> {
  const [uid, gid] = await Promise.all([run('id', ['-u', user]), run('id', ['-g', user])]);
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/** A TCP port nobody listens on now (the kernel picks it; PostgreSQL binds it a moment later). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * A PostgreSQL server of the test's own: its own data dir in a temp dir, its own port on
 * 127.0.0.1, trust auth, run as the `postgres` OS user. Fault tests stop, restart and kill
 * connections of this server, never of the shared one on 5432.
 */
export class PrivatePostgres {
  private constructor(
    readonly root: string,
    readonly port: number,
    private readonly owner: { uid: number; gid: number } | undefined,
  ) {}

  /** Superuser URL of the `postgres` database. */
  get url(): string {
    return `postgres://${PG_OS_USER}@127.0.0.1:${this.port}/postgres`;
  }

  private get dataDir(): string {
    return path.join(this.root, 'data');
  }

  /** initdb + start; resolves once the server accepts connections. */
  static async start(): Promise<PrivatePostgres> {
    const root = mkdtempSync(path.join(tmpdir(), 'dlp-private-pg-'));
    // Run as root (these machines): hand the dir to the postgres user and run its programs as it.
    const owner = userInfo().uid === 0 ? await idsOf(PG_OS_USER) : undefined;
    mkdirSync(path.join(root, 'data'), { mode: 0o700 });
    if (owner) {
      chownSync(root, owner.uid, owner.gid);
      chownSync(path.join(root, 'data'), owner.uid, owner.gid);
    }
    const server = new PrivatePostgres(root, await freePort(), owner);
    await server.pg('initdb', ['-D', server.dataDir, '-U', PG_OS_USER, '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C']);
    await server.startServer();
    return server;
  }

  /**
   * Starts the stopped server (same data, same port); resolves when it accepts connections.
   * fsync is off: an immediate stop kills the server processes, not the machine, so the page cache
   * keeps every committed write (what the tests are about is the console's side).
   */
  async startServer(): Promise<void> {
    await this.pg('pg_ctl', [
      'start',
      '-D',
      this.dataDir,
      '-w',
      '-t',
      '60',
      '-l',
      path.join(this.root, 'server.log'),
      '-o',
      `-p ${this.port} -c listen_addresses=127.0.0.1 -k ${this.root} -c fsync=off -c max_connections=100`,
    ]);
  }

  /** Stops the server: `immediate` kills it as a crash would (no checkpoint, connections cut). */
  async stop(mode: 'fast' | 'immediate' = 'immediate'): Promise<void> {
    await this.pg('pg_ctl', ['stop', '-D', this.dataDir, '-m', mode, '-w', '-t', '60']);
  }

  /** Runs one statement as the superuser on a connection of its own. */
  async query<T extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<T[]> {
    const client = new pg.Client({ connectionString: this.url });
    client.on('error', () => undefined);
    await client.connect();
    try {
      return (await client.query<T>(sql, params)).rows;
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  /** pg_terminate_backend on every connection whose application_name starts with `prefix`; returns how many. */
  async terminate(prefix: string): Promise<number> {
    const rows = await this.query<{ pid: number }>(
      'SELECT pid FROM pg_stat_activity WHERE application_name LIKE $1 AND pid <> pg_backend_pid() AND pg_terminate_backend(pid)',
      [`${prefix.replace(/[%_\\]/g, '\\$&')}%`],
    );
    return rows.length;
  }

  /** Stops the server (if running) and removes its files. */
  async destroy(): Promise<void> {
    await this.stop('immediate').catch(() => undefined);
    rmSync(this.root, { recursive: true, force: true });
  }

  private async pg(program: string, args: string[]): Promise<void> {
    try {
      await run(path.join(PG_BIN, program), args, { cwd: this.root, ...(this.owner ?? {}), env: { ...process.env, LC_ALL: 'C' } });
    } catch (err) {
      const { stderr } = err as { stderr?: string };
      throw new Error(`${program} ${args[0] ?? ''} failed: ${stderr ?? String(err)}`, { cause: err });
    }
  }
}
