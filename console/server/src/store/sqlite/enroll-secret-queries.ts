import type { SqliteStatements } from '@dlp/shared/node';
import type { EnrollSecretRecord, EnrollSecretRepository } from '../store';

interface EnrollSecretRow {
  id: string;
  label: string;
  secret_hash: string;
  group_id: string;
  created_at: string;
}

function toEnrollSecret(row: EnrollSecretRow): EnrollSecretRecord {
  return { id: row.id, label: row.label, secretHash: row.secret_hash, groupId: row.group_id, createdAt: row.created_at };
}

const COLUMNS = 'id, label, secret_hash, group_id, created_at';

/** Enroll secrets: only their SHA-256 hashes are kept. */
export function sqliteEnrollSecretRepository(sql: SqliteStatements): EnrollSecretRepository {
  return {
    async insert(secret) {
      await sql.run(`INSERT INTO enroll_secrets (${COLUMNS}) VALUES (?, ?, ?, ?, ?)`, [
        secret.id,
        secret.label,
        secret.secretHash,
        secret.groupId,
        secret.createdAt,
      ]);
    },
    async list() {
      const rows = await sql.all<EnrollSecretRow>(`SELECT ${COLUMNS} FROM enroll_secrets ORDER BY created_at, id`);
      return rows.map(toEnrollSecret);
    },
    async findByHash(secretHash) {
      const row = await sql.get<EnrollSecretRow>(`SELECT ${COLUMNS} FROM enroll_secrets WHERE secret_hash = ?`, [secretHash]);
      return row ? toEnrollSecret(row) : undefined;
    },
    async delete(id) {
      return (await sql.run('DELETE FROM enroll_secrets WHERE id = ?', [id])).changes > 0;
    },
  };
}
