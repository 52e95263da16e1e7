import { IMPACT_MAX_EVENTS, type ImpactReport, type ImpactScope } from '@dlp/shared';
import type { EventSearchPosition } from '../store/event-search-store';
import type { ConsoleStore } from '../store/store';
import { ImpactBucketTally } from './impact-buckets';
import { APPS_AS_ENFORCED, ImpactReplay, type EffectiveApps } from './impact-replay';
import { replayOrder, type ReplayedSet } from './impact-sets';
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
    const { sets, truncated } = await this.readSets(scope, fromMs, toMs);
    const osByAgent = await this.osOfAgents(new Set(sets.map((set) => set.agentId)));
    for (const set of sets) replay.add(set, osByAgent.get(set.agentId) ?? 'linux');
    const sections = await replay.finish((rowIds) => this.store.eventSearch.impact.eventsByRowId(rowIds));
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
      ...sections,
    };
  }

  /**
   * The scope's app and USB events as sets of identical events, in replay order. At most
   * IMPACT_MAX_EVENTS events (of any type) are replayed, the scope's groups in turn and newest first
   * within each: a group that reaches the limit is cut at its limit-th newest event, and the answer
   * is marked truncated.
   */
  private async readSets(scope: ImpactScope, fromMs: number, toMs: number): Promise<{ sets: ReplayedSet[]; truncated: boolean }> {
    const sets: ReplayedSet[] = [];
    let budget = IMPACT_MAX_EVENTS;
    let truncated = false;
    for (const group of scope.groups) {
      if (budget <= 0) {
        truncated = true;
        break;
      }
      // The count stops at the budget and reads the (group, time) index only.
      const inScope = await this.store.eventSearch.count({ groupId: group.id, fromMs, toMs, limit: budget });
      let oldest: EventSearchPosition | undefined;
      if (inScope >= budget) {
        truncated = true;
        oldest = await this.store.eventSearch.impact.nthNewest(group.id, { fromMs, toMs }, budget);
      }
      budget -= inScope;
      for (const set of await this.store.eventSearch.impact.subjectSets({ groupId: group.id, fromMs, toMs, ...(oldest ? { oldest } : {}) })) sets.push({ ...set, groupId: group.id });
    }
    sets.sort(replayOrder(new Map(scope.groups.map((g, i) => [g.id, i]))));
    return { sets, truncated };
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

  /** Each agent's OS (an agent since removed counts as Linux), asked for all at once. */
  private async osOfAgents(agentIds: ReadonlySet<string>): Promise<Map<string, string>> {
    const ids = [...agentIds];
    const agents = await Promise.all(ids.map((id) => this.store.agents.findById(id)));
    return new Map(ids.map((id, i) => [id, agents[i]?.info.os ?? 'linux']));
  }
}
