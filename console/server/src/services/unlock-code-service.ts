import type { UnlockCodeIssued, UnlockCodeRequest } from '@dlp/shared';
import { issueUnlockCode } from '@dlp/shared/node';
import type { ConsoleStore } from '../store/store';
import type { AuditService } from './audit-service';
import type { AuditWho } from './policy-service';
import { notFound, ServiceError } from './service-error';

/**
 * Offline unlock codes: an officer reads one out to an employee whose workstation has no network;
 * the agent checks it with its own unlock key. The code itself is shown once and never stored; the
 * audit log records that one was issued, for which device and until when.
 */
export class UnlockCodeService {
  constructor(
    private readonly store: ConsoleStore,
    private readonly audit: AuditService,
    private readonly now: () => number = Date.now,
  ) {}

  async issue(agentId: string, request: UnlockCodeRequest, who: AuditWho): Promise<UnlockCodeIssued> {
    const agent = await this.store.agents.findById(agentId);
    if (!agent) throw notFound('agent', agentId);
    if (agent.revokedAt !== null) throw new ServiceError('conflict', 'agent_revoked', 'This agent was revoked.');
    const key = await this.store.unlockKeys.find(agentId);
    if (!key) throw new ServiceError('conflict', 'no_unlock_key', 'This agent enrolled before unlock codes existed; re-enroll it to use them.');
    const device = { vendorId: request.vendorId, productId: request.productId, serial: request.serial };
    const issued = issueUnlockCode(key, agentId, device, request.durationMinutes, this.now());
    const expiresAt = issued.expiresAt.toISOString();
    await this.audit.record({
      ...who,
      action: 'unlock_code.issue',
      target: { type: 'agent', id: agentId },
      after: { device, durationMinutes: request.durationMinutes, expiresAt, nonce: issued.nonce, reason: request.reason },
    });
    return { agentId, device, code: issued.code, expiresAt };
  }
}
