import type { ConsoleStore } from '../store/store';
import type { AuditEntryInput, AuditService } from '../audit/audit-service';
import type { ConsoleEvents } from '../service-kit/console-events';
import { notFound } from '../service-kit/service-error';

/**
 * Deleting an agent: its token is refused from now on, its connection is dropped, and its record
 * is removed. Its events stay (they are evidence and carry the agent id and host name).
 */
export class AgentRemovalService {
  constructor(
    private readonly store: ConsoleStore,
    private readonly bus: ConsoleEvents,
    private readonly audit: AuditService,
  ) {}

  async delete(id: string, context: Pick<AuditEntryInput, 'actor' | 'sourceIp'>): Promise<void> {
    await this.store.transaction(async (tx) => {
      const agent = await tx.agents.findById(id);
      if (!agent) throw notFound('agent', id);
      await tx.agents.delete(id);
      const before = {
        hostname: agent.info.hostname,
        os: agent.info.os,
        groupId: agent.groupId,
        enrolledAt: agent.enrolledAt,
        revokedAt: agent.revokedAt,
        lastSeenAt: agent.lastSeenAt,
      };
      await this.audit.record({ ...context, action: 'agent.delete', target: { type: 'agent', id }, before }, tx);
    });
    // After the commit: the gateway closes the live connection (its next hello is refused as unknown).
    this.bus.emit('agent-revoked', id);
  }
}
