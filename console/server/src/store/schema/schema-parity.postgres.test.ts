import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { migrate } from '@dlp/shared/node';
import { migratePostgres } from '../postgres/pg-migrate';
import { SqliteWorkerDatabase } from '../sqlite/sqlite-worker-db';
import { CONSOLE_SCHEMA, PG_MIGRATIONS, SQLITE_MIGRATIONS } from './console-schema';
import { readPostgresSchema, readSqliteSchema, type LiveSchema } from './live-schema';
import type { ColumnKind, ColumnSpec } from './schema-source';

/**
 * Drift between the stores cannot come back: a fresh SQLite and a fresh PostgreSQL database are
 * migrated from the one schema source and their live catalogues compared column by column, index
 * by index, constraint by constraint. The only differences allowed are the ones the source
 * declares (cluster-only PostgreSQL schema, SQLite's covering columns); each is listed here.
 */
const DATABASE_URL = process.env.DLP_TEST_DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/test';

/** Every fact of a schema as one line, so two schemas compare as two sets of lines. */
function facts(schema: LiveSchema): string[] {
  const out: string[] = [];
  for (const [table, t] of Object.entries(schema.tables)) {
    out.push(`table ${table} primary key (${t.primaryKey.join(',')})`);
    for (const [name, c] of Object.entries(t.columns)) out.push(`column ${table}.${name} ${c.type}${c.notNull ? ' not null' : ''}${c.default !== null ? ` default ${c.default}` : ''}`);
  }
  for (const [name, i] of Object.entries(schema.indexes)) out.push(`index ${name} on ${i.table} (${i.columns.join(',')})${i.unique ? ' unique' : ''}${i.where ? ` where ${i.where}` : ''}`);
  for (const u of schema.uniques) out.push(`unique ${u}`);
  for (const f of schema.foreignKeys) out.push(`foreign key ${f}`);
  for (const c of schema.checks) out.push(`check ${c}`);
  for (const r of schema.refusals) out.push(`refuses ${r}`);
  return out.sort();
}

/** What the source declares to exist on PostgreSQL only, as the facts that differ. */
function declaredPostgresOnly(): { tables: Set<string>; columns: Set<string> } {
  const tables = new Set<string>();
  const columns = new Set<string>();
  for (const m of CONSOLE_SCHEMA) {
    for (const s of m.steps) {
      if (s.step === 'createTable' && s.postgresOnly !== undefined) tables.add(s.name);
      if (s.step === 'createTable') for (const [name, c] of Object.entries(s.table.columns)) if (c.postgresOnly !== undefined) columns.add(`${s.name}.${name}`);
    }
  }
  return { tables, columns };
}

/** The source's column kinds after every migration (renames followed), by `table.column`. */
function sourceColumns(): Map<string, ColumnSpec> {
  const columns = new Map<string, ColumnSpec>();
  for (const m of CONSOLE_SCHEMA) {
    for (const s of m.steps) {
      if (s.step === 'createTable') for (const [name, c] of Object.entries(s.table.columns)) columns.set(`${s.name}.${name}`, c);
      if (s.step === 'addColumn') columns.set(`${s.table}.${s.name}`, s.column);
      if (s.step === 'renameColumn') {
        const c = columns.get(`${s.table}.${s.from}`);
        columns.delete(`${s.table}.${s.from}`);
        if (c) columns.set(`${s.table}.${s.to}`, c);
      }
    }
  }
  return columns;
}

const PG_TYPE_OF_KIND: Record<ColumnKind, string> = {
  text: 'text',
  sortedText: 'text',
  integer: 'integer',
  bigint: 'bigint',
  flag: 'integer',
  bytes: 'bytea',
  rowId: 'bigint',
  serialId: 'bigint',
};

