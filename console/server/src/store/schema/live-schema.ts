/**
 * The schema a database really has, read back from its catalogue and put into one shape for
 * both engines, so a SQLite and a PostgreSQL database migrated from the same schema source can be
 * compared column by column and index by index (schema-parity.postgres.test.ts).
 *
 * Normalised on purpose: engine words that mean the same to the repositories are mapped to one
 * (TEXT, INTEGER/BIGINT → integer, BLOB/BYTEA → bytes); what only one engine can say (PostgreSQL's
 * integer width and collation) is kept in `pgType`/`collation` and checked against the source.
 */
export interface LiveColumn {
  type: 'text' | 'integer' | 'bytes';
  notNull: boolean;
  /** The default as a literal without casts: `0`, `'api'`, or null. */
  default: string | null;
  /** PostgreSQL only: `integer`, `bigint`, `text`, `bytea`. */
  pgType?: string;
  /** PostgreSQL only: the column's collation when it is not the database default. */
  collation?: string;
}

export interface LiveIndex {
  table: string;
  columns: string[];
  unique: boolean;
  /** The WHERE of a partial index, lower-case without brackets or spaces; '' when total. */
  where: string;
}

export interface LiveSchema {
  tables: Record<string, { columns: Record<string, LiveColumn>; primaryKey: string[] }>;
  /** Indexes made by CREATE INDEX, by name. */
  indexes: Record<string, LiveIndex>;
  /** UNIQUE constraints as `table(col,col)`. */
  uniques: string[];
  /** Foreign keys as `table.col → table.col on delete ACTION`. */
  foreignKeys: string[];
  /** CHECK (col IN (…)) constraints as `table.col ∈ a|b|c`. */
  checks: string[];
  /** Row operations a trigger refuses, as `table: delete,update`. */
  refusals: string[];
}

export type SqliteAll = <T>(sql: string, params?: unknown[]) => Promise<T[]>;
export type PgQuery = <T>(sql: string, params?: unknown[]) => Promise<T[]>;

/** Tables that belong to the migration runner, not to the schema source. */
const RUNNER_TABLES = new Set(['schema_migrations']);

/**
 * A partial index's condition in one spelling for both engines: lower case, no spaces or
 * parentheses, and PostgreSQL's rewrites undone (`'x'::text` casts, `= ANY (ARRAY['a', 'b'])` for
 * `IN ('a', 'b')`).
 */
function normaliseWhere(where: string | null | undefined): string {
  return (where ?? '')
    .toLowerCase()
    .replace(/::[a-z]+/g, '')
    .replace(/[()\s]/g, '')
    .replace(/=anyarray\[([^\]]*)\]/g, 'in$1');
}

function normaliseDefault(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  return value.replace(/::[a-z ]+$/i, '');
}

function checkList(table: string, column: string, values: string[]): string {
  return `${table}.${column} ∈ ${[...values].sort().join('|')}`;
}

function sqliteType(declared: string): LiveColumn['type'] {
  const upper = declared.toUpperCase();
  if (upper === 'BLOB') return 'bytes';
  if (upper.includes('INT')) return 'integer';
  return 'text';
}

