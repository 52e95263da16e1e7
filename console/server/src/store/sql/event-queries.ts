import type { EventSubject, StoredEvent } from '@dlp/shared';
import type { RunResult, SqlParam, SqlStatements } from '@dlp/shared/node';
import type { EventKey, EventRepository, EventRow } from '../store';
import { RollupDeltas, type RollupInput } from './event-rollup-queries';

/**
 * Rows per INSERT statement. 500 rows × 17 columns stays below SQLite's bound-parameter limit
 * (32,766) and makes a whole agent batch one prepared, cached statement (one driver round trip).
 */
export const EVENT_ROWS_PER_STATEMENT = 500;

/** The stored columns of an event row, in the order `pushEventRow` appends them. */
export const INSERT_COLUMNS = [
  'event_id',
  'agent_id',
  'seq',
  'occurred_at_ms',
  'received_at',
  'type',
  'action',
  'severity',
  'rule_id',
  'sha256',
  'detail_json',
  'group_id',
  'user_name',
  'host',
  'device_key',
  'app',
  'search_text',
] as const;

const insertSqlByRowCount = new Map<number, string>();

function insertSql(rows: number): string {
  let sql = insertSqlByRowCount.get(rows);
  if (sql === undefined) {
    const tuple = `(${INSERT_COLUMNS.map(() => '?').join(', ')})`;
    sql =
      `INSERT INTO events (${INSERT_COLUMNS.join(', ')}) VALUES ${Array.from({ length: rows }, () => tuple).join(', ')} ` +
      'ON CONFLICT (agent_id, seq) DO NOTHING';
    insertSqlByRowCount.set(rows, sql);
  }
  return sql;
}

/**
 * Where the event sits in time, Unix ms: the stored occurred_at_ms that search, order and roll-ups
 * use. Ingest sets placedAt (the agent's time corrected by its clock offset, see agent-clocks.ts);
 * an event without it is placed at its own time. The agent's own occurredAt, when it differs, is
 * kept in detail_json (eventDetailJson), so both times come back.
 */
export function eventTimeMs(event: StoredEvent): number {
  return Date.parse(event.placedAt ?? event.occurredAt);
}

/** The executable's or file's hash, when the agent sent one. */
export function subjectSha256(event: StoredEvent): string | null {
  const subject = event.subject;
  return (subject.kind === 'process' || subject.kind === 'file') && subject.sha256 !== undefined ? subject.sha256 : null;
}

/** `vid:pid` or `vid:pid:serial`: the identity reports and filters use for a USB device. */
export function deviceKeyOf(event: StoredEvent): string | null {
  const subject = event.subject;
  if (subject.kind !== 'device') return null;
  return subject.serial !== undefined && subject.serial !== '' ? `${subject.vendorId}:${subject.productId}:${subject.serial}` : `${subject.vendorId}:${subject.productId}`;
}

/** What free text matches: lowercased exe/file path, device names, rule, user and host. */
export function searchTextOf(event: StoredEvent): string {
  const subject = event.subject;
  let what = '';
  if (subject.kind === 'process') what = subject.exePath;
  else if (subject.kind === 'file') what = subject.path;
  else if (subject.kind === 'device') what = `${subject.vendorName ?? ''} ${subject.productName ?? ''} ${deviceKeyOf(event) ?? ''}`;
  return `${what}\n${event.ruleId ?? ''}\n${event.user ?? ''}\n${event.host}`.toLowerCase();
}

/**
 * What of an event its own columns do not hold, as JSON: the policy serial and the subject without
 * its sha256 (column sha256) or a process's exePath (column app); occurredAt only when the agent
 * wrote it otherwise than the canonical UTC form of occurred_at_ms (an offset, another precision,
 * or the console placed the event elsewhere: a skewed agent clock, an implausible time).
 * Every byte of a row is written to the WAL and the database file: storing the whole event again
 * took four times the JSON bytes and about a fifth more insert time (docs/BENCHMARKS.md).
 */
