import type { StoredEvent } from '@dlp/shared';
import type { EventKey, EventRepository } from '../store';
import type { SqlParam } from '@dlp/shared/node';
import { eventColumns, eventFromRow, eventTimeMs, INSERT_COLUMNS, pushEventRow, rollupInput, sqlEventRepository, type EventColumnsRow } from '../sql/event-queries';
import { copyEvents, type PgCopyStatements } from './pg-event-copy';
import { PG_INGEST_SQL } from './pg-event-ingest-sql';
import type { PgParam, PgStatements } from './pg-statements';

/**
 * Rows per statement. The rows travel as column arrays unnested server-side, so the statement text
 * is the same for every batch and there is no bound-parameter limit.
 */
export const PG_EVENT_ROWS_PER_STATEMENT = 5000;

/** Where group_id sits in a stored row: the unnest statement joins it from `agents` instead. */
const GROUP_COLUMN = INSERT_COLUMNS.indexOf('group_id');

/**
 * The unnest statement's column arrays for a chunk of events: the very row values SQLite inserts
 * and the COPY path writes (one row builder, `pushEventRow`), minus group_id.
 */
function columnArrays(events: readonly StoredEvent[]): PgParam[] {
  const columns: Array<Array<string | number | null>> = INSERT_COLUMNS.map(() => []);
  const row: SqlParam[] = [];
  for (const event of events) {
    row.length = 0;
    const occurredAtMs = eventTimeMs(event);
    pushEventRow(row, event, occurredAtMs, null, rollupInput(event, occurredAtMs));
    // An event row holds only text, integers and NULL (no bigint, no BLOB).
    row.forEach((value, c) => columns[c]?.push(value as string | number | null));
  }
  columns.splice(GROUP_COLUMN, 1);
  return columns;
}

function canCopy(sql: PgStatements): sql is PgCopyStatements {
  return sql.copyFrom !== undefined;
}

/**
 * Events on PostgreSQL: the same columns, roll-ups and keyset order as SQLite. In a transaction a
 * batch is COPYed (pg-event-copy.ts; about twice the rows per second of the unnest INSERT); a batch
 * holding an event already stored, and any batch outside a transaction, goes through one unnest
 * statement per chunk that skips duplicates.
 */
export function pgEventRepository(sql: PgStatements): EventRepository {
  return {
    // Queries are portable; only ingest differs.
    ...sqlEventRepository(sql),
    async insertEvents(events) {
      const inserted: EventKey[] = [];
      if (events.length === 0) return inserted;
      if (canCopy(sql) && (await copyEvents(sql, events))) return events.map((e) => ({ agentId: e.agentId, seq: e.seq }));
      for (let start = 0; start < events.length; start += PG_EVENT_ROWS_PER_STATEMENT) {
        const chunk = events.slice(start, start + PG_EVENT_ROWS_PER_STATEMENT);
        // RETURNING leaves out rows already stored; report the new ones in the batch's order.
        const rows = await sql.all<{ agent_id: string; seq: number }>(PG_INGEST_SQL, columnArrays(chunk));
        const added = new Set(rows.map((row) => `${row.agent_id}:${row.seq}`));
        for (const event of chunk) if (added.delete(`${event.agentId}:${event.seq}`)) inserted.push({ agentId: event.agentId, seq: event.seq });
      }
      return inserted;
    },
  };
}

/** Consecutive sequence numbers of one agent: from ≤ seq ≤ to. */
export interface EventSeqRange {
  agentId: string;
  from: number;
  to: number;
}

/**
 * The stored events in these ranges, in ingest order: how a node reads the events another node
 * announced over the cluster bus (a notification carries only their keys).
 */
export async function pgEventsInRanges(sql: PgStatements, ranges: readonly EventSeqRange[]): Promise<StoredEvent[]> {
  if (ranges.length === 0) return [];
  const rows = await sql.all<EventColumnsRow>(
    `SELECT ${eventColumns('e')} FROM unnest(?::text[], ?::bigint[], ?::bigint[]) AS r (agent_id, seq_from, seq_to)
       JOIN events e ON e.agent_id = r.agent_id AND e.seq BETWEEN r.seq_from AND r.seq_to
      ORDER BY e.row_id`,
    [ranges.map((r) => r.agentId), ranges.map((r) => r.from), ranges.map((r) => r.to)],
  );
  return rows.map(eventFromRow);
}
