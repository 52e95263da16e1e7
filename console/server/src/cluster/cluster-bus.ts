import { consoleScanPath, scanStatusMessage, shortString, timestamp } from '@dlp/shared';
import { z } from 'zod';
import { principalRevocation } from '../auth/principal-revocation';

/**
 * What one console node tells the others. Messages carry ids, never documents: a notification
 * must stay small (PostgreSQL NOTIFY payloads are limited to 8000 bytes) and the receiving node
 * reads the committed rows itself, so it never acts on anything the database does not hold.
 */
const id = z.string().min(1).max(128);
const policyRef = z.strictObject({ policyId: id, version: z.number().int().positive() });

export const clusterMessage = z.discriminatedUnion('kind', [
  /** Events committed on the sending node, as per-agent runs of sequence numbers. */
  z.strictObject({
    kind: z.literal('events-stored'),
    ranges: z.array(z.strictObject({ agentId: id, from: z.number().int().nonnegative(), to: z.number().int().nonnegative() })).min(1).max(200),
  }),
  /** These groups now enforce this policy version: push it to their agents. */
  z.strictObject({ kind: z.literal('policy-changed'), groupIds: z.array(id).min(1).max(150), policy: policyRef }),
  z.strictObject({ kind: z.literal('agent-moved'), agentId: id, groupId: id, policy: policyRef.nullable() }),
  z.strictObject({ kind: z.literal('agent-revoked'), agentId: id }),
  z.strictObject({ kind: z.literal('exception-granted'), agentId: id, exceptionId: id }),
  z.strictObject({ kind: z.literal('exception-revoked'), agentId: id, id, serial: z.number().int().positive() }),
  /**
   * A scan request and an agent's scan reports are not rows in the database: they travel whole
   * (bounded: a path of at most 1024 characters, counts, an error of at most 2000), so every node
   * can send the request to the agent if it holds its connection, and show the scan's state.
   */
  z.strictObject({ kind: z.literal('agent-scan-requested'), agentId: id, scanId: id, path: consoleScanPath, requestedBy: shortString, requestedAt: timestamp }),
  z.strictObject({ kind: z.literal('agent-scan-status'), agentId: id, status: scanStatusMessage }),
  /** A person's credentials ended: every node closes the live streams they hold there. */
  z.strictObject({ kind: z.literal('principal-revoked'), revocation: principalRevocation }),
]);
export type ClusterMessage = z.infer<typeof clusterMessage>;

/** A message as it travels: with the name of the node that sent it. */
export const clusterEnvelope = z.strictObject({ origin: id, message: clusterMessage });
export type ClusterEnvelope = z.infer<typeof clusterEnvelope>;

/**
 * The channel between console nodes. `publish` reaches every *other* node (a node never receives
 * its own messages: it already acted on them locally). Delivery is best effort and at most once;
 * nodes recover what they missed from the database (agents re-read policy and exceptions at hello).
 */
export interface ClusterBus {
  readonly nodeId: string;
  /** False while the bus cannot receive (its connection is being re-established). */
  readonly listening: boolean;
  publish(message: ClusterMessage): Promise<void>;
  /** Returns the unsubscribe function. */
  subscribe(handler: (message: ClusterMessage) => void): () => void;
  /** Called after the bus lost messages (a reconnect), so the node can re-announce current state. */
  onResync(handler: () => void): () => void;
  close(): Promise<void>;
}

/** Several in-process buses attached to one hub reach each other (tests; SQLite has one node). */
export class InProcessClusterHub {
  private readonly members = new Set<InProcessClusterBus>();

  attach(bus: InProcessClusterBus): () => void {
    this.members.add(bus);
    return () => void this.members.delete(bus);
  }

  deliver(envelope: ClusterEnvelope): void {
    for (const member of this.members) if (member.nodeId !== envelope.origin) member.receive(envelope.message);
  }
}

/**
 * The bus of a console that runs alone (SQLite): same interface, nothing leaves the process. The
 * message still goes through the schema so a malformed one fails here as it would on PostgreSQL.
 */
export class InProcessClusterBus implements ClusterBus {
  private readonly handlers = new Set<(message: ClusterMessage) => void>();
  private readonly detach: () => void;
  readonly listening = true;

  constructor(
    readonly nodeId: string,
    private readonly hub: InProcessClusterHub = new InProcessClusterHub(),
  ) {
    this.detach = hub.attach(this);
  }

  publish(message: ClusterMessage): Promise<void> {
    const envelope = clusterEnvelope.safeParse({ origin: this.nodeId, message });
    if (!envelope.success) return Promise.reject(envelope.error);
    // Asynchronous like a real notification: the publisher never runs other nodes' handlers inline.
    queueMicrotask(() => this.hub.deliver(envelope.data));
    return Promise.resolve();
  }

  subscribe(handler: (message: ClusterMessage) => void): () => void {
    this.handlers.add(handler);
    return () => void this.handlers.delete(handler);
  }

  onResync(): () => void {
    // Nothing is ever lost in process.
    return () => undefined;
  }

  /** Hub side: hands a message from another node to this node's handlers. */
  receive(message: ClusterMessage): void {
    for (const handler of this.handlers) handler(message);
  }

  close(): Promise<void> {
    this.detach();
    this.handlers.clear();
    return Promise.resolve();
  }
}
