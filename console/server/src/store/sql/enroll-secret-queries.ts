import { agentInfo } from '@dlp/shared';
import type { SqlStatements } from '@dlp/shared/node';
import type { EnrollRequestRecord, EnrollSecretRecord, EnrollSecretRepository } from '../store';

interface EnrollSecretRow {
  id: string;
  label: string;
  secret_hash: string;
  group_id: string;
  created_at: string;
  max_uses: number | null;
  use_count: number | string;
  expires_at: string | null;
  needs_approval: number | string;
  rate_per_minute: number | null;
}

function toEnrollSecret(row: EnrollSecretRow): EnrollSecretRecord {
  return {
    id: row.id,
    label: row.label,
    secretHash: row.secret_hash,
    groupId: row.group_id,
    createdAt: row.created_at,
    maxUses: row.max_uses === null ? null : Number(row.max_uses),
    useCount: Number(row.use_count),
    expiresAt: row.expires_at,
    needsApproval: Number(row.needs_approval) === 1,
    ratePerMinute: row.rate_per_minute === null ? null : Number(row.rate_per_minute),
  };
}

const COLUMNS = 'id, label, secret_hash, group_id, created_at, max_uses, use_count, expires_at, needs_approval, rate_per_minute';

interface EnrollRequestRow {
  id: string;
  enroll_secret_id: string;
  request_key_hash: string;
  agent_info: string;
  remote_address: string | null;
  requested_at: string;
  last_seen_at: string;
  status: EnrollRequestRecord['status'];
  decided_by: string | null;
  decided_at: string | null;
  agent_id: string | null;
}

const REQUEST_COLUMNS = 'id, enroll_secret_id, request_key_hash, agent_info, remote_address, requested_at, last_seen_at, status, decided_by, decided_at, agent_id';

function toEnrollRequest(row: EnrollRequestRow): EnrollRequestRecord {
  // Written by this code from a validated message; parsed again so a bad row cannot pass as an AgentInfo.
  const info = agentInfo.parse(JSON.parse(row.agent_info));
  return {
    id: row.id,
    enrollSecretId: row.enroll_secret_id,
    requestKeyHash: row.request_key_hash,
    info,
    remoteAddress: row.remote_address,
    requestedAt: row.requested_at,
    lastSeenAt: row.last_seen_at,
    status: row.status,
    decidedBy: row.decided_by,
    decidedAt: row.decided_at,
    agentId: row.agent_id,
  };
}

/** Enroll secrets (only their SHA-256 hashes are kept) and the enrollment requests waiting on them. */
export function sqlEnrollSecretRepository(sql: SqlStatements): EnrollSecretRepository {
  return {
    async insert(secret) {
      await sql.run(`INSERT INTO enroll_secrets (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, [
        secret.id,
        secret.label,
        secret.secretHash,
        secret.groupId,
        secret.createdAt,
        secret.maxUses,
        secret.useCount,
        secret.expiresAt,
        secret.needsApproval ? 1 : 0,
        secret.ratePerMinute,
      ]);
    },
    async list() {
      const rows = await sql.all<EnrollSecretRow>(`SELECT ${COLUMNS} FROM enroll_secrets ORDER BY created_at, id`);
      return rows.map(toEnrollSecret);
    },
    async findById(id) {
      const row = await sql.get<EnrollSecretRow>(`SELECT ${COLUMNS} FROM enroll_secrets WHERE id = ?`, [id]);
      return row ? toEnrollSecret(row) : undefined;
    },
    async findByHash(secretHash) {
      const row = await sql.get<EnrollSecretRow>(`SELECT ${COLUMNS} FROM enroll_secrets WHERE secret_hash = ?`, [secretHash]);
      return row ? toEnrollSecret(row) : undefined;
    },
    async delete(id) {
      await sql.run('DELETE FROM enroll_requests WHERE enroll_secret_id = ?', [id]);
      return (await sql.run('DELETE FROM enroll_secrets WHERE id = ?', [id])).changes > 0;
    },
    async claimUse(id, nowIso) {
      const result = await sql.run(
        `UPDATE enroll_secrets SET use_count = use_count + 1
          WHERE id = ? AND (max_uses IS NULL OR use_count < max_uses) AND (expires_at IS NULL OR expires_at > ?)`,
        [id, nowIso],
      );
      return result.changes > 0;
    },
    async insertRequest(request) {
      await sql.run(`INSERT INTO enroll_requests (${REQUEST_COLUMNS}, hostname) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, [
        request.id,
        request.enrollSecretId,
        request.requestKeyHash,
        JSON.stringify(request.info),
        request.remoteAddress,
        request.requestedAt,
        request.lastSeenAt,
        request.status,
        request.decidedBy,
        request.decidedAt,
        request.agentId,
        request.info.hostname,
      ]);
    },
    async findRequest(enrollSecretId, requestKeyHash) {
      const row = await sql.get<EnrollRequestRow>(`SELECT ${REQUEST_COLUMNS} FROM enroll_requests WHERE enroll_secret_id = ? AND request_key_hash = ?`, [enrollSecretId, requestKeyHash]);
      return row ? toEnrollRequest(row) : undefined;
    },
    async findRequestById(id) {
      const row = await sql.get<EnrollRequestRow>(`SELECT ${REQUEST_COLUMNS} FROM enroll_requests WHERE id = ?`, [id]);
      return row ? toEnrollRequest(row) : undefined;
    },
    async listRequests(status, limit) {
      const rows =
        status === undefined
          ? await sql.all<EnrollRequestRow>(`SELECT ${REQUEST_COLUMNS} FROM enroll_requests ORDER BY requested_at DESC, id DESC LIMIT ?`, [limit])
          : await sql.all<EnrollRequestRow>(`SELECT ${REQUEST_COLUMNS} FROM enroll_requests WHERE status = ? ORDER BY requested_at DESC, id DESC LIMIT ?`, [status, limit]);
      return rows.map(toEnrollRequest);
    },
    async touchRequest(id, seenAt, info, remoteAddress) {
      await sql.run('UPDATE enroll_requests SET last_seen_at = ?, agent_info = ?, hostname = ?, remote_address = ? WHERE id = ?', [seenAt, JSON.stringify(info), info.hostname, remoteAddress, id]);
    },
    async decideRequest(id, status, decidedBy, decidedAt) {
      const result = await sql.run("UPDATE enroll_requests SET status = ?, decided_by = ?, decided_at = ? WHERE id = ? AND status = 'pending'", [status, decidedBy, decidedAt, id]);
      return result.changes > 0;
    },
    async markRequestEnrolled(id, agentId) {
      await sql.run("UPDATE enroll_requests SET status = 'enrolled', agent_id = ? WHERE id = ?", [agentId, id]);
    },
    async pendingCounts() {
      const rows = await sql.all<{ enroll_secret_id: string; n: number | string }>("SELECT enroll_secret_id, COUNT(*) AS n FROM enroll_requests WHERE status = 'pending' GROUP BY enroll_secret_id");
      return new Map(rows.map((row) => [row.enroll_secret_id, Number(row.n)]));
    },
  };
}