describe('one schema source, two live schemas', () => {
  let dir = '';
  let namespace = '';
  let pool: pg.Pool;
  let sqlite: LiveSchema;
  let postgres: LiveSchema;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'dlp-parity-'));
    const db = await SqliteWorkerDatabase.open(path.join(dir, 'console.sqlite'));
    try {
      await migrate(db, SQLITE_MIGRATIONS);
      sqlite = await readSqliteSchema((sql, params) => db.all(sql, params as never));
    } finally {
      await db.close();
    }
    namespace = `dlp_parity_${randomBytes(6).toString('hex')}`;
    pool = new pg.Pool({ connectionString: DATABASE_URL, max: 1, options: `-c search_path=${namespace}` });
    await migratePostgres(pool, PG_MIGRATIONS, namespace);
    postgres = await readPostgresSchema(async (sql, params) => (await pool.query(sql, params)).rows, namespace);
  });

  afterAll(async () => {
    await pool.query(`DROP SCHEMA IF EXISTS ${namespace} CASCADE`).catch(() => undefined);
    await pool.end();
    rmSync(dir, { recursive: true, force: true });
  });

  it('has the same tables, columns, keys, indexes, constraints and refusals in both, apart from what the source declares', () => {
    const declared = declaredPostgresOnly();
    const coveringOnSqlite = (line: string): string => line.replace(/^index events_time on events \(occurred_at_ms,type,action,severity,user_name,host,device_key,app\)$/, 'index events_time on events (occurred_at_ms,type,action,severity)');
    const pgOnly = (line: string): boolean =>
      [...declared.tables].some((t) => line.startsWith(`table ${t} `) || line.startsWith(`column ${t}.`)) ||
      [...declared.columns].some((c) => line.startsWith(`column ${c} `));
    const sqliteFacts = facts(sqlite).map(coveringOnSqlite);
    const postgresFacts = facts(postgres).filter((line) => !pgOnly(line));
    expect({ onlyInSqlite: sqliteFacts.filter((f) => !postgresFacts.includes(f)), onlyInPostgres: postgresFacts.filter((f) => !sqliteFacts.includes(f)) }).toEqual({ onlyInSqlite: [], onlyInPostgres: [] });
    // The declared differences are really there (a stale declaration would hide nothing, but mislead).
    expect(sqlite.indexes.events_time?.columns).toEqual(['occurred_at_ms', 'type', 'action', 'severity', 'user_name', 'host', 'device_key', 'app']);
    expect([...declared.tables].every((t) => postgres.tables[t] && !sqlite.tables[t])).toBe(true);
    expect([...declared.columns].every((c) => { const [t = '', n = ''] = c.split('.'); return postgres.tables[t]?.columns[n] && !sqlite.tables[t]?.columns[n]; })).toBe(true);
  });

  it('gives every PostgreSQL column the width and collation its kind says', () => {
    const wrong: string[] = [];
    for (const [key, spec] of sourceColumns()) {
      const [table = '', name = ''] = key.split('.');
      const live = postgres.tables[table]?.columns[name];
      if (!live) {
        wrong.push(`${key}: missing`);
        continue;
      }
      if (live.pgType !== PG_TYPE_OF_KIND[spec.kind]) wrong.push(`${key}: ${live.pgType ?? '?'} for ${spec.kind}`);
      if ((spec.kind === 'sortedText') !== (live.collation === 'C')) wrong.push(`${key}: collation ${live.collation ?? 'default'} for ${spec.kind}`);
    }
    const liveCount = Object.values(postgres.tables).reduce((n, t) => n + Object.keys(t.columns).length, 0);
    expect(wrong).toEqual([]);
    expect(liveCount).toBe(sourceColumns().size);
  });

  it('catches drift: a column added to one engine only shows up as a difference', async () => {
    const db = await SqliteWorkerDatabase.open(path.join(dir, 'drifted.sqlite'));
    try {
      await migrate(db, [...SQLITE_MIGRATIONS, { id: 9999, name: 'drift', sql: 'ALTER TABLE agents ADD COLUMN forgotten TEXT' }]);
      const drifted = facts(await readSqliteSchema((sql, params) => db.all(sql, params as never)));
      expect(drifted.filter((f) => !facts(sqlite).includes(f))).toEqual(['column agents.forgotten text']);
    } finally {
      await db.close();
    }
  });
});
