import type { Role } from '@dlp/shared';
import type { SqlParam, SqlStatements } from '@dlp/shared/node';
import type { SessionRecord, SessionRepository, UserRecord, UserRepository } from '../store';

/** Counts changes to people's access (see UserRepository.principalEpoch); the row appears with the first change. */
const BUMP_PRINCIPAL_EPOCH = "INSERT INTO counters (name, value) VALUES ('principal_epoch', 1) ON CONFLICT (name) DO UPDATE SET value = counters.value + 1";

interface UserRow {
  id: string;
  username: string;
  role: Role;
  password_hash: string;
  created_at: string;
  disabled: number;
  password_changed_at: string | null;
  must_change_password: number;
  failed_logins: number;
  locked_until_ms: number | null;
}

const USER_COLUMNS =
  'u.id, u.username, u.role, u.password_hash, u.created_at, u.disabled, u.password_changed_at, u.must_change_password, u.failed_logins, u.locked_until_ms';

function toUser(row: UserRow): UserRecord {
  return {
    id: row.id,
    username: row.username,
    role: row.role,
    passwordHash: row.password_hash,
    createdAt: row.created_at,
    disabled: row.disabled !== 0,
    passwordChangedAt: row.password_changed_at ?? row.created_at,
    mustChangePassword: row.must_change_password !== 0,
    failedLogins: row.failed_logins,
    lockedUntilMs: row.locked_until_ms,
  };
}

/** Users table over one SQLite connection (or transaction). */
export function sqlUserRepository(sql: SqlStatements): UserRepository {
  return {
    async count() {
      const row = await sql.get<{ n: number }>('SELECT COUNT(*) AS n FROM users');
      return row?.n ?? 0;
    },
    async findByUsername(username) {
      const row = await sql.get<UserRow>(`SELECT ${USER_COLUMNS} FROM users u WHERE u.username = ?`, [username]);
      return row ? toUser(row) : undefined;
    },
    async findById(id) {
      const row = await sql.get<UserRow>(`SELECT ${USER_COLUMNS} FROM users u WHERE u.id = ?`, [id]);
      return row ? toUser(row) : undefined;
    },
    async list() {
      const rows = await sql.all<UserRow>(`SELECT ${USER_COLUMNS} FROM users u ORDER BY u.username`);
      return rows.map(toUser);
    },
    async insert(user) {
      await sql.run(
        'INSERT INTO users (id, username, role, password_hash, created_at, disabled, password_changed_at, must_change_password) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
        [
          user.id,
          user.username,
          user.role,
          user.passwordHash,
          user.createdAt,
          user.disabled ? 1 : 0,
          user.passwordChangedAt ?? user.createdAt,
          user.mustChangePassword === true ? 1 : 0,
        ],
      );
    },
    async setPassword(id, passwordHash, changedAt, mustChange) {
      await sql.run('UPDATE users SET password_hash = ?, password_changed_at = ?, must_change_password = ? WHERE id = ?', [
        passwordHash,
        changedAt,
        mustChange ? 1 : 0,
        id,
      ]);
      await sql.run(BUMP_PRINCIPAL_EPOCH);
    },
    async update(id, changes) {
      const sets: string[] = [];
      const params: SqlParam[] = [];
      if (changes.role !== undefined) {
        sets.push('role = ?');
        params.push(changes.role);
      }
      if (changes.disabled !== undefined) {
        sets.push('disabled = ?');
        params.push(changes.disabled ? 1 : 0);
      }
      if (sets.length === 0) return;
      await sql.run(`UPDATE users SET ${sets.join(', ')} WHERE id = ?`, [...params, id]);
      await sql.run(BUMP_PRINCIPAL_EPOCH);
    },
    async setLoginState(id, failedLogins, lockedUntilMs) {
      await sql.run('UPDATE users SET failed_logins = ?, locked_until_ms = ? WHERE id = ?', [failedLogins, lockedUntilMs, id]);
    },
    async countEnabledAdmins() {
      const row = await sql.get<{ n: number }>("SELECT COUNT(*) AS n FROM users WHERE role = 'admin' AND disabled = 0");
      return row?.n ?? 0;
    },
    async principalEpoch() {
      const row = await sql.get<{ value: number }>("SELECT value FROM counters WHERE name = 'principal_epoch'");
      return row?.value ?? 0;
    },
  };
}

interface SessionJoinRow extends UserRow {
  token_hash: string;
  user_id: string;
  session_created_at: string;
  expires_at_ms: number;
}

/** Sessions table: only SHA-256 hashes of cookie values are stored. */
export function sqlSessionRepository(sql: SqlStatements): SessionRepository {
  return {
    async insert(session) {
      await sql.run('INSERT INTO sessions (token_hash, user_id, created_at, expires_at_ms) VALUES (?, ?, ?, ?)', [
        session.tokenHash,
        session.userId,
        session.createdAt,
        session.expiresAtMs,
      ]);
    },
    async findActive(tokenHash, nowMs) {
      const row = await sql.get<SessionJoinRow>(
        `SELECT s.token_hash, s.user_id, s.created_at AS session_created_at, s.expires_at_ms, ${USER_COLUMNS}
           FROM sessions s JOIN users u ON u.id = s.user_id
          WHERE s.token_hash = ? AND s.expires_at_ms > ? AND u.disabled = 0`,
        [tokenHash, nowMs],
      );
      if (!row) return undefined;
      const session: SessionRecord = {
        tokenHash: row.token_hash,
        userId: row.user_id,
        createdAt: row.session_created_at,
        expiresAtMs: row.expires_at_ms,
      };
      return { session, user: toUser(row) };
    },
    async delete(tokenHash) {
      await sql.run('DELETE FROM sessions WHERE token_hash = ?', [tokenHash]);
    },
    async deleteExpired(nowMs) {
      return (await sql.run('DELETE FROM sessions WHERE expires_at_ms <= ?', [nowMs])).changes;
    },
    async deleteForUser(userId) {
      return (await sql.run('DELETE FROM sessions WHERE user_id = ?', [userId])).changes;
    },
    async deleteForUserExcept(userId, keepTokenHash) {
      return (await sql.run('DELETE FROM sessions WHERE user_id = ? AND token_hash <> ?', [userId, keepTokenHash])).changes;
    },
  };
}
