import { AGENT_SCANS_KEPT, uuidv7, type AgentScan, type ScanStatusMessage } from '@dlp/shared';
import type { AuditEntryInput, AuditService } from '../audit/audit-service';
import type { ConsoleEvents } from '../service-kit/console-events';
import { notFound, ServiceError } from '../service-kit/service-error';
import type { ConsoleStore } from '../store/store';

/** A request the agent has not answered within this long is shown failed (it was not connected after all). */
export const SCAN_ANSWER_TIMEOUT_MS = 60_000;
/**
 * A running scan the agent has said nothing of for this long is shown failed (the agent stopped or
 * lost its scan): it reports every few seconds, and one file takes at most a minute.
 */
export const SCAN_SILENCE_TIMEOUT_MS = 5 * 60_000;

/**
 * Scans of data at rest the console asks agents for (issue 16 item 3). A request is checked (the
 * agent exists, is not revoked, is online, has no console scan running), audited, and announced on
 * the bus: the node holding the agent's connection sends it, and every node keeps the scan's state
 * as the agent reports it. The state lives in memory (the last 20 scans per agent on each node); the
 * audit row and the `content` events the scan produces are the lasting record.
 */
export class AgentScanService {
  private readonly byAgent = new Map<string, AgentScan[]>();
  private readonly unsubscribe: Array<() => void>;

  constructor(
    private readonly store: ConsoleStore,
    private readonly bus: ConsoleEvents,
    private readonly audit: AuditService,
    private readonly now: () => number = Date.now,
  ) {
    this.unsubscribe = [
      bus.on('agent-scan-requested', ({ agentId, scanId, path, requestedBy, requestedAt }) =>
        this.keep(agentId, { id: scanId, agentId, path, requestedBy, requestedAt, state: 'requested', progress: null, updatedAt: new Date(this.now()).toISOString() }),
      ),
      bus.on('agent-scan-status', ({ agentId, status }) => this.applyStatus(agentId, status)),
    ];
  }

  close(): void {
    for (const off of this.unsubscribe) off();
  }

  /** Asks agent `agentId` to scan `path`; resolves with the scan as requested. */
  async request(agentId: string, path: string, context: Pick<AuditEntryInput, 'actor' | 'sourceIp'>): Promise<AgentScan> {
    const agent = await this.store.agents.findById(agentId);
    if (!agent) throw notFound('agent', agentId);
    if (agent.revokedAt !== null) throw new ServiceError('conflict', 'agent_revoked', 'This agent was revoked: it cannot scan.');
    if (!agent.online) throw new ServiceError('conflict', 'agent_offline', 'This agent is not connected: ask again when it is online.');
    if (this.list(agentId).some((scan) => scan.state === 'requested' || scan.state === 'running')) {
      throw new ServiceError('conflict', 'scan_running', 'A scan the console asked for is still running on this agent: wait for it to finish.');
    }
    const scanId = uuidv7();
    const requestedBy = 'username' in context.actor ? context.actor.username : context.actor.system;
    const requestedAt = new Date(this.now()).toISOString();
    await this.audit.record({ ...context, action: 'agent.scan', target: { type: 'agent', id: agentId }, after: { scanId, path, hostname: agent.info.hostname } });
    // After the audit row is committed: the node with the agent's connection sends the request.
    this.bus.emit('agent-scan-requested', { agentId, scanId, path, requestedBy, requestedAt });
    const kept = this.list(agentId).find((scan) => scan.id === scanId);
    if (!kept) throw new Error('the scan request was not kept');
    return kept;
  }

  /** Called by the gateway with each `scan-status` of a connected agent: announced to every node. */
  recordStatus(agentId: string, status: ScanStatusMessage): void {
    this.bus.emit('agent-scan-status', { agentId, status });
  }

  /** The agent's scans this node knows, newest first; one the agent went silent on reads `failed`. */
  list(agentId: string): AgentScan[] {
    const now = this.now();
    return (this.byAgent.get(agentId) ?? []).map((scan): AgentScan => {
      const silentMs = now - Date.parse(scan.updatedAt);
      if (scan.state === 'requested' && silentMs > SCAN_ANSWER_TIMEOUT_MS) return { ...scan, state: 'failed', error: 'the agent did not answer the request' };
      if (scan.state === 'running' && silentMs > SCAN_SILENCE_TIMEOUT_MS) return { ...scan, state: 'failed', error: 'the agent stopped reporting on this scan' };
      return scan;
    });
  }

  private applyStatus(agentId: string, status: ScanStatusMessage): void {
    const known = this.byAgent.get(agentId)?.find((scan) => scan.id === status.scanId);
    // A final state is final: a late progress report (sent before it) does not reopen the scan.
    if (known && known.state !== 'requested' && known.state !== 'running') return;
    this.keep(agentId, {
      id: status.scanId,
      agentId,
      path: known?.path ?? status.path,
      requestedBy: known?.requestedBy ?? null,
      requestedAt: known?.requestedAt ?? null,
      state: status.state,
      progress: status.progress,
      ...(status.error ? { error: status.error } : {}),
      updatedAt: new Date(this.now()).toISOString(),
    });
  }

  /** Replaces the scan with the same id (or adds it first), keeping the newest AGENT_SCANS_KEPT. */
  private keep(agentId: string, scan: AgentScan): void {
    const scans = (this.byAgent.get(agentId) ?? []).filter((s) => s.id !== scan.id);
    const position = scans.findIndex((s) => s.id < scan.id);
    // Ids are UUIDv7: newest first is descending id order, wherever a late report lands.
    scans.splice(position === -1 ? scans.length : position, 0, scan);
    this.byAgent.set(agentId, scans.slice(0, AGENT_SCANS_KEPT));
  }
}