/** Reads a SQLite database's schema through any `all` that runs a query. */
export async function readSqliteSchema(all: SqliteAll): Promise<LiveSchema> {
  const schema: LiveSchema = { tables: {}, indexes: {}, uniques: [], foreignKeys: [], checks: [], refusals: [] };
  const masters = await all<{ type: string; name: string; tbl_name: string; sql: string | null }>(
    "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name",
  );
  for (const table of masters.filter((m) => m.type === 'table' && !RUNNER_TABLES.has(m.name))) {
    const info = await all<{ name: string; type: string; notnull: number; dflt_value: string | null; pk: number }>(`PRAGMA table_info(${table.name})`);
    const columns: Record<string, LiveColumn> = {};
    for (const c of info) columns[c.name] = { type: sqliteType(c.type), notNull: c.notnull === 1 || c.pk > 0, default: normaliseDefault(c.dflt_value) };
    const primaryKey = info.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => c.name);
    schema.tables[table.name] = { columns, primaryKey };

    for (const index of await all<{ name: string; unique: number; origin: string; partial: number }>(`PRAGMA index_list(${table.name})`)) {
      const cols = (await all<{ seqno: number; name: string }>(`PRAGMA index_info(${index.name})`)).sort((a, b) => a.seqno - b.seqno).map((c) => c.name);
      if (index.origin === 'u') schema.uniques.push(`${table.name}(${cols.join(',')})`);
      if (index.origin !== 'c') continue;
      const sql = masters.find((m) => m.name === index.name)?.sql ?? '';
      schema.indexes[index.name] = { table: table.name, columns: cols, unique: index.unique === 1, where: normaliseWhere(/\bWHERE\b([\s\S]*)$/i.exec(sql)?.[1]) };
    }
    for (const fk of await all<{ table: string; from: string; to: string; on_delete: string }>(`PRAGMA foreign_key_list(${table.name})`)) {
      schema.foreignKeys.push(`${table.name}.${fk.from} → ${fk.table}.${fk.to} on delete ${fk.on_delete}`);
    }
    for (const match of (table.sql ?? '').matchAll(/CHECK\s*\(\s*(\w+)\s+IN\s*\(([^)]*)\)\s*\)/gi)) {
      schema.checks.push(checkList(table.name, match[1] ?? '', [...(match[2] ?? '').matchAll(/'([^']*)'/g)].map((m) => m[1] ?? '')));
    }
  }
  // Columns added later with ALTER TABLE keep their CHECK in the table's SQL too (SQLite appends it).
  const refused = new Map<string, Set<string>>();
  for (const trigger of masters.filter((m) => m.type === 'trigger')) {
    const op = /BEFORE\s+(UPDATE|DELETE)\s+ON/i.exec(trigger.sql ?? '')?.[1]?.toLowerCase();
    if (op !== undefined && /RAISE\s*\(\s*ABORT/i.test(trigger.sql ?? '')) refused.set(trigger.tbl_name, (refused.get(trigger.tbl_name) ?? new Set()).add(op));
  }
  schema.refusals = [...refused].map(([table, ops]) => `${table}: ${[...ops].sort().join(',')}`);
  return sortLists(schema);
}

function pgColumnType(dataType: string): LiveColumn['type'] {
  if (dataType === 'bytea') return 'bytes';
  if (dataType === 'integer' || dataType === 'bigint') return 'integer';
  return 'text';
}

/** Reads the schema of one PostgreSQL schema (namespace). */
export async function readPostgresSchema(query: PgQuery, namespace: string): Promise<LiveSchema> {
  const schema: LiveSchema = { tables: {}, indexes: {}, uniques: [], foreignKeys: [], checks: [], refusals: [] };
  const columns = await query<{ table_name: string; column_name: string; data_type: string; is_nullable: string; column_default: string | null; collation_name: string | null; is_identity: string }>(
    `SELECT table_name, column_name, data_type, is_nullable, column_default, collation_name, is_identity
       FROM information_schema.columns WHERE table_schema = $1 ORDER BY table_name, ordinal_position`,
    [namespace],
  );
  for (const c of columns) {
    if (RUNNER_TABLES.has(c.table_name)) continue;
    const table = (schema.tables[c.table_name] ??= { columns: {}, primaryKey: [] });
    const column: LiveColumn = { type: pgColumnType(c.data_type), notNull: c.is_nullable === 'NO', default: normaliseDefault(c.column_default), pgType: c.data_type };
    if (c.collation_name !== null) column.collation = c.collation_name;
    table.columns[c.column_name] = column;
  }
  const constraints = await query<{ table_name: string; contype: string; columns: string[]; definition: string; ref_table: string | null; ref_columns: string[] | null; on_delete: string }>(
    `SELECT t.relname AS table_name, con.contype,
            ARRAY(SELECT a.attname FROM unnest(con.conkey) WITH ORDINALITY k(n, i) JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.n ORDER BY k.i)::text[] AS columns,
            pg_get_constraintdef(con.oid) AS definition, r.relname AS ref_table,
            ARRAY(SELECT a.attname FROM unnest(con.confkey) WITH ORDINALITY k(n, i) JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.n ORDER BY k.i)::text[] AS ref_columns,
            con.confdeltype AS on_delete
       FROM pg_constraint con JOIN pg_class t ON t.oid = con.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace
       LEFT JOIN pg_class r ON r.oid = con.confrelid
      WHERE n.nspname = $1`,
    [namespace],
  );
  const onDelete: Record<string, string> = { a: 'NO ACTION', r: 'RESTRICT', c: 'CASCADE', n: 'SET NULL', d: 'SET DEFAULT' };
  for (const con of constraints) {
    if (RUNNER_TABLES.has(con.table_name)) continue;
    if (con.contype === 'p') {
      const table = schema.tables[con.table_name];
      if (table) table.primaryKey = con.columns;
    } else if (con.contype === 'u') {
      schema.uniques.push(`${con.table_name}(${con.columns.join(',')})`);
    } else if (con.contype === 'f') {
      schema.foreignKeys.push(`${con.table_name}.${con.columns[0] ?? ''} → ${con.ref_table ?? ''}.${con.ref_columns?.[0] ?? ''} on delete ${onDelete[con.on_delete] ?? con.on_delete}`);
    } else if (con.contype === 'c') {
      const column = /\(\(?(\w+)\s*=\s*ANY/i.exec(con.definition)?.[1];
      if (column !== undefined) schema.checks.push(checkList(con.table_name, column, [...con.definition.matchAll(/'([^']*)'::text/g)].map((m) => m[1] ?? '')));
    }
  }
  const indexes = await query<{ name: string; table_name: string; columns: string[]; unique: boolean; predicate: string | null }>(
    `SELECT i.relname AS name, t.relname AS table_name, x.indisunique AS unique,
            ARRAY(SELECT a.attname FROM unnest(x.indkey) WITH ORDINALITY k(n, o) JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.n ORDER BY k.o)::text[] AS columns,
            pg_get_expr(x.indpred, x.indrelid) AS predicate
       FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace
      WHERE n.nspname = $1 AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)`,
    [namespace],
  );
  for (const index of indexes) {
    if (RUNNER_TABLES.has(index.table_name)) continue;
    schema.indexes[index.name] = { table: index.table_name, columns: index.columns, unique: index.unique, where: normaliseWhere(index.predicate) };
  }
  const triggers = await query<{ table_name: string; op: string }>(
    `SELECT event_object_table AS table_name, lower(event_manipulation) AS op
       FROM information_schema.triggers WHERE trigger_schema = $1 AND action_timing = 'BEFORE' AND event_manipulation IN ('UPDATE', 'DELETE')`,
    [namespace],
  );
  const refused = new Map<string, Set<string>>();
  for (const t of triggers) refused.set(t.table_name, (refused.get(t.table_name) ?? new Set()).add(t.op));
  schema.refusals = [...refused].map(([table, ops]) => `${table}: ${[...ops].sort().join(',')}`);
  return sortLists(schema);
}

function sortLists(schema: LiveSchema): LiveSchema {
  for (const list of [schema.uniques, schema.foreignKeys, schema.checks, schema.refusals]) list.sort();
  return schema;
}
