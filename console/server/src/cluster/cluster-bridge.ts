import type { SignedPolicy, StoredEvent } from '@dlp/shared';
import type { Logger } from '../logging/logger';
import { errorFields } from '../logging/logger';
import type { ConsoleEvents } from '../service-kit/console-events';
import type { EventSeqRange } from '../store/postgres/pg-event-queries';
import type { StoreRepositories } from '../store/store';
import type { ClusterBus, ClusterMessage } from './cluster-bus';

export type { EventSeqRange };

export interface ClusterBridgeDeps {
  /** This node's in-process bus (gateway pushes and live streams listen on it). */
  events: ConsoleEvents;
  bus: ClusterBus;
  /** Where announced policies and exceptions are read back from. */
  store: Pick<StoreRepositories, 'policies' | 'exceptions' | 'groups'>;
  /** Reads committed events by key; absent on a single-node store, where no other node announces any. */
  readEvents?: (ranges: readonly EventSeqRange[]) => Promise<StoredEvent[]>;
  logger: Logger;
}

/** Ranges per message and group ids per message: both keep a NOTIFY far below its 8000-byte limit. */
const RANGES_PER_MESSAGE = 60;
const GROUPS_PER_MESSAGE = 100;
/**
 * How long announcements of stored events are gathered before one message goes out: with many
 * agents sending small batches, one NOTIFY per batch would cost a database round trip each.
 */
export const EVENTS_FLUSH_MS = 20;

/** Appends `agentId`'s `from..to` to `ranges`, extending that agent's last run when it continues it. */
function addRange(ranges: EventSeqRange[], open: Map<string, EventSeqRange>, agentId: string, from: number, to: number): void {
  const current = open.get(agentId);
  if (current && from === current.to + 1) {
    current.to = to;
  } else {
    const range = { agentId, from, to };
    ranges.push(range);
    open.set(agentId, range);
  }
}

/** Per-agent runs of consecutive sequence numbers, in first-seen order. */
export function seqRanges(events: readonly StoredEvent[]): EventSeqRange[] {
  const ranges: EventSeqRange[] = [];
  const open = new Map<string, EventSeqRange>();
  for (const event of events) addRange(ranges, open, event.agentId, event.seq, event.seq);
  return ranges;
}

