import type { SqlStatements } from '@dlp/shared/node';
import type { SavedFilterRecord, SavedFilterRepository } from '../saved-filter-store';

interface SavedFilterRow {
  id: string;
  user_id: string;
  page: SavedFilterRecord['page'];
  name: string;
  filters_json: string;
  created_at: string;
  updated_at: string;
}

const COLUMNS = 'id, user_id, page, name, filters_json, created_at, updated_at';

function toRecord(row: SavedFilterRow): SavedFilterRecord {
  return { id: row.id, userId: row.user_id, page: row.page, name: row.name, filtersJson: row.filters_json, createdAt: row.created_at, updatedAt: row.updated_at };
}

/** Saved filters; portable SQL (SQLite and PostgreSQL). */
export function sqlSavedFilterRepository(sql: SqlStatements): SavedFilterRepository {
  const find = async (userId: string, page: string, name: string) =>
    sql.get<SavedFilterRow>(`SELECT ${COLUMNS} FROM saved_filters WHERE user_id = ? AND page = ? AND name = ?`, [userId, page, name]);
  return {
    async list(userId, page) {
      return (await sql.all<SavedFilterRow>(`SELECT ${COLUMNS} FROM saved_filters WHERE user_id = ? AND page = ? ORDER BY name, id`, [userId, page])).map(toRecord);
    },
    async save(filter) {
      // One statement decides insert or replace, so two saves of one name at once leave one row.
      const inserted = await sql.run(
        `INSERT INTO saved_filters (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (user_id, page, name) DO UPDATE SET filters_json = excluded.filters_json, updated_at = excluded.updated_at`,
        [filter.id, filter.userId, filter.page, filter.name, filter.filtersJson, filter.createdAt, filter.updatedAt],
      );
      const row = await find(filter.userId, filter.page, filter.name);
      if (!row) throw new Error(`saved filter "${filter.name}" vanished after it was saved`);
      // An update reports a change too: whether the row is the one we offered tells them apart.
      return { record: toRecord(row), created: inserted.changes > 0 && row.id === filter.id };
    },
    async count(userId, page) {
      const row = await sql.get<{ n: number }>('SELECT COUNT(*) AS n FROM saved_filters WHERE user_id = ? AND page = ?', [userId, page]);
      return Number(row?.n ?? 0);
    },
    async delete(userId, id) {
      return (await sql.run('DELETE FROM saved_filters WHERE user_id = ? AND id = ?', [userId, id])).changes > 0;
    },
  };
}
