import type { PolicyDocument, PolicyMode } from '@dlp/shared';
import type { SqlStatements } from '@dlp/shared/node';
import type { DraftRecord, DraftRepository } from '../lifecycle-store';

interface DraftRow {
  id: string;
  policy_id: string;
  base_version: number;
  name: string;
  mode: PolicyMode;
  document_json: string;
  created_by: string;
  created_at: string;
  updated_at: string;
}

const COLUMNS = 'id, policy_id, base_version, name, mode, document_json, created_by, created_at, updated_at';

function toDraft(row: DraftRow): DraftRecord {
  return {
    id: row.id,
    policyId: row.policy_id,
    baseVersion: row.base_version,
    name: row.name,
    mode: row.mode,
    // Written by this module from a schema-validated document.
    document: JSON.parse(row.document_json) as PolicyDocument,
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Policy drafts: editable, unsigned documents waiting to be published. */
export function sqlDraftRepository(sql: SqlStatements): DraftRepository {
  return {
    async insert(draft) {
      await sql.run(`INSERT INTO policy_drafts (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, [
        draft.id,
        draft.policyId,
        draft.baseVersion,
        draft.name,
        draft.mode,
        JSON.stringify(draft.document),
        draft.createdBy,
        draft.createdAt,
        draft.updatedAt,
      ]);
    },
    async findById(id) {
      const row = await sql.get<DraftRow>(`SELECT ${COLUMNS} FROM policy_drafts WHERE id = ?`, [id]);
      return row ? toDraft(row) : undefined;
    },
    async update(id, document, updatedAt) {
      const result = await sql.run('UPDATE policy_drafts SET document_json = ?, name = ?, mode = ?, updated_at = ? WHERE id = ?', [
        JSON.stringify(document),
        document.name,
        document.mode,
        updatedAt,
        id,
      ]);
      return result.changes > 0;
    },
    async delete(id) {
      return (await sql.run('DELETE FROM policy_drafts WHERE id = ?', [id])).changes > 0;
    },
    async listByPolicy(policyId) {
      return (await sql.all<DraftRow>(`SELECT ${COLUMNS} FROM policy_drafts WHERE policy_id = ? ORDER BY id DESC`, [policyId])).map(toDraft);
    },
  };
}