/** Joins runs that continue each other (an agent's consecutive batches), keeping first-seen order. */
export function mergeRanges(input: readonly EventSeqRange[]): EventSeqRange[] {
  const ranges: EventSeqRange[] = [];
  const open = new Map<string, EventSeqRange>();
  for (const r of input) addRange(ranges, open, r.agentId, r.from, r.to);
  return ranges;
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function refOf(policy: SignedPolicy): { policyId: string; version: number } {
  return { policyId: policy.bundle.policyId, version: policy.bundle.version };
}

/**
 * Joins one node's in-process events to the cluster: what services announce here after a commit is
 * published to the other nodes, and what other nodes announce is read back from the database and
 * re-emitted here, so each node pushes to the agents connected to *it* and every node's live feed
 * shows every node's events. Remote messages are handled one at a time, in arrival order.
 */
export class ClusterBridge {
  private relaying = false;
  private queue: Promise<void> = Promise.resolve();
  private pendingRanges: EventSeqRange[] = [];
  private flushTimer: NodeJS.Timeout | undefined;
  private readonly unsubscribe: Array<() => void>;

  constructor(private readonly deps: ClusterBridgeDeps) {
    const { events } = deps;
    this.unsubscribe = [
      events.on('events-stored', (stored) => this.gatherEvents(stored)),
      events.on('policy-changed', ({ groupIds, policy }) => {
        for (const ids of chunks(groupIds, GROUPS_PER_MESSAGE)) this.send({ kind: 'policy-changed', groupIds: ids, policy: refOf(policy) });
      }),
      events.on('agent-moved', ({ agentId, groupId, policy }) => this.send({ kind: 'agent-moved', agentId, groupId, policy: policy ? refOf(policy) : null })),
      events.on('agent-revoked', (agentId) => this.send({ kind: 'agent-revoked', agentId })),
      events.on('exception-granted', ({ agentId, signed }) => this.send({ kind: 'exception-granted', agentId, exceptionId: signed.exception.id })),
      events.on('exception-revoked', ({ agentId, id, serial }) => this.send({ kind: 'exception-revoked', agentId, id, serial })),
      events.on('principal-revoked', (revocation) => this.send({ kind: 'principal-revoked', revocation })),
      events.on('agent-scan-requested', (request) => this.send({ kind: 'agent-scan-requested', ...request })),
      // The error is cut short: the message must stay below a NOTIFY's 8000 bytes.
      events.on('agent-scan-status', ({ agentId, status }) => this.send({ kind: 'agent-scan-status', agentId, status: { ...status, ...(status.error ? { error: status.error.slice(0, 300) } : {}) } })),
      deps.bus.subscribe((message) => this.enqueue(() => this.receive(message))),
      deps.bus.onResync(() => this.enqueue(() => this.resync())),
    ];
  }

  /** Stops relaying in both directions (the bus itself is closed by its owner). */
  async close(): Promise<void> {
    for (const off of this.unsubscribe) off();
    this.flushEvents();
    await this.queue;
  }

  private gatherEvents(stored: StoredEvent[]): void {
    if (this.relaying) return;
    this.pendingRanges.push(...seqRanges(stored));
    if (this.pendingRanges.length >= RANGES_PER_MESSAGE) this.flushEvents();
    else if (this.flushTimer === undefined) {
      this.flushTimer = setTimeout(() => this.flushEvents(), EVENTS_FLUSH_MS);
      this.flushTimer.unref();
    }
  }

  private flushEvents(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    const pending = mergeRanges(this.pendingRanges);
    this.pendingRanges = [];
    for (const ranges of chunks(pending, RANGES_PER_MESSAGE)) this.send({ kind: 'events-stored', ranges });
  }

  private send(message: ClusterMessage): void {
    // A message that came from another node is re-emitted locally; it must not bounce back out.
    if (this.relaying) return;
    this.deps.bus.publish(message).catch((err: unknown) => this.deps.logger.error('cluster publish failed', { kind: message.kind, ...errorFields(err) }));
  }

  private enqueue(work: () => Promise<void>): void {
    this.queue = this.queue.then(work).catch((err: unknown) => this.deps.logger.error('cluster message handling failed', errorFields(err)));
  }

  /** Emits on this node's bus without publishing the emission again. */
  private emitLocal(emit: () => void): void {
    this.relaying = true;
    try {
      emit();
    } finally {
      this.relaying = false;
    }
  }

  private async receive(message: ClusterMessage): Promise<void> {
    const { events, store } = this.deps;
    switch (message.kind) {
      case 'events-stored': {
        if (!this.deps.readEvents) return;
        const stored = await this.deps.readEvents(message.ranges);
        if (stored.length > 0) this.emitLocal(() => events.emit('events-stored', stored));
        return;
      }
      case 'policy-changed': {
        const version = await store.policies.findVersion(message.policy.policyId, message.policy.version);
        if (version) this.emitLocal(() => events.emit('policy-changed', { groupIds: message.groupIds, policy: version.signed }));
        return;
      }
      case 'agent-moved': {
        const version = message.policy ? await store.policies.findVersion(message.policy.policyId, message.policy.version) : undefined;
        this.emitLocal(() => events.emit('agent-moved', { agentId: message.agentId, groupId: message.groupId, policy: version?.signed }));
        return;
      }
      case 'agent-revoked':
        this.emitLocal(() => events.emit('agent-revoked', message.agentId));
        return;
      case 'exception-granted': {
        const record = await store.exceptions.findById(message.exceptionId);
        if (record?.signed && record.agentId === message.agentId) {
          const signed = record.signed;
          this.emitLocal(() => events.emit('exception-granted', { agentId: message.agentId, signed }));
        }
        return;
      }
      case 'exception-revoked':
        this.emitLocal(() => events.emit('exception-revoked', { agentId: message.agentId, id: message.id, serial: message.serial }));
        return;
      case 'principal-revoked':
        this.emitLocal(() => events.emit('principal-revoked', message.revocation));
        return;
      case 'agent-scan-requested': {
        const { kind: _kind, ...request } = message;
        this.emitLocal(() => events.emit('agent-scan-requested', request));
        return;
      }
      case 'agent-scan-status':
        this.emitLocal(() => events.emit('agent-scan-status', { agentId: message.agentId, status: message.status }));
        return;
    }
  }

  /**
   * After the bus lost messages: offer every group's current policy to this node's agents again
   * (connections skip a serial they already sent). Grants and revokes are re-sent at each hello.
   */
  private async resync(): Promise<void> {
    const { events, store } = this.deps;
    for (const group of await store.groups.list()) {
      if (group.policyId === null) continue;
      const current = await store.policies.effectiveForGroup(group.id);
      if (current) this.emitLocal(() => events.emit('policy-changed', { groupIds: [group.id], policy: current.signed }));
    }
  }
}
