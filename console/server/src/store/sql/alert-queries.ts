import type { AlertRuleKind, AlertRuleParams, DestinationConfig, Severity } from '@dlp/shared';
import type { SqlParam, SqlStatements } from '@dlp/shared/node';
import type { AlertDestinationRecord, AlertDetails, AlertRepository, AlertRuleRecord, FiredAlertFilter, FiredAlertRecord, StoredAlertState } from '../alert-store';

interface RuleRow {
  id: string;
  name: string;
  enabled: number;
  severity: Severity;
  params_json: string;
  destination_ids_json: string;
  cooldown_minutes: number;
  created_at: string;
  updated_at: string;
}

interface DestinationRow {
  id: string;
  name: string;
  enabled: number;
  config_json: string;
  rate_per_minute: number;
  rate_burst: number;
  secret: string | null;
  created_at: string;
  updated_at: string;
}

interface AlertRow {
  id: string;
  dedupe_key: string;
  rule_id: string;
  rule_name: string;
  kind: AlertRuleKind;
  severity: Severity;
  entity_type: FiredAlertRecord['entityType'];
  entity_id: string;
  entity_label: string;
  title: string;
  event_count: number;
  fired_at: string;
  state: StoredAlertState;
  resolved_at: string | null;
  details_json: string;
  group_key: string | null;
  acknowledged_at: string | null;
  acknowledged_by: string | null;
  acknowledge_note: string | null;
  resolved_by: string | null;
  resolve_note: string | null;
}

const ALERT_COLUMNS =
  'id, dedupe_key, rule_id, rule_name, kind, severity, entity_type, entity_id, entity_label, title, event_count, fired_at, state, resolved_at, details_json, ' +
  'group_key, acknowledged_at, acknowledged_by, acknowledge_note, resolved_by, resolve_note';

/** Where-clause of an alert filter (without paging); `state` names what the API calls it. */
function alertWhere(filter: Omit<FiredAlertFilter, 'beforeId' | 'limit'>): { clauses: string[]; params: SqlParam[] } {
  const clauses: string[] = [];
  const params: SqlParam[] = [];
  const add = (clause: string, value: SqlParam): void => {
    clauses.push(clause);
    params.push(value);
  };
  if (filter.state === 'open') clauses.push("state = 'open' AND acknowledged_at IS NULL");
  if (filter.state === 'acknowledged') clauses.push("state = 'open' AND acknowledged_at IS NOT NULL");
  if (filter.state === 'resolved') clauses.push("state = 'resolved'");
  if (filter.ruleId !== undefined) add('rule_id = ?', filter.ruleId);
  if (filter.kind !== undefined) add('kind = ?', filter.kind);
  if (filter.fromAt !== undefined) add('fired_at >= ?', filter.fromAt);
  if (filter.toAt !== undefined) add('fired_at < ?', filter.toAt);
  return { clauses, params };
}

function whereSql(clauses: readonly string[]): string {
  return clauses.length > 0 ? `WHERE ${clauses.map((c) => `(${c})`).join(' AND ')}` : '';
}

