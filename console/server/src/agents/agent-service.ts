import { FLEET_WINDOW_MS, type AgentFilterSet, type AgentOverviewResponse, type AgentQuery, type AgentSummary, type CapabilityReport, type HelloMessage, type Page, type PolicyReceiptMessage } from '@dlp/shared';
import { sameDigest, sha256Hex } from '../auth/secret-token';
import type { AgentListFilter, AgentRecord, AgentTableQuery, ConsoleStore, FleetContext } from '../store/store';
import { AgentClocks } from './agent-clocks';
import { filterAgents, sortAgents, wantsFleetView } from './agent-fleet-view';
import { BatchedWrites } from '../service-kit/batched-writes';
import type { ConsoleEvents } from '../service-kit/console-events';
import { decodeIdCursor, encodeIdCursor } from '../service-kit/cursor';
import { notFound } from '../service-kit/service-error';
import { SavedAgentFilters } from './saved-agent-filters';

/** No console holds more agents than this in one list (the fleet view reads them all). */
const MAX_FLEET = 1_000_000;

export type HelloVerdict = { ok: true; agent: AgentRecord } | { ok: false; reason: 'unknown_agent' | 'bad_token' | 'revoked' };

/** What a listing knows about each group: its name and the serial its agents should enforce. */
type GroupView = Map<string, { name: string; serial: number | null }>;

function toSummary(agent: AgentRecord, groups?: GroupView): AgentSummary {
  const summary: AgentSummary = {
    id: agent.id,
    info: agent.info,
    online: agent.online,
    enrolledAt: agent.enrolledAt,
    lastSeenAt: agent.lastSeenAt,
    revoked: agent.revokedAt !== null,
    policySerial: agent.policySerial,
    capabilities: agent.capabilities,
    ackedSeq: agent.ackedSeq,
    lastPolicyReceipt: agent.lastReceipt,
    clock: agent.clock,
  };
  const group = groups?.get(agent.groupId);
  if (group) {
    summary.group = { id: agent.groupId, name: group.name };
    summary.expectedPolicySerial = group.serial;
    summary.policyInSync = group.serial === null || group.serial === agent.policySerial;
  }
  return summary;
}

/**
 * What the store's fleet SQL reads of the groups: each one's expected serial, and its rank in the
 * table's order of group names (lower-cased, compared as the in-memory sort does; no group sorts as
 * the empty name).
 */
function fleetContext(groups: GroupView, nowMs: number): FleetContext {
  const names = [...new Set(['', ...[...groups.values()].map((group) => group.name.toLowerCase())])].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const rank = new Map(names.map((name, i) => [name, i]));
  return {
    nowMs,
    groups: [...groups].map(([id, group]) => ({ id, expectedSerial: group.serial, nameRank: rank.get(group.name.toLowerCase()) ?? 0 })),
    unknownGroupRank: rank.get('') ?? 0,
  };
}

/** The filters the store applies (online, group, search); condition and OS are the shared predicates'. */
function storeFilterOf(filters: AgentFilterSet): Omit<AgentListFilter, 'limit' | 'afterId'> {
  const filter: Omit<AgentListFilter, 'limit' | 'afterId'> = {};
  if (filters.online !== undefined) filter.online = filters.online === 'true';
  if (filters.groupId !== undefined) filter.groupId = filters.groupId;
  if (filters.search !== undefined) filter.search = filters.search;
  return filter;
}

/** Enrolled agents: credentials, liveness, what they report, revocation. */
export class AgentService {
  /** Hellos, heartbeats, receipts and offline marks of many agents share commits. */
  private readonly batched: BatchedWrites;
  /** Clock offsets of the agents connected here (ingest places their events by them). */
  readonly clocks = new AgentClocks();
  /** People's saved filter sets of the agent table. */
  readonly savedFilters: SavedAgentFilters;

  constructor(
    private readonly store: ConsoleStore,
    private readonly events: ConsoleEvents,
  ) {
    this.batched = new BatchedWrites(store);
    this.savedFilters = new SavedAgentFilters(store);
  }

  /** Checks a hello's credentials. A revoked agent is told so only if its token is right. */
  async authenticate(hello: Pick<HelloMessage, 'agentId' | 'token'>): Promise<HelloVerdict> {
    const agent = await this.store.agents.findById(hello.agentId);
    if (!agent) return { ok: false, reason: 'unknown_agent' };
    if (!sameDigest(sha256Hex(hello.token), agent.tokenHash)) return { ok: false, reason: 'bad_token' };
    if (agent.revokedAt !== null) return { ok: false, reason: 'revoked' };
    return { ok: true, agent };
  }

  async recordHello(hello: HelloMessage): Promise<void> {
    const nowMs = Date.now();
    const update: Parameters<ConsoleStore['agents']['recordHello']>[1] = {
      info: hello.agent,
      policySerial: hello.policySerial,
      seenAt: new Date(nowMs).toISOString(),
    };
    if (hello.capabilities) update.capabilities = hello.capabilities;
    // A new connection starts a new measurement: the agent's clock may have been set meanwhile.
    this.clocks.forget(hello.agentId);
    const clock = hello.sentAt === undefined ? undefined : this.clocks.observe(hello.agentId, hello.sentAt, nowMs);
    if (clock) update.clock = clock;
    await this.batched.run((tx) => tx.agents.recordHello(hello.agentId, update));
  }

  async markOffline(agentId: string): Promise<void> {
    await this.batched.run((tx) => tx.agents.setOffline(agentId));
  }

  async markAllOffline(): Promise<void> {
    await this.store.agents.setAllOffline();
  }

