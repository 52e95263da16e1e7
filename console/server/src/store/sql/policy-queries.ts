import type { PolicyMode, SignedPolicy } from '@dlp/shared';
import type { SqlStatements } from '@dlp/shared/node';
import type { PolicyRecord, PolicyRepository, PolicyVersionRecord } from '../store';

interface PolicyRow {
  id: string;
  name: string;
  mode: PolicyMode;
  version: number;
  serial: number;
  published_at: string;
}

interface PolicyVersionRow extends PolicyRow {
  signed_json: string;
  origin?: string | null;
}

function toPolicy(row: PolicyRow): PolicyRecord {
  return { id: row.id, name: row.name, mode: row.mode, version: row.version, serial: row.serial, publishedAt: row.published_at };
}

function toVersion(row: PolicyVersionRow): PolicyVersionRecord {
  // Stored verbatim as signed by this console; re-validating on every read would only cost time.
  return { ...toPolicy(row), signed: JSON.parse(row.signed_json) as SignedPolicy, origin: row.origin ?? null };
}

const CURRENT_COLUMNS = 'p.id, p.name, p.mode, p.current_version AS version, p.current_serial AS serial, p.published_at';
const VERSION_COLUMNS = 'v.policy_id AS id, v.name, v.mode, v.version, v.serial, v.published_at, v.signed_json, v.origin';

/** Policies, their immutable signed versions and the console-wide serial counter. */
export function sqlPolicyRepository(sql: SqlStatements): PolicyRepository {
  return {
    async allocateSerial() {
      const row = await sql.get<{ value: number }>("UPDATE counters SET value = value + 1 WHERE name = 'policy_serial' RETURNING value");
      if (!row) throw new Error('policy_serial counter is missing');
      return row.value;
    },
    async latestSerial() {
      const row = await sql.get<{ value: number }>("SELECT value FROM counters WHERE name = 'policy_serial'");
      return row?.value ?? 0;
    },
    async insertVersion(version) {
      if (version.version === 1) {
        await sql.run(
          'INSERT INTO policies (id, name, mode, current_version, current_serial, published_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
          [version.id, version.name, version.mode, version.version, version.serial, version.publishedAt, version.publishedAt],
        );
      } else {
        await sql.run('UPDATE policies SET name = ?, mode = ?, current_version = ?, current_serial = ?, published_at = ? WHERE id = ?', [
          version.name,
          version.mode,
          version.version,
          version.serial,
          version.publishedAt,
          version.id,
        ]);
      }
      await sql.run(
        'INSERT INTO policy_versions (policy_id, version, serial, name, mode, published_at, signed_json, origin) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
        [version.id, version.version, version.serial, version.name, version.mode, version.publishedAt, JSON.stringify(version.signed), version.origin ?? null],
      );
    },
    async findById(id) {
      const row = await sql.get<PolicyRow>(`SELECT ${CURRENT_COLUMNS} FROM policies p WHERE p.id = ?`, [id]);
      return row ? toPolicy(row) : undefined;
    },
    async findCurrentVersion(id) {
      const row = await sql.get<PolicyVersionRow>(
        `SELECT ${VERSION_COLUMNS} FROM policies p JOIN policy_versions v ON v.policy_id = p.id AND v.version = p.current_version
          WHERE p.id = ?`,
        [id],
      );
      return row ? toVersion(row) : undefined;
    },
    async list() {
      return (await sql.all<PolicyRow>(`SELECT ${CURRENT_COLUMNS} FROM policies p ORDER BY p.name, p.id`)).map(toPolicy);
    },
    async listVersions(id) {
      const rows = await sql.all<PolicyRow>(
        'SELECT policy_id AS id, name, mode, version, serial, published_at FROM policy_versions WHERE policy_id = ? ORDER BY version DESC',
        [id],
      );
      return rows.map(toPolicy);
    },
    async findVersion(id, version) {
      const row = await sql.get<PolicyVersionRow>(`SELECT ${VERSION_COLUMNS} FROM policy_versions v WHERE v.policy_id = ? AND v.version = ?`, [id, version]);
      return row ? toVersion(row) : undefined;
    },
    async findBySerials(serials) {
      if (serials.length === 0) return [];
      const rows = await sql.all<PolicyRow>(
        `SELECT policy_id AS id, name, mode, version, serial, published_at FROM policy_versions WHERE serial IN (${serials.map(() => '?').join(', ')})`,
        [...serials],
      );
      return rows.map(toPolicy);
    },
    async findByName(name) {
      const row = await sql.get<PolicyRow>(`SELECT ${CURRENT_COLUMNS} FROM policies p WHERE p.name = ? ORDER BY p.published_at DESC LIMIT 1`, [name]);
      return row ? toPolicy(row) : undefined;
    },
    async effectiveForGroup(groupId) {
      const row = await sql.get<PolicyVersionRow>(
        `SELECT ${VERSION_COLUMNS} FROM groups g
           JOIN policies p ON p.id = g.policy_id
           JOIN policy_versions v ON v.policy_id = p.id AND v.version = p.current_version
          WHERE g.id = ?`,
        [groupId],
      );
      return row ? toVersion(row) : undefined;
    },
  };
}
