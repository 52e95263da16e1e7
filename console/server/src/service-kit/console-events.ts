import { EventEmitter } from 'node:events';
import type { ScanStatusMessage, SignedException, SignedPolicy, StoredEvent } from '@dlp/shared';
import type { PrincipalRevocation } from '../auth/principal-revocation';

/** Things services announce and other parts (gateway, live streams) react to. */
export interface ConsoleEventMap {
  /** Committed events, in ingest order, for live subscribers. */
  'events-stored': [events: StoredEvent[]];
  /**
   * The same committed events, announced only by the node that ingested them (never relayed from
   * other console nodes): what must be counted once cluster-wide, such as alert thresholds.
   */
  'events-ingested': [events: StoredEvent[]];
  /** The effective policy of these groups is now `policy`: push it to their connected agents. */
  'policy-changed': [change: { groupIds: string[]; policy: SignedPolicy }];
  /** An admin revoked this agent: drop its connection at once. */
  'agent-revoked': [agentId: string];
  /** An admin moved this agent to another group; `policy` is that group's policy, if any. */
  'agent-moved': [move: { agentId: string; groupId: string; policy: SignedPolicy | undefined }];
  /** An officer approved an exception: push it to its agent at once. */
  'exception-granted': [grant: { agentId: string; signed: SignedException }];
  /** An exception was withdrawn before it expired: tell its agent at once. */
  'exception-revoked': [revoke: { agentId: string; id: string; serial: number }];
  /** Someone asked this agent to scan a folder (audited): the node holding its connection sends the request. */
  'agent-scan-requested': [request: { agentId: string; scanId: string; path: string; requestedBy: string; requestedAt: string }];
  /** An agent reported how a console-requested scan goes: every node keeps the latest state. */
  'agent-scan-status': [report: { agentId: string; status: ScanStatusMessage }];
  /** A person's session, token or account changed (logout, disable, password, role, revoke): close their live streams. */
  'principal-revoked': [revocation: PrincipalRevocation];
}

/**
 * A typed in-process event bus. Listeners run synchronously after the service's commit; a
 * listener that throws is isolated so one broken subscriber cannot fail the request that emitted.
 */
export class ConsoleEvents {
  private readonly emitter = new EventEmitter();

  constructor(private readonly onListenerError: (event: string, err: unknown) => void) {
    // Every SSE client is a listener; the default warning at 10 would be noise, not a leak.
    this.emitter.setMaxListeners(0);
  }

  on<K extends keyof ConsoleEventMap>(event: K, listener: (...args: ConsoleEventMap[K]) => void): () => void {
    const wrapped = (...args: ConsoleEventMap[K]): void => {
      try {
        listener(...args);
      } catch (err) {
        this.onListenerError(event, err);
      }
    };
    this.emitter.on(event, wrapped as (...args: unknown[]) => void);
    return () => void this.emitter.off(event, wrapped as (...args: unknown[]) => void);
  }

  emit<K extends keyof ConsoleEventMap>(event: K, ...args: ConsoleEventMap[K]): void {
    this.emitter.emit(event, ...args);
  }
}