  /** The agent is alive; `agentClock` (its heartbeat's sentAt) refines its measured clock offset. */
  async heartbeat(agentId: string, agentClock?: string): Promise<void> {
    const nowMs = Date.now();
    const seenAt = new Date(nowMs).toISOString();
    const clock = agentClock === undefined ? undefined : this.clocks.observe(agentId, agentClock, nowMs);
    await this.batched.run((tx) => tx.agents.touch(agentId, seenAt, clock));
  }

  async recordCapabilities(agentId: string, capabilities: CapabilityReport): Promise<void> {
    await this.store.agents.recordCapabilities(agentId, capabilities, new Date().toISOString());
  }

  async recordPolicyReceipt(agentId: string, receipt: PolicyReceiptMessage): Promise<void> {
    const receivedAt = new Date().toISOString();
    await this.batched.run(async (tx) => {
      await tx.agents.recordPolicyReceipt(agentId, {
      serial: receipt.serial,
      hash: receipt.hash,
      status: receipt.status,
        error: receipt.error ?? null,
        receivedAt,
      });
    });
  }

  async list(query: AgentQuery): Promise<Page<AgentSummary> & { total?: number }> {
    if (wantsFleetView(query)) return this.fleetPage(query);
    const filter: AgentListFilter = { limit: query.limit + 1 };
    if (query.online !== undefined) filter.online = query.online === 'true';
    if (query.groupId !== undefined) filter.groupId = query.groupId;
    if (query.search !== undefined) filter.search = query.search;
    if (query.cursor !== undefined) filter.afterId = decodeIdCursor(query.cursor);
    const rows = await this.store.agents.list(filter);
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    const groups = await this.groupView();
    return { items: page.map((a) => toSummary(a, groups)), nextCursor: rows.length > query.limit && last ? encodeIdCursor(last.id) : null };
  }

  /**
   * Every agent matching the query, sorted, one page at `offset`, with the total: filtered, sorted
   * and paged by the store in SQL (the conditions' predicates spelled over the agents' columns), so
   * a page reads its own rows only.
   */
  private async fleetPage(query: AgentQuery): Promise<Page<AgentSummary> & { total: number }> {
    const nowMs = Date.now();
    const groups = await this.groupView();
    const tableQuery: AgentTableQuery = { ...storeFilterOf(query), order: query.order ?? 'asc', offset: query.offset ?? 0, limit: query.limit };
    if (query.os !== undefined) tableQuery.os = query.os;
    if (query.condition !== undefined) tableQuery.condition = query.condition;
    if (query.sort !== undefined) tableQuery.sort = query.sort;
    const [page, incidents] = await Promise.all([
      this.store.agents.tablePage(tableQuery, fleetContext(groups, nowMs)),
      this.store.agents.incidentsSince(nowMs - FLEET_WINDOW_MS),
    ]);
    const items = page.agents.map((record) => {
      const summary = toSummary(record, groups);
      summary.tamperEvents24h = incidents.get(record.id)?.tamper ?? false;
      summary.bypassEvents24h = incidents.get(record.id)?.bypass ?? false;
      return summary;
    });
    // Offset paging: the next page is asked for by offset, not by cursor.
    return { items, nextCursor: null, total: page.total };
  }

  /**
   * Every agent meeting the filters, in the filters' order (id order without `sort`): the rows of
   * the table and of its CSV export, with their incidents of the last day.
   */
  async matching(filters: AgentFilterSet): Promise<AgentSummary[]> {
    const nowMs = Date.now();
    const matching = filterAgents(await this.fleetFacts({ ...storeFilterOf(filters), limit: MAX_FLEET }, nowMs), filters, nowMs);
    return filters.sort === undefined ? matching : sortAgents(matching, filters.sort, filters.order ?? 'asc');
  }

  /**
   * The fleet overview: how many non-revoked agents meet each condition, counted by the store in
   * SQL with the same predicates the list filters by, so a count equals the list it opens.
   */
  async overview(): Promise<AgentOverviewResponse> {
    const nowMs = Date.now();
    const { total, counts } = await this.store.agents.countConditions(fleetContext(await this.groupView(), nowMs));
    return { at: new Date(nowMs).toISOString(), total, counts };
  }

  /** Agents as summaries with their incidents of the last day: what the condition predicates read. */
  private async fleetFacts(filter: AgentListFilter, nowMs: number): Promise<AgentSummary[]> {
    const [rows, groups, incidents] = await Promise.all([
      this.store.agents.list(filter),
      this.groupView(),
      this.store.agents.incidentsSince(nowMs - FLEET_WINDOW_MS),
    ]);
    return rows.map((row) => {
      const summary = toSummary(row, groups);
      const incident = incidents.get(row.id);
      summary.tamperEvents24h = incident?.tamper ?? false;
      summary.bypassEvents24h = incident?.bypass ?? false;
      return summary;
    });
  }

  /** The stored record (group and move serial included), for the gateway; undefined when unknown. */
  async findRecord(id: string): Promise<AgentRecord | undefined> {
    return this.store.agents.findById(id);
  }

  async get(id: string): Promise<AgentSummary> {
    const agent = await this.store.agents.findById(id);
    if (!agent) throw notFound('agent', id);
    return toSummary(agent, await this.groupView());
  }

  private async groupView(): Promise<GroupView> {
    const view: GroupView = new Map();
    for (const group of await this.store.groups.list()) {
      const effective = await this.store.policies.effectiveForGroup(group.id);
      view.set(group.id, { name: group.name, serial: effective?.serial ?? null });
    }
    return view;
  }

  /** Revokes the agent's token for good and drops its connection at once. Idempotent. */
  async revoke(id: string): Promise<AgentSummary> {
    const agent = await this.store.agents.findById(id);
    if (!agent) throw notFound('agent', id);
    await this.store.agents.revoke(id, new Date().toISOString());
    this.events.emit('agent-revoked', id);
    return this.get(id);
  }
}