// JSON columns are written by this module from schema-validated values.
function toRule(row: RuleRow): AlertRuleRecord {
  return {
    id: row.id,
    name: row.name,
    enabled: row.enabled === 1,
    severity: row.severity,
    params: JSON.parse(row.params_json) as AlertRuleParams,
    destinationIds: JSON.parse(row.destination_ids_json) as string[],
    cooldownMinutes: row.cooldown_minutes,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function toDestination(row: DestinationRow): AlertDestinationRecord {
  return {
    id: row.id,
    name: row.name,
    enabled: row.enabled === 1,
    config: JSON.parse(row.config_json) as DestinationConfig,
    rateLimit: { perMinute: row.rate_per_minute, burst: row.rate_burst },
    secret: row.secret,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function toAlert(row: AlertRow): FiredAlertRecord {
  return {
    id: row.id,
    dedupeKey: row.dedupe_key,
    ruleId: row.rule_id,
    ruleName: row.rule_name,
    kind: row.kind,
    severity: row.severity,
    entityType: row.entity_type,
    entityId: row.entity_id,
    entityLabel: row.entity_label,
    title: row.title,
    eventCount: row.event_count,
    firedAt: row.fired_at,
    state: row.state,
    resolvedAt: row.resolved_at,
    details: JSON.parse(row.details_json) as AlertDetails,
    groupKey: row.group_key ?? row.id,
    acknowledgedAt: row.acknowledged_at,
    acknowledgedBy: row.acknowledged_by,
    acknowledgeNote: row.acknowledge_note,
    resolvedBy: row.resolved_by,
    resolveNote: row.resolve_note,
  };
}

function ruleParams(r: AlertRuleRecord): SqlParam[] {
  return [r.name, r.enabled ? 1 : 0, r.severity, JSON.stringify(r.params), JSON.stringify(r.destinationIds), r.cooldownMinutes, r.updatedAt, r.id];
}

function destinationParams(d: AlertDestinationRecord): SqlParam[] {
  return [d.name, d.enabled ? 1 : 0, JSON.stringify(d.config), d.rateLimit.perMinute, d.rateLimit.burst, d.secret, d.updatedAt, d.id];
}

function hostnameOf(infoJson: string, fallback: string): string {
  const hostname = (JSON.parse(infoJson) as { hostname?: unknown }).hostname;
  return typeof hostname === 'string' ? hostname : fallback;
}

/**
 * Alert rules, destinations, fired alerts (claimed by a unique dedupe key) and window counters. The
 * SQL is portable: PostgreSQL runs the same statements (see store/postgres/pg-statements.ts).
 */
export function sqlAlertRepository(sql: SqlStatements): AlertRepository {
  return {
    async listRules() {
      return (await sql.all<RuleRow>('SELECT * FROM alert_rules ORDER BY created_at, id')).map(toRule);
    },
    async findRule(id) {
      const row = await sql.get<RuleRow>('SELECT * FROM alert_rules WHERE id = ?', [id]);
      return row ? toRule(row) : undefined;
    },
    async insertRule(r) {
      await sql.run(
        `INSERT INTO alert_rules (name, enabled, severity, params_json, destination_ids_json, cooldown_minutes, updated_at, id, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [...ruleParams(r), r.createdAt],
      );
    },
    async updateRule(r) {
      const result = await sql.run(
        'UPDATE alert_rules SET name = ?, enabled = ?, severity = ?, params_json = ?, destination_ids_json = ?, cooldown_minutes = ?, updated_at = ? WHERE id = ?',
        ruleParams(r),
      );
      return result.changes > 0;
    },
    async deleteRule(id) {
      return (await sql.run('DELETE FROM alert_rules WHERE id = ?', [id])).changes > 0;
    },

    async listDestinations() {
      return (await sql.all<DestinationRow>('SELECT * FROM alert_destinations ORDER BY created_at, id')).map(toDestination);
    },
    async findDestination(id) {
      const row = await sql.get<DestinationRow>('SELECT * FROM alert_destinations WHERE id = ?', [id]);
      return row ? toDestination(row) : undefined;
    },
    async insertDestination(d) {
      await sql.run(
        `INSERT INTO alert_destinations (name, enabled, config_json, rate_per_minute, rate_burst, secret, updated_at, id, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [...destinationParams(d), d.createdAt],
      );
    },
    async updateDestination(d) {
      const result = await sql.run(
        'UPDATE alert_destinations SET name = ?, enabled = ?, config_json = ?, rate_per_minute = ?, rate_burst = ?, secret = ?, updated_at = ? WHERE id = ?',
        destinationParams(d),
      );
      return result.changes > 0;
    },
    async deleteDestination(id) {
      return (await sql.run('DELETE FROM alert_destinations WHERE id = ?', [id])).changes > 0;
    },

    async claimAlert(a) {
      const result = await sql.run(
        `INSERT INTO fired_alerts (${ALERT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (dedupe_key) DO NOTHING`,
        [
          a.id,
          a.dedupeKey,
          a.ruleId,
          a.ruleName,
          a.kind,
          a.severity,
          a.entityType,
          a.entityId,
          a.entityLabel,
          a.title,
          a.eventCount,
          a.firedAt,
          a.state,
          a.resolvedAt,
          JSON.stringify(a.details),
          a.groupKey,
          a.acknowledgedAt,
          a.acknowledgedBy,
          a.acknowledgeNote,
          a.resolvedBy,
          a.resolveNote,
        ],
      );
      return result.changes === 1;
    },
    async addOccurrences(dedupeKey, count) {
      await sql.run('UPDATE fired_alerts SET event_count = event_count + ? WHERE dedupe_key = ?', [count, dedupeKey]);
    },
    async lastFired(ruleId, entityId) {
      const row = await sql.get<{ dedupe_key: string; fired_at: string }>(
        'SELECT dedupe_key, fired_at FROM fired_alerts WHERE rule_id = ? AND entity_id = ? ORDER BY fired_at DESC, id DESC LIMIT 1',
        [ruleId, entityId],
      );
      return row ? { dedupeKey: row.dedupe_key, firedAt: row.fired_at } : undefined;
    },
    async findAlert(id) {
      const row = await sql.get<AlertRow>(`SELECT ${ALERT_COLUMNS} FROM fired_alerts WHERE id = ?`, [id]);
      return row ? toAlert(row) : undefined;
    },
    async queryAlerts(filter) {
      const { clauses, params } = alertWhere(filter);
      if (filter.beforeId !== undefined) {
        clauses.push('id < ?');
        params.push(filter.beforeId);
      }
      params.push(filter.limit);
      return (await sql.all<AlertRow>(`SELECT ${ALERT_COLUMNS} FROM fired_alerts ${whereSql(clauses)} ORDER BY id DESC LIMIT ?`, params)).map(toAlert);
    },
    async listOpen(kind) {
      return (await sql.all<AlertRow>(`SELECT ${ALERT_COLUMNS} FROM fired_alerts WHERE kind = ? AND state = 'open' ORDER BY id`, [kind])).map(toAlert);
    },
    async resolve(id, resolvedAt) {
      return (await sql.run("UPDATE fired_alerts SET state = 'resolved', resolved_at = ? WHERE id = ? AND state = 'open'", [resolvedAt, id])).changes > 0;
    },
    async groupLeader(ruleId, since) {
      const row = await sql.get<{ id: string }>('SELECT id FROM fired_alerts WHERE rule_id = ? AND fired_at >= ? AND group_key = id ORDER BY id DESC LIMIT 1', [ruleId, since]);
      return row?.id;
    },
    async queryAlertGroups(filter) {
      const { clauses, params } = alertWhere(filter);
      const having = filter.beforeLastId !== undefined ? 'HAVING MAX(id) < ?' : '';
      if (filter.beforeLastId !== undefined) params.push(filter.beforeLastId);
      params.push(filter.limit);
      const rows = await sql.all<{ group_key: string; last_id: string; n: number | string }>(
        `SELECT group_key, MAX(id) AS last_id, COUNT(*) AS n FROM fired_alerts ${whereSql(clauses)} GROUP BY group_key ${having} ORDER BY last_id DESC LIMIT ?`,
        params,
      );
      // PostgreSQL returns COUNT as a string.
      return rows.map((r) => ({ groupKey: r.group_key, lastId: r.last_id, count: Number(r.n) }));
    },
    async groupMembers(groupKeys, filter, perGroup) {
      if (groupKeys.length === 0) return [];
      const { clauses, params } = alertWhere(filter);
      clauses.push(`group_key IN (${groupKeys.map(() => '?').join(', ')})`);
      params.push(...groupKeys, perGroup);
      const rows = await sql.all<AlertRow>(
        `SELECT ${ALERT_COLUMNS} FROM (SELECT ${ALERT_COLUMNS}, ROW_NUMBER() OVER (PARTITION BY group_key ORDER BY id DESC) AS member_rank FROM fired_alerts ${whereSql(clauses)}) ranked
         WHERE member_rank <= ? ORDER BY id DESC`,
        params,
      );
      return rows.map(toAlert);
    },
    async countAlerts(filter, cap) {
      const { clauses, params } = alertWhere(filter);
      params.push(cap);
      const row = await sql.get<{ alert_count: number | string; group_count: number | string }>(
        `SELECT COUNT(*) AS alert_count, COUNT(DISTINCT group_key) AS group_count FROM (SELECT group_key FROM fired_alerts ${whereSql(clauses)} ORDER BY id DESC LIMIT ?) capped`,
        params,
      );
      return { alerts: Number(row?.alert_count ?? 0), groups: Number(row?.group_count ?? 0) };
    },
    async acknowledge(id, change) {
      const result = await sql.run(
        "UPDATE fired_alerts SET acknowledged_at = ?, acknowledged_by = ?, acknowledge_note = ? WHERE id = ? AND state = 'open' AND acknowledged_at IS NULL",
        [change.at, change.by, change.note, id],
      );
      return result.changes > 0;
    },
    async resolveBy(id, change) {
      const result = await sql.run("UPDATE fired_alerts SET state = 'resolved', resolved_at = ?, resolved_by = ?, resolve_note = ? WHERE id = ? AND state = 'open'", [
        change.at,
        change.by,
        change.note,
        id,
      ]);
      return result.changes > 0;
    },

    async addToWindow(ruleId, entityId, bucket, count, fromBucket) {
      await sql.run(
        `INSERT INTO alert_windows (rule_id, entity_id, bucket_ms, count) VALUES (?, ?, ?, ?)
         ON CONFLICT (rule_id, entity_id, bucket_ms) DO UPDATE SET count = alert_windows.count + excluded.count`,
        [ruleId, entityId, bucket, count],
      );
      const row = await sql.get<{ total: number | null }>(
        'SELECT CAST(SUM(count) AS BIGINT) AS total FROM alert_windows WHERE rule_id = ? AND entity_id = ? AND bucket_ms >= ? AND bucket_ms <= ?',
        [ruleId, entityId, fromBucket, bucket],
      );
      return row?.total ?? 0;
    },
    async pruneWindows(beforeMs) {
      return (await sql.run('DELETE FROM alert_windows WHERE bucket_ms < ?', [beforeMs])).changes;
    },

    async listOfflineAgents(lastSeenBefore) {
      const rows = await sql.all<{ id: string; group_id: string; info_json: string; last_seen_at: string }>(
        `SELECT id, group_id, info_json, last_seen_at FROM agents
         WHERE online = 0 AND revoked_at IS NULL AND last_seen_at IS NOT NULL AND last_seen_at < ? ORDER BY id`,
        [lastSeenBefore],
      );
      return rows.map((r) => ({ id: r.id, groupId: r.group_id, hostname: hostnameOf(r.info_json, r.id), lastSeenAt: r.last_seen_at }));
    },
    async agentSeenSince(agentId, since) {
      const row = await sql.get<{ online: number; last_seen_at: string | null }>('SELECT online, last_seen_at FROM agents WHERE id = ?', [agentId]);
      if (!row) return true; // A removed agent's offline period is over too.
      return row.online === 1 || (row.last_seen_at !== null && row.last_seen_at > since);
    },
    async listSkewedAgents(minOffsetMs) {
      const rows = await sql.all<{ id: string; group_id: string; info_json: string; clock_offset_ms: number | string; clock_measured_at: string }>(
        `SELECT id, group_id, info_json, clock_offset_ms, clock_measured_at FROM agents
         WHERE online <> 0 AND revoked_at IS NULL AND clock_measured_at IS NOT NULL AND (clock_offset_ms >= ? OR clock_offset_ms <= ?) ORDER BY id`,
        [minOffsetMs, -minOffsetMs],
      );
      // PostgreSQL returns BIGINT as a string.
      return rows.map((r) => ({ id: r.id, groupId: r.group_id, hostname: hostnameOf(r.info_json, r.id), offsetMs: Number(r.clock_offset_ms), measuredAt: r.clock_measured_at }));
    },
    async listRejectedReceipts(since) {
      const rows = await sql.all<{ id: string; info_json: string; receipt_serial: number; receipt_error: string | null; receipt_at: string }>(
        `SELECT id, info_json, receipt_serial, receipt_error, receipt_at FROM agents
         WHERE receipt_status = 'rejected' AND receipt_at >= ? ORDER BY id`,
        [since],
      );
      return rows.map((r) => ({ agentId: r.id, hostname: hostnameOf(r.info_json, r.id), serial: r.receipt_serial, error: r.receipt_error, receivedAt: r.receipt_at }));
    },
  };
}
