import type { SqlStatements } from '@dlp/shared/node';
import type { GroupRecord, GroupRepository } from '../store';

interface GroupRow {
  id: string;
  name: string;
  policy_id: string | null;
  built_in: number;
  created_at: string;
}

const COLUMNS = 'id, name, policy_id, built_in, created_at';

function toGroup(row: GroupRow): GroupRecord {
  return { id: row.id, name: row.name, policyId: row.policy_id, builtIn: row.built_in !== 0, createdAt: row.created_at };
}

/** Agent groups and the policy assigned to each. */
export function sqlGroupRepository(sql: SqlStatements): GroupRepository {
  return {
    async findById(id) {
      const row = await sql.get<GroupRow>(`SELECT ${COLUMNS} FROM groups WHERE id = ?`, [id]);
      return row ? toGroup(row) : undefined;
    },
    async list() {
      return (await sql.all<GroupRow>(`SELECT ${COLUMNS} FROM groups ORDER BY built_in DESC, name`)).map(toGroup);
    },
    async insert(group) {
      await sql.run(`INSERT INTO groups (${COLUMNS}) VALUES (?, ?, ?, ?, ?)`, [
        group.id,
        group.name,
        group.policyId,
        group.builtIn ? 1 : 0,
        group.createdAt,
      ]);
    },
    async setPolicy(groupId, policyId) {
      await sql.run('UPDATE groups SET policy_id = ? WHERE id = ?', [policyId, groupId]);
    },
    async listByPolicy(policyId) {
      return (await sql.all<GroupRow>(`SELECT ${COLUMNS} FROM groups WHERE policy_id = ? ORDER BY id`, [policyId])).map(toGroup);
    },
    async rename(groupId, name) {
      await sql.run('UPDATE groups SET name = ? WHERE id = ?', [name, groupId]);
    },
    async findByName(name) {
      const row = await sql.get<GroupRow>(`SELECT ${COLUMNS} FROM groups WHERE name = ?`, [name]);
      return row ? toGroup(row) : undefined;
    },
    async delete(groupId) {
      return (await sql.run('DELETE FROM groups WHERE id = ? AND built_in = 0', [groupId])).changes > 0;
    },
  };
}
