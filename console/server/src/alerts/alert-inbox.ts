import { ALERT_COUNT_CAP, ALERT_GROUP_MEMBERS, type AlertGroup, type AlertGroupPage, type AlertQuery, type AlertTriageResult, type alertTriageRequest } from '@dlp/shared';
import type { z } from 'zod';
import type { AuditEntryInput, AuditService } from '../audit/audit-service';
import { decodeIdCursor, encodeIdCursor } from '../service-kit/cursor';
import { notFound } from '../service-kit/service-error';
import type { AlertTriageChange, FiredAlertFilter, FiredAlertRecord } from '../store/alert-store';
import type { ConsoleStore } from '../store/store';
import { toFiredAlert } from './alert-view';

type Who = Pick<AuditEntryInput, 'actor' | 'sourceIp'>;
type TriageRequest = z.output<typeof alertTriageRequest>;
type TriageAction = 'acknowledge' | 'resolve';

/** The filter part of the query (everything but paging), in store terms. */
function filterOf(query: Omit<AlertQuery, 'cursor' | 'limit'>): Omit<FiredAlertFilter, 'beforeId' | 'limit'> {
  const filter: Omit<FiredAlertFilter, 'beforeId' | 'limit'> = {};
  if (query.state !== undefined) filter.state = query.state;
  if (query.ruleId !== undefined) filter.ruleId = query.ruleId;
  if (query.kind !== undefined) filter.kind = query.kind;
  if (query.from !== undefined) filter.fromAt = new Date(query.from).toISOString();
  if (query.to !== undefined) filter.toAt = new Date(query.to).toISOString();
  return filter;
}

/** A group row from its members (newest first, at least one). */
function toGroup(key: string, count: number, members: readonly FiredAlertRecord[]): AlertGroup | undefined {
  const newest = members[0];
  const oldest = members[members.length - 1];
  if (!newest || !oldest) return undefined;
  return {
    key,
    ruleId: newest.ruleId,
    ruleName: newest.ruleName,
    kind: newest.kind,
    severity: newest.severity,
    count,
    firstFiredAt: oldest.firedAt,
    lastFiredAt: newest.firedAt,
    alerts: members.map(toFiredAlert),
  };
}

function actorName(who: Who): string {
  return 'username' in who.actor ? who.actor.username : who.actor.system;
}

/**
 * The alerts inbox (issue 17): alerts grouped by rule and firing burst, paged by group with a total,
 * and acknowledged or resolved by people with a note, each change audited in the same transaction.
 */
export class AlertInbox {
  constructor(
    private readonly store: ConsoleStore,
    private readonly audit: AuditService,
    private readonly now: () => number = Date.now,
  ) {}

  /** Newest group first; the cursor is the last group's newest alert id. */
  async listGroups(query: AlertQuery): Promise<AlertGroupPage> {
    const filter = filterOf(query);
    const heads = await this.store.alerts.queryAlertGroups({
      ...filter,
      limit: query.limit + 1,
      ...(query.cursor !== undefined ? { beforeLastId: decodeIdCursor(query.cursor) } : {}),
    });
    const page = heads.slice(0, query.limit);
    const members = await this.store.alerts.groupMembers(
      page.map((h) => h.groupKey),
      filter,
      ALERT_GROUP_MEMBERS,
    );
    const byGroup = new Map<string, FiredAlertRecord[]>();
    for (const member of members) byGroup.set(member.groupKey, [...(byGroup.get(member.groupKey) ?? []), member]);
    const items = page.flatMap((head) => toGroup(head.groupKey, head.count, byGroup.get(head.groupKey) ?? []) ?? []);
    const last = page[page.length - 1];
    const counted = await this.store.alerts.countAlerts(filter, ALERT_COUNT_CAP + 1);
    return {
      items,
      nextCursor: heads.length > query.limit && last ? encodeIdCursor(last.lastId) : null,
      total: { alerts: Math.min(counted.alerts, ALERT_COUNT_CAP), groups: counted.groups, exact: counted.alerts <= ALERT_COUNT_CAP },
    };
  }

  acknowledge(request: TriageRequest, who: Who): Promise<AlertTriageResult> {
    return this.change('acknowledge', request, who);
  }

  resolve(request: TriageRequest, who: Who): Promise<AlertTriageResult> {
    return this.change('resolve', request, who);
  }

  /** All or nothing: an unknown id fails the whole request (404) before anything changes. */
  private async change(action: TriageAction, request: TriageRequest, who: Who): Promise<AlertTriageResult> {
    const change: AlertTriageChange = { at: new Date(this.now()).toISOString(), by: actorName(who), note: request.note };
    return this.store.transaction(async (tx) => {
      const items: FiredAlertRecord[] = [];
      const unchanged: string[] = [];
      for (const id of request.ids) {
        const before = await tx.alerts.findAlert(id);
        if (!before) throw notFound('alert', id);
        const changed = action === 'acknowledge' ? await tx.alerts.acknowledge(id, change) : await tx.alerts.resolveBy(id, change);
        if (!changed) {
          unchanged.push(id);
          items.push(before);
          continue;
        }
        const after = (await tx.alerts.findAlert(id)) ?? before;
        items.push(after);
        await this.audit.record(
          { ...who, action: `alert.${action}`, target: { type: 'alert', id }, before: { state: toFiredAlert(before).state }, after: { state: toFiredAlert(after).state, note: change.note } },
          tx,
        );
      }
      return { items: items.map(toFiredAlert), unchanged };
    });
  }
}