export function eventDetailJson(event: StoredEvent, occurredAtMs: number): string {
  // JSON.stringify leaves out properties set to undefined; a spread copy is far cheaper than
  // rebuilding the subject key by key, and this runs for every event ingested.
  const subject = event.subject;
  const rest = subject.kind === 'process' ? { ...subject, exePath: undefined, sha256: undefined } : subject.kind === 'file' ? { ...subject, sha256: undefined } : subject;
  const occurredAt = new Date(occurredAtMs).toISOString() === event.occurredAt ? undefined : event.occurredAt;
  return JSON.stringify({ occurredAt, policySerial: event.policySerial, subject: rest });
}

/** The columns `eventFromRow` reads, of an events row aliased `alias` (or unaliased). */
export function eventColumns(alias?: string): string {
  const prefix = alias === undefined ? '' : `${alias}.`;
  return EVENT_READ_COLUMNS.map((column) => `${prefix}${column}`).join(', ');
}

/** Every stored column but those only filters and reports read. */
const EVENT_READ_COLUMNS = INSERT_COLUMNS.filter((column) => column !== 'group_id' && column !== 'device_key' && column !== 'search_text');

/** An events row as `eventColumns()` selects it (PostgreSQL may return BIGINTs as strings). */
export interface EventColumnsRow {
  event_id: string;
  agent_id: string;
  seq: number | string;
  occurred_at_ms: number | string;
  received_at: string;
  type: StoredEvent['type'];
  action: StoredEvent['action'];
  severity: StoredEvent['severity'];
  user_name: string | null;
  host: string;
  rule_id: string | null;
  sha256: string | null;
  app: string | null;
  detail_json: string;
}

/** The stored event, put back together from its columns and its detail JSON (see eventDetailJson). */
export function eventFromRow(row: EventColumnsRow): StoredEvent {
  // Written by this console from a schema-validated event.
  const detail = JSON.parse(row.detail_json) as { occurredAt?: string; policySerial: number | null; subject: Record<string, unknown> };
  const subject = detail.subject;
  if (subject.kind === 'process' && row.app !== null) subject.exePath = row.app;
  if ((subject.kind === 'process' || subject.kind === 'file') && row.sha256 !== null) subject.sha256 = row.sha256;
  const placedMs = Number(row.occurred_at_ms);
  const placedAt = new Date(placedMs).toISOString();
  const event: StoredEvent = {
    id: row.event_id,
    seq: Number(row.seq),
    occurredAt: detail.occurredAt ?? placedAt,
    type: row.type,
    action: row.action,
    severity: row.severity,
    user: row.user_name,
    host: row.host,
    ruleId: row.rule_id,
    policySerial: detail.policySerial,
    subject: subject as unknown as EventSubject,
    agentId: row.agent_id,
    receivedAt: row.received_at,
  };
  // Only an event the console placed elsewhere than the agent's time carries placedAt (as at ingest).
  if (detail.occurredAt !== undefined && Date.parse(detail.occurredAt) !== placedMs) event.placedAt = placedAt;
  return event;
}

/** Appends one event's stored columns, in INSERT_COLUMNS order (SQLite's insert, PostgreSQL's COPY). */
export function pushEventRow(params: SqlParam[], event: StoredEvent, occurredAtMs: number, groupId: string | null, rollup: RollupInput): void {
  params.push(
    event.id,
    event.agentId,
    event.seq,
    occurredAtMs,
    event.receivedAt,
    event.type,
    event.action,
    event.severity,
    event.ruleId,
    subjectSha256(event),
    eventDetailJson(event, occurredAtMs),
    groupId,
    rollup.user,
    rollup.host,
    rollup.deviceKey,
    rollup.app,
    searchTextOf(event),
  );
}

/** What roll-ups count of one event. */
export function rollupInput(event: StoredEvent, occurredAtMs: number): RollupInput {
  return {
    occurredAtMs,
    type: event.type,
    action: event.action,
    severity: event.severity,
    user: event.user,
    host: event.host,
    deviceKey: deviceKeyOf(event),
    app: event.subject.kind === 'process' ? event.subject.exePath : null,
  };
}

