import type { FieldIssue, TriageBulkRequest, TriageBulkResult, TriageState } from '@dlp/shared';
import type { ConsoleStore } from '../store/store';
import type { TriageAnnotation, TriageStateRecord } from '../store/triage-store';
import type { AuditService } from '../audit/audit-service';
import { ServiceError } from '../service-kit/service-error';
import { effectiveTriage } from './triage-info';
import type { TriageActor } from './triage-actor';

/** Missing events named in the 404's issues, at most this many (the count is in the message). */
const MISSING_ISSUES = 10;

const keyOf = (event: { agentId: string; seq: number }) => `${event.agentId}/${event.seq}`;

/**
 * Sets one state and/or adds one note on each of the named events (their own state, never their
 * group's: a selection is a list of events). All or nothing: an event that does not exist refuses
 * the whole request. The changes, one history entry per event and one audit row (every event
 * named, with the states it replaced) commit together.
 */
export async function bulkTriage(store: ConsoleStore, audit: AuditService, request: TriageBulkRequest, who: TriageActor): Promise<TriageBulkResult> {
  return store.transaction(async (tx) => {
    const annotations = new Map((await tx.triage.annotate(request.events)).map((annotation) => [keyOf(annotation), annotation]));
    const found: Array<{ agentId: string; seq: number; annotation: TriageAnnotation }> = [];
    const missing: FieldIssue[] = [];
    request.events.forEach((event, index) => {
      const annotation = annotations.get(keyOf(event));
      if (annotation) found.push({ ...event, annotation });
      else missing.push({ path: `events.${index}`, message: `event ${keyOf(event)} does not exist` });
    });
    if (missing.length > 0) {
      throw new ServiceError('not_found', 'not_found', `${missing.length} of the ${request.events.length} events do not exist; nothing was changed.`, missing.slice(0, MISSING_ISSUES));
    }

    const at = new Date().toISOString();
    const record: TriageStateRecord | null = request.state === undefined ? null : { state: request.state, updatedById: who.actor.id, updatedBy: who.actor.username, updatedAt: at };
    const replaced: Record<string, TriageState> = {};
    const items: TriageBulkResult['items'] = [];
    for (const { agentId, seq, annotation } of found) {
      const previousState = annotation.eventState?.state ?? null;
      if (previousState !== null) replaced[keyOf(annotation)] = previousState;
      if (record) await tx.triage.setEventState(agentId, seq, record);
      await tx.triage.appendHistory({
        scope: 'event',
        agentId,
        seq,
        fingerprint: null,
        at,
        actorId: who.actor.id,
        actorUsername: who.actor.username,
        state: request.state ?? null,
        previousState,
        note: request.note ?? null,
      });
      const triage = record ? { state: record.state, scope: 'event' as const, updatedBy: record.updatedBy, updatedAt: record.updatedAt } : effectiveTriage(annotation);
      items.push({ agentId, seq, triage });
    }
    await audit.record(
      {
        ...who,
        action: request.state !== undefined ? 'triage.bulk_set_state' : 'triage.bulk_note',
        target: { type: 'events', id: `${found.length} events` },
        // Only the events' own states are replaced; events without one showed their group's or `new`.
        before: { states: replaced },
        after: { events: found.map(keyOf), ...(request.state !== undefined ? { state: request.state } : {}), ...(request.note !== undefined ? { note: request.note } : {}) },
      },
      tx,
    );
    return { items };
  });
}
