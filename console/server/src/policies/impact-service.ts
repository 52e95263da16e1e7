import { IMPACT_MAX_EVENTS, IMPACT_PAGE, type ImpactReport, type ImpactScope } from '@dlp/shared';
import type { EventSearchPosition } from '../store/event-search-store';
import type { ConsoleStore } from '../store/store';
import { ImpactBucketTally } from './impact-buckets';
import { APPS_AS_ENFORCED, ImpactReplay, type EffectiveApps } from './impact-replay';
import { notFound, ServiceError } from '../service-kit/service-error';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Impact preview: what a draft would have done to the last N days of stored events of the groups
 * that use its policy (or of one chosen group), in hosts, users and events per bucket.
 */
export class ImpactService {
  constructor(
    private readonly store: ConsoleStore,
    private readonly effectiveApps: EffectiveApps = APPS_AS_ENFORCED,
    private readonly now: () => number = Date.now,
  ) {}

  async preview(draftId: string, days: number, groupId?: string): Promise<ImpactReport> {
    const draft = await this.store.drafts.findById(draftId);
    if (!draft) throw notFound('draft', draftId);
    const scope = await this.scopeOf(draft.policyId, groupId);
    const toMs = this.now();
    const fromMs = toMs - days * DAY_MS;
    const from = new Date(fromMs).toISOString();
    const to = new Date(toMs).toISOString();
    const buckets = new ImpactBucketTally({ from, to });
    const replay = new ImpactReplay(draft.document, this.effectiveApps, buckets);
    const osByAgent = new Map<string, string>();
    let budget = IMPACT_MAX_EVENTS;
    let truncated = false;
    for (const group of scope.groups) {
      let after: EventSearchPosition | undefined;
      for (;;) {
        if (budget <= 0) {
          truncated = true;
          break;
        }
        const limit = Math.min(IMPACT_PAGE, budget);
        // One pass over the group's events, newest first on the (group, time) index: the type is not
        // in that index, so a pass per type would fetch every row once per type. The replay skips
        // what is neither an app nor a USB event.
        const rows = await this.store.eventSearch.search({ groupId: group.id, fromMs, toMs, limit, ...(after ? { after } : {}) });
        for (const row of rows) if (row.event.type === 'app' || row.event.type === 'usb') replay.add(row.event, await this.osOf(row.event.agentId, osByAgent), group.id);
        budget -= rows.length;
        const last = rows[rows.length - 1];
        if (rows.length < limit || !last) break;
        after = { occurredAtMs: last.occurredAtMs, rowId: last.rowId };
      }
    }
    return {
      draftId,
      policyId: draft.policyId,
      mode: draft.document.mode,
      days,
      from,
      to,
      appEvents: replay.appEvents,
      usbDevices: replay.usbDevices,
      truncated,
      scope,
      buckets: buckets.finish(truncated),
      ...replay.finish(),
    };
  }

  /** The groups that use the policy, or the chosen group (which must exist). */
  private async scopeOf(policyId: string, groupId: string | undefined): Promise<ImpactScope> {
    if (groupId === undefined) {
      const groups = await this.store.groups.listByPolicy(policyId);
      return { kind: 'policy', groups: groups.map((g) => ({ id: g.id, name: g.name, usesPolicy: true })).sort((a, b) => a.name.localeCompare(b.name)) };
    }
    const group = await this.store.groups.findById(groupId);
    if (!group) throw new ServiceError('invalid_request', 'invalid_request', `Group ${groupId} does not exist.`, [{ path: 'groupId', message: 'no such group' }]);
    return { kind: 'chosen', groups: [{ id: group.id, name: group.name, usesPolicy: group.policyId === policyId }] };
  }

  private async osOf(agentId: string, cache: Map<string, string>): Promise<string> {
    let os = cache.get(agentId);
    if (os === undefined) {
      os = (await this.store.agents.findById(agentId))?.info.os ?? 'linux';
      cache.set(agentId, os);
    }
    return os;
  }
}
