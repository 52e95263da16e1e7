/**
 * Opens the console's database for `dlp`'s database commands: SQLite in the data dir, or the
 * PostgreSQL the console itself uses (--database-url / DLP_DATABASE_URL, --database-schema /
 * DLP_DATABASE_SCHEMA, the same settings and rules as the console's). Either way it refuses to
 * create an empty database: a mistyped data dir, database or schema is reported, not initialised.
 */
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { openPostgresStore } from '../store/postgres/postgres-store';
import { openSqliteStore } from '../store/sqlite/sqlite-store';
import type { ConsoleStore } from '../store/store';
import type { CliLang } from './cli-usage';

export interface DatabaseFlags {
  'data-dir'?: string | undefined;
  'database-url'?: string | undefined;
  'database-schema'?: string | undefined;
}

export type OpenedDatabase = { ok: true; store: ConsoleStore } | { ok: false; exitCode: number; message: string };

const POSTGRES_URL = /^postgres(ql)?:\/\/\S+$/;
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
const CONNECT_TIMEOUT_MS = 10_000;

/** The URL without its password (and query), for messages: the URL may hold a secret. */
export function describePostgresUrl(url: string): string {
  try {
    const parsed = new URL(url);
    const user = parsed.username === '' ? '' : `${decodeURIComponent(parsed.username)}@`;
    return `postgres://${user}${parsed.host}${parsed.pathname}`;
  } catch {
    return 'postgres://(unparsable URL)';
  }
}

function failure(exitCode: number, lang: CliLang, en: string, zh: string): OpenedDatabase {
  return { ok: false, exitCode, message: lang === 'zh-CN' ? zh : en };
}

/** True when the console's migrations table exists where the console would look for it. */
async function consoleSchemaPresent(url: string, schema: string | undefined): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS, application_name: 'dlp-cli check' });
  // A server going away mid-check is reported by the query's rejection, not as an uncaught 'error'.
  client.on('error', () => undefined);
  await client.connect();
  try {
    const table = schema === undefined ? 'schema_migrations' : `${schema}.schema_migrations`;
    const found = await client.query<{ present: boolean }>('SELECT to_regclass($1) IS NOT NULL AS present', [table]);
    return found.rows[0]?.present === true;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function openPostgres(url: string, schema: string | undefined, lang: CliLang): Promise<OpenedDatabase> {
  const where = `${describePostgresUrl(url)}${schema === undefined ? '' : ` schema ${schema}`}`;
  let present: boolean;
  try {
    present = await consoleSchemaPresent(url, schema);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    return failure(1, lang, `cannot reach the console's PostgreSQL at ${where}: ${reason}`, `无法连接控制台的 PostgreSQL（${where}）：${reason}`);
  }
  if (!present) {
    return failure(1, lang,
      `no console database at ${where} (start the console once with this database, or check --database-url and --database-schema)`,
      `${where} 中没有控制台数据库（请先用该数据库启动一次控制台，或检查 --database-url 与 --database-schema）`);
  }
  const store = await openPostgresStore({
    connectionString: url,
    ...(schema === undefined ? {} : { schema }),
    maxConnections: 2,
    // Named like a console node, so operators can tell the CLI's connections apart.
    nodeId: `dlp-cli ${hostname()}:${process.pid}`,
  });
  return { ok: true, store };
}

/** Opens SQLite or PostgreSQL as the flags and environment say; never creates a database. */
export async function openCliDatabase(flags: DatabaseFlags, env: NodeJS.ProcessEnv, lang: CliLang): Promise<OpenedDatabase> {
  const url = flags['database-url'] ?? (env.DLP_DATABASE_URL === '' ? undefined : env.DLP_DATABASE_URL);
  const schemaText = flags['database-schema'] ?? (env.DLP_DATABASE_SCHEMA === '' ? undefined : env.DLP_DATABASE_SCHEMA);
  if (url !== undefined) {
    // The message names the rule, never the value: it may hold a password.
    if (!POSTGRES_URL.test(url)) return failure(2, lang, '--database-url (DLP_DATABASE_URL) must be a postgres:// or postgresql:// URL', '--database-url（DLP_DATABASE_URL）必须是 postgres:// 或 postgresql:// 开头的 URL');
    if (schemaText !== undefined && !SCHEMA_NAME.test(schemaText)) {
      const shown = JSON.stringify(schemaText.slice(0, 80));
      return failure(2, lang, `--database-schema must be a lower-case identifier, got ${shown}`, `--database-schema 必须是小写标识符，实际为 ${shown}`);
    }
    return openPostgres(url, schemaText, lang);
  }
  if (schemaText !== undefined) return failure(2, lang, '--database-schema needs --database-url', '--database-schema 需要与 --database-url 一起使用');
  const dataDir = path.resolve(flags['data-dir'] ?? env.DLP_DATA_DIR ?? './data/console');
  const dbPath = path.join(dataDir, 'console.sqlite');
  // Never create an empty database by mistyping the data dir.
  if (!existsSync(dbPath)) {
    return failure(1, lang, `no console database at ${dbPath} (start the console once, or pass --data-dir; a PostgreSQL console: --database-url)`, `${dbPath} 处没有控制台数据库（请先启动一次控制台，或指定 --data-dir；使用 PostgreSQL 的控制台请指定 --database-url）`);
  }
  return { ok: true, store: await openSqliteStore({ path: dbPath }) };
}