/** The group of each agent now (stored on its events: reports by group stay true after a move). */
async function groupsOf(sql: SqlStatements, events: readonly StoredEvent[]): Promise<Map<string, string>> {
  const ids = [...new Set(events.map((e) => e.agentId))];
  const groups = new Map<string, string>();
  for (let start = 0; start < ids.length; start += 500) {
    const chunk = ids.slice(start, start + 500);
    const rows = await sql.all<{ id: string; group_id: string }>(`SELECT id, group_id FROM agents WHERE id IN (${chunk.map(() => '?').join(', ')})`, chunk);
    for (const row of rows) groups.set(row.id, row.group_id);
  }
  return groups;
}

/** Events: a column per filterable field plus the rest as JSON (eventDetailJson). */
export function sqlEventRepository(sql: SqlStatements): EventRepository {
  return {
    async insertEvents(events) {
      const inserted: EventKey[] = [];
      const groups = await groupsOf(sql, events);
      const deltas = new RollupDeltas();
      // Pipelined: every statement is sent to the connection's worker as soon as its parameters
      // are built and runs there (in order) while this thread builds the next; results are
      // awaited only once all are sent.
      const pending: Array<{ chunk: readonly StoredEvent[]; rollups: RollupInput[]; result: Promise<RunResult> }> = [];
      for (let start = 0; start < events.length; start += EVENT_ROWS_PER_STATEMENT) {
        const chunk = events.slice(start, start + EVENT_ROWS_PER_STATEMENT);
        const params: SqlParam[] = [];
        const rollups: RollupInput[] = [];
        for (const event of chunk) {
          const occurredAtMs = eventTimeMs(event);
          const rollup = rollupInput(event, occurredAtMs);
          rollups.push(rollup);
          pushEventRow(params, event, occurredAtMs, groups.get(event.agentId) ?? null, rollup);
        }
        const result = sql.run(insertSql(chunk.length), params);
        // Awaited below in order; this only keeps a later failure from counting as unhandled
        // while an earlier statement is awaited.
        result.catch(() => undefined);
        pending.push({ chunk, rollups, result });
      }
      for (const { chunk, rollups, result: running } of pending) {
        const result = await running;
        if (result.changes === chunk.length) {
          for (const event of chunk) inserted.push({ agentId: event.agentId, seq: event.seq });
          for (const rollup of rollups) deltas.add(rollup);
        } else if (result.changes > 0) {
          // Rare (a redelivery): find which rows this statement added. Within one statement on one
          // connection new rows take consecutive rowids ending at the last insert rowid. This is
          // cheaper than RETURNING, which would build a row object for every event of every batch.
          const rows = await sql.all<{ agent_id: string; seq: number }>('SELECT agent_id, seq FROM events WHERE row_id > ? AND row_id <= ?', [
            result.lastId - result.changes,
            result.lastId,
          ]);
          const added = new Set(rows.map((row) => `${row.agent_id}:${row.seq}`));
          chunk.forEach((event, i) => {
            const rollup = rollups[i];
            // delete(): a batch carrying the same event twice stored (and counts) it once.
            if (!rollup || !added.delete(`${event.agentId}:${event.seq}`)) return;
            inserted.push({ agentId: event.agentId, seq: event.seq });
            deltas.add(rollup);
          });
        }
      }
      // Same transaction as the rows: a committed event is always counted, exactly once.
      await deltas.write(sql);
      return inserted;
    },
    async query(filter) {
      const where: string[] = [];
      const params: SqlParam[] = [];
      const add = (condition: string, value: SqlParam | undefined): void => {
        if (value === undefined) return;
        where.push(condition);
        params.push(value);
      };
      add('occurred_at_ms >= ?', filter.fromMs);
      add('occurred_at_ms < ?', filter.toMs);
      add('agent_id = ?', filter.agentId);
      add('type = ?', filter.type);
      add('action = ?', filter.action);
      add('severity = ?', filter.severity);
      add('row_id < ?', filter.beforeRowId);
      params.push(filter.limit);
      const clause = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
      const rows = await sql.all<EventColumnsRow & { row_id: number }>(`SELECT row_id, ${eventColumns()} FROM events ${clause} ORDER BY row_id DESC LIMIT ?`, params);
      return rows.map((row): EventRow => ({ rowId: row.row_id, event: eventFromRow(row) }));
    },
  };
}
