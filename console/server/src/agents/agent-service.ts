import { FLEET_WINDOW_MS, type AgentFilterSet, type AgentFleetFacts, type AgentOverviewResponse, type AgentQuery, type AgentSummary, type CapabilityReport, type HelloMessage, type Page, type PolicyReceiptMessage } from '@dlp/shared';
import { sameDigest, sha256Hex } from '../auth/secret-token';
import type { AgentListFilter, AgentRecord, ConsoleStore } from '../store/store';
import { AgentClocks } from './agent-clocks';
import { countConditions, filterAgents, sortAgents, wantsFleetView } from './agent-fleet-view';
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
   * Every agent matching the query (search, group, online in the store; condition and OS by the
   * shared predicates), sorted, one page at `offset`, with the total. Filtering and sorting read
   * the lean table rows (identity, state, the capability fields the conditions look at); only the
   * page's agents are read whole.
   */
  private async fleetPage(query: AgentQuery): Promise<Page<AgentSummary> & { total: number }> {
    const nowMs = Date.now();
    const [rows, groups, incidents] = await Promise.all([
      this.store.agents.listTableRows(storeFilterOf(query)),
      this.groupView(),
      this.store.agents.incidentsSince(nowMs - FLEET_WINDOW_MS),
    ]);
    const facts = rows.map((row) => {
      const group = groups.get(row.groupId);
      const incident = incidents.get(row.id);
      return {
        id: row.id,
        info: row.info,
        online: row.online,
        revoked: row.revoked,
        lastSeenAt: row.lastSeenAt,
        policySerial: row.policySerial,
        expectedPolicySerial: group?.serial ?? null,
        lastPolicyReceipt: row.receipt,
        capabilities: row.capabilities,
        tamperEvents24h: incident?.tamper ?? false,
        bypassEvents24h: incident?.bypass ?? false,
        ...(group ? { group: { id: row.groupId, name: group.name } } : {}),
      };
    });
    const matching = filterAgents(facts, query, nowMs);
    const sorted = query.sort === undefined ? matching : sortAgents(matching, query.sort, query.order ?? 'asc');
    const offset = query.offset ?? 0;
    const pageIds = sorted.slice(offset, offset + query.limit).map((agent) => agent.id);
    const records = new Map((await this.store.agents.findByIds(pageIds)).map((record) => [record.id, record]));
    const items: AgentSummary[] = [];
    for (const id of pageIds) {
      const record = records.get(id);
      // Removed between the two reads: left out of this page.
      if (!record) continue;
      const summary = toSummary(record, groups);
      summary.tamperEvents24h = incidents.get(id)?.tamper ?? false;
      summary.bypassEvents24h = incidents.get(id)?.bypass ?? false;
      items.push(summary);
    }
    // Offset paging: the next page is asked for by offset, not by cursor.
    return { items, nextCursor: null, total: sorted.length };
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
   * The fleet overview: how many non-revoked agents meet each condition, by the list's own
   * predicate (`meetsCondition`) over the same facts, read lean: only the columns and capability
   * fields the conditions look at.
   */
  async overview(): Promise<AgentOverviewResponse> {
    const nowMs = Date.now();
    const [rows, groups, incidents] = await Promise.all([this.store.agents.listFleetRows(), this.groupView(), this.store.agents.incidentsSince(nowMs - FLEET_WINDOW_MS)]);
    const facts = rows.map((row): AgentFleetFacts => {
      const incident = incidents.get(row.id);
      return {
        online: row.online,
        revoked: row.revoked,
        lastSeenAt: row.lastSeenAt,
        policySerial: row.policySerial,
        expectedPolicySerial: groups.get(row.groupId)?.serial ?? null,
        lastPolicyReceipt: row.receipt,
        capabilities: row.capabilities,
        tamperEvents24h: incident?.tamper ?? false,
        bypassEvents24h: incident?.bypass ?? false,
      };
    });
    const { total, counts } = countConditions(facts, nowMs);
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
