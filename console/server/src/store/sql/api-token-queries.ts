import type { ApiTokenScope, Role } from '@dlp/shared';
import type { SqlStatements } from '@dlp/shared/node';
import type { ApiTokenRecord, ApiTokenRepository, SettingsRepository } from '../access-store';
import type { UserRecord } from '../store';

interface ApiTokenRow {
  id: string;
  name: string;
  role: Role;
  scope: ApiTokenScope;
  token_hash: string;
  created_by: string;
  created_at: string;
  expires_at_ms: number | null;
  revoked_at: string | null;
  last_used_at: string | null;
}

const TOKEN_COLUMNS = 't.id, t.name, t.role, t.scope, t.token_hash, t.created_by, t.created_at, t.expires_at_ms, t.revoked_at, t.last_used_at';

function toToken(row: ApiTokenRow): ApiTokenRecord {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    scope: row.scope,
    tokenHash: row.token_hash,
    createdBy: row.created_by,
    createdAt: row.created_at,
    expiresAtMs: row.expires_at_ms,
    revokedAt: row.revoked_at,
    lastUsedAt: row.last_used_at,
  };
}

/** Minimum time between two `last_used_at` writes for one token. */
const TOUCH_INTERVAL_MS = 60_000;

/**
 * API tokens. `findUsable` reads the creator through `findUser` (the users repository) so the
 * user row is decoded in one place.
 */
export function sqlApiTokenRepository(sql: SqlStatements, findUser: (id: string) => Promise<UserRecord | undefined>): ApiTokenRepository {
  return {
    async insert(t) {
      await sql.run(
        'INSERT INTO api_tokens (id, name, role, scope, token_hash, created_by, created_at, expires_at_ms, revoked_at, last_used_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
        [t.id, t.name, t.role, t.scope, t.tokenHash, t.createdBy, t.createdAt, t.expiresAtMs, t.revokedAt, t.lastUsedAt],
      );
    },
    async list() {
      return (await sql.all<ApiTokenRow>(`SELECT ${TOKEN_COLUMNS} FROM api_tokens t ORDER BY t.created_at DESC, t.id DESC`)).map(toToken);
    },
    async findById(id) {
      const row = await sql.get<ApiTokenRow>(`SELECT ${TOKEN_COLUMNS} FROM api_tokens t WHERE t.id = ?`, [id]);
      return row ? toToken(row) : undefined;
    },
    async findUsable(tokenHash, nowMs) {
      const row = await sql.get<ApiTokenRow>(
        `SELECT ${TOKEN_COLUMNS} FROM api_tokens t
          WHERE t.token_hash = ? AND t.revoked_at IS NULL AND (t.expires_at_ms IS NULL OR t.expires_at_ms > ?)`,
        [tokenHash, nowMs],
      );
      if (!row) return undefined;
      const creator = await findUser(row.created_by);
      if (!creator || creator.disabled) return undefined;
      return { token: toToken(row), creator };
    },
    async revoke(id, revokedAt) {
      return (await sql.run('UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL', [revokedAt, id])).changes > 0;
    },
    async touch(id, usedAt) {
      const threshold = new Date(usedAt.getTime() - TOUCH_INTERVAL_MS).toISOString();
      await sql.run('UPDATE api_tokens SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)', [
        usedAt.toISOString(),
        id,
        threshold,
      ]);
    },
  };
}

/** The settings table: one JSON value per name. */
export function sqlSettingsRepository(sql: SqlStatements): SettingsRepository {
  return {
    async get(name) {
      const row = await sql.get<{ value_json: string }>('SELECT value_json FROM settings WHERE name = ?', [name]);
      return row ? (JSON.parse(row.value_json) as unknown) : undefined;
    },
    async set(name, value) {
      await sql.run('INSERT INTO settings (name, value_json) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value_json = excluded.value_json', [
        name,
        JSON.stringify(value),
      ]);
    },
  };
}
