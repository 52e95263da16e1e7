import type { SqlParam, SqlStatements } from '@dlp/shared/node';
import { eventColumns, eventFromRow, type EventColumnsRow } from './event-queries';
import type { ImpactReadRepository, ImpactSubject, ImpactSubjectSet } from '../impact-read-store';

/**
 * The dialect-specific pieces of the impact read: the subject's fields that only the detail JSON
 * holds, of an events row aliased `alias` (sqlite/sqlite-impact-sql.ts, postgres/pg-impact-sql.ts).
 */
export interface ImpactReadSql {
  /**
   * A process's name as JSON text (a JSON string: a name may hold a NUL, which SQL text may not),
   * or the row's whole detail JSON where the engine cannot read it.
   */
  name(alias: string): string;
  /** The whole subject as JSON text (the same text for the same subject, so it can be grouped by), or the whole detail JSON as for `name`. */
  subject(alias: string): string;
  /**
   * Pick the rows by the (group, time) index, then read them in row order: rows stored close
   * together share pages, which the index's time order would read again and again (SQLite; a
   * PostgreSQL bitmap scan reads in page order by itself).
   */
  byRowId: boolean;
}

/**
 * The columns that make events identical for the replay, of an events row aliased `alias`. Column
 * `app` holds a process's path and is NULL for every other subject, so a row's JSON is read once:
 * for a process its name, for anything else (a USB device) the whole subject.
 */
function setColumns(dialect: ImpactReadSql, alias: string): Array<[column: string, sql: string]> {
  const a = alias;
  return [
    ['agent_id', `${a}.agent_id`],
    ['user_name', `${a}.user_name`],
    ['type', `${a}.type`],
    ['action', `${a}.action`],
    ['rule_id', `${a}.rule_id`],
    ['sha256', `${a}.sha256`],
    ['app', `${a}.app`],
    ['name', `CASE WHEN ${a}.app IS NOT NULL THEN ${dialect.name(a)} END`],
    ['subject', `CASE WHEN ${a}.app IS NULL THEN ${dialect.subject(a)} END`],
  ];
}

interface SetRow {
  agent_id: string;
  user_name: string | null;
  type: 'app' | 'usb';
  action: ImpactSubjectSet['action'];
  rule_id: string | null;
  sha256: string | null;
  app: string | null;
  name: string | null;
  subject: string | null;
  events: number;
  latest_ms: number;
  latest_row: number;
}

/** The stored subject as the detail JSON holds it (written by this console from a schema-validated event). */
interface StoredSubject {
  kind?: unknown;
  name?: unknown;
}

/** What `ImpactReadSql.name` or `.subject` answered: the value itself, or the whole detail holding it. */
function parseDetailPart(json: string): { value: unknown; subject: StoredSubject | undefined } {
  const value = JSON.parse(json) as unknown;
  const detail = typeof value === 'object' && value !== null && 'subject' in value ? (value as { subject: StoredSubject }) : undefined;
  return { value, subject: detail?.subject };
}

function subjectOf(row: SetRow): ImpactSubject {
  if (row.app !== null) {
    const part = row.name === null ? undefined : parseDetailPart(row.name);
    const name = part?.subject ? part.subject.name : part?.value;
    const subject: ImpactSubject = { kind: 'process', exePath: row.app, name: typeof name === 'string' ? name : '' };
    if (row.sha256 !== null) subject.sha256 = row.sha256;
    return subject;
  }
  const part = row.subject === null ? undefined : parseDetailPart(row.subject);
  const stored = (part?.subject ?? part?.value) as StoredSubject | undefined;
  return stored?.kind === 'device' ? (stored as ImpactSubject) : { kind: 'other' };
}

/** Row ids per `IN (…)` statement: far below either engine's bound-parameter limit. */
const ROW_IDS_PER_STATEMENT = 500;

/**
 * The impact preview's reads (see impact-read-store.ts). The sets are grouped in SQL: the engine
 * reads each event's row once and hands back one row per set, and the newest event of each set is
 * found by its (group, time) index entry, so ties in time are broken by row id as the search does.
 */
export function sqlImpactReadRepository(sql: SqlStatements, dialect: ImpactReadSql): ImpactReadRepository {
  const own = setColumns(dialect, 'e');
  const latest = setColumns(dialect, 'l');
  const sameSet = latest.map(([column, expression]) => `${expression} IS NOT DISTINCT FROM s.${column}`).join(' AND ');
  return {
    async subjectSets(filter) {
      const params: SqlParam[] = [filter.groupId, filter.fromMs, filter.toMs];
      let cut = '';
      if (filter.oldest) {
        cut = 'AND (occurred_at_ms > ? OR (occurred_at_ms = ? AND row_id >= ?))';
        params.push(filter.oldest.occurredAtMs, filter.oldest.occurredAtMs, filter.oldest.rowId);
      }
      const inScope = `group_id = ? AND occurred_at_ms >= ? AND occurred_at_ms < ? ${cut}`;
      const rows = await sql.all<SetRow>(
        `WITH s AS (
          SELECT ${own.map(([column, expression]) => `${expression} AS ${column}`).join(', ')}, count(*) AS events, max(e.occurred_at_ms) AS latest_ms
          FROM events e
          WHERE ${dialect.byRowId ? `e.row_id IN (SELECT row_id FROM events WHERE ${inScope})` : inScope} AND e.type IN ('app', 'usb')
          GROUP BY ${own.map((_, i) => i + 1).join(', ')})
        SELECT s.*, (SELECT max(l.row_id) FROM events l WHERE l.group_id = ? AND l.occurred_at_ms = s.latest_ms AND ${sameSet}) AS latest_row
        FROM s`,
        [...params, filter.groupId],
      );
      return rows.map((row) => ({
        agentId: row.agent_id,
        user: row.user_name,
        type: row.type,
        action: row.action,
        ruleId: row.rule_id,
        subject: subjectOf(row),
        events: Number(row.events),
        latest: { occurredAtMs: Number(row.latest_ms), rowId: Number(row.latest_row) },
      }));
    },

    async nthNewest(groupId, range, n) {
      const row = await sql.get<{ occurred_at_ms: number; row_id: number }>(
        'SELECT occurred_at_ms, row_id FROM events WHERE group_id = ? AND occurred_at_ms >= ? AND occurred_at_ms < ? ORDER BY occurred_at_ms DESC, row_id DESC LIMIT 1 OFFSET ?',
        [groupId, range.fromMs, range.toMs, n - 1],
      );
      return row ? { occurredAtMs: Number(row.occurred_at_ms), rowId: Number(row.row_id) } : undefined;
    },

    async eventsByRowId(rowIds) {
      const events = new Map<number, ReturnType<typeof eventFromRow>>();
      for (let start = 0; start < rowIds.length; start += ROW_IDS_PER_STATEMENT) {
        const chunk = rowIds.slice(start, start + ROW_IDS_PER_STATEMENT);
        const rows = await sql.all<EventColumnsRow & { row_id: number }>(`SELECT row_id, ${eventColumns()} FROM events WHERE row_id IN (${chunk.map(() => '?').join(', ')})`, [...chunk]);
        for (const row of rows) events.set(Number(row.row_id), eventFromRow(row));
      }
      return events;
    },
  };
}
