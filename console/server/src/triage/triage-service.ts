import type { Page, TriageBulkRequest, TriageBulkResult, TriageCount, TriageCountQuery, TriageDetail, TriagedEvent, TriageEventQuery, TriageState, TriageUpdateRequest } from '@dlp/shared';
import type { ConsoleStore } from '../store/store';
import type { TriageHistoryRecord, TriageStateRecord } from '../store/triage-store';
import type { AuditService } from '../audit/audit-service';
import { ServiceError } from '../service-kit/service-error';
import { triageGroupKey } from '../store/triage-fingerprint';
import { triageInfoOf } from './triage-info';
import { TriageWalk } from './triage-walk';
import type { TriageActor } from './triage-actor';
import { bulkTriage } from './triage-bulk';

export type { TriageActor } from './triage-actor';

function recordView(record: TriageStateRecord | null): TriageDetail['event'] {
  return record ? { state: record.state, updatedBy: record.updatedBy, updatedAt: record.updatedAt } : null;
}

function historyView(entry: TriageHistoryRecord): TriageDetail['history'][number] {
  return {
    id: entry.id,
    at: entry.at,
    scope: entry.scope,
    state: entry.state,
    previousState: entry.previousState,
    note: entry.note,
    actor: { id: entry.actorId, username: entry.actorUsername },
  };
}

function eventNotFound(agentId: string, seq: number): ServiceError {
  return new ServiceError('not_found', 'not_found', `Event ${seq} of agent ${agentId} does not exist.`);
}

/** Officers' triage of events: search with states, detail with history, and audited changes. */
export class TriageService {
  private readonly walk: TriageWalk;

  constructor(
    private readonly store: ConsoleStore,
    private readonly audit: AuditService,
  ) {
    this.walk = new TriageWalk(store);
  }

  /**
   * One page of GET /events with triage states. With a state filter the console examines at most
   * a bounded number of events per request, so a page can be short; `nextCursor` continues.
   */
  async search(query: TriageEventQuery): Promise<Page<TriagedEvent>> {
    const { cursor, limit, triageState, ...filter } = query;
    const result = await this.walk.page(filter, triageState, limit, cursor);
    return { items: result.items, nextCursor: result.nextCursor };
  }

  /** How many events the search finds, up to `max` (`exact: false`: at least `count`). */
  count(query: TriageCountQuery): Promise<TriageCount> {
    const { max, triageState, ...filter } = query;
    return this.walk.count(filter, triageState, max);
  }

  /** One state and/or note on each listed event, all or nothing, audited once (see triage-bulk.ts). */
  bulkUpdate(request: TriageBulkRequest, who: TriageActor): Promise<TriageBulkResult> {
    return bulkTriage(this.store, this.audit, request, who);
  }

  async detail(agentId: string, seq: number): Promise<TriageDetail> {
    const found = await this.store.triage.findEvent(agentId, seq);
    if (!found) throw eventNotFound(agentId, seq);
    const effective = triageInfoOf(found.event, found.annotation);
    const history = await this.store.triage.listHistory(agentId, seq, effective.fingerprint);
    return {
      agentId,
      seq,
      effective,
      event: recordView(found.annotation.eventState),
      group: recordView(found.annotation.groupState),
      history: history.map(historyView),
    };
  }

  /**
   * Sets the state of the event or of its whole group and/or adds a note; the change, its history
   * entry and its audit row commit together.
   */
  async update(agentId: string, seq: number, request: TriageUpdateRequest, who: TriageActor): Promise<TriageDetail> {
    await this.store.transaction(async (tx) => {
      const found = await tx.triage.findEvent(agentId, seq);
      if (!found) throw eventNotFound(agentId, seq);
      const group = triageGroupKey(found.event, found.annotation.subjectKey);
      const current = request.scope === 'event' ? found.annotation.eventState : found.annotation.groupState;
      const previousState: TriageState | null = current?.state ?? null;
      const at = new Date().toISOString();
      if (request.state !== undefined) {
        const record: TriageStateRecord = { state: request.state, updatedById: who.actor.id, updatedBy: who.actor.username, updatedAt: at };
        if (request.scope === 'event') await tx.triage.setEventState(agentId, seq, record);
        else await tx.triage.setGroupState(group, record);
      }
      await tx.triage.appendHistory({
        scope: request.scope,
        agentId,
        seq: request.scope === 'event' ? seq : null,
        fingerprint: request.scope === 'group' ? group.fingerprint : null,
        at,
        actorId: who.actor.id,
        actorUsername: who.actor.username,
        state: request.state ?? null,
        previousState,
        note: request.note ?? null,
      });
      const eventName = `${agentId}/${seq}`;
      await this.audit.record(
        {
          ...who,
          action: request.state !== undefined ? 'triage.set_state' : 'triage.note',
          target: request.scope === 'event' ? { type: 'event', id: eventName } : { type: 'event-group', id: group.fingerprint },
          before: previousState === null ? undefined : { state: previousState },
          after: { scope: request.scope, event: eventName, ...(request.state !== undefined ? { state: request.state } : {}), ...(request.note !== undefined ? { note: request.note } : {}) },
        },
        tx,
      );
    });
    return this.detail(agentId, seq);
  }
}
