import type { UninstallCodeIssued, UninstallCodeRequest, UnlockCodeIssued, UnlockCodeRequest } from '@dlp/shared';
import { issueUninstallCode, issueUnlockCode } from '@dlp/shared/node';
import type { ConsoleStore } from '../store/store';
import type { AuditService } from '../audit/audit-service';
import { actorRecord, assertNotOwnRequest, type ExceptionActor } from './exception-service';
import { notFound, ServiceError } from '../service-kit/service-error';

/** Requests of one agent looked at for "own request" before a code is issued (newest first). */
const REQUESTS_CHECKED = 500;

/**
 * Offline unlock codes: an officer reads one out to an employee whose workstation has no network;
 * the agent checks it with its own unlock key. The code itself is shown once and never stored; the
 * audit log records that one was issued, for which device and until when. A code for a device
 * the issuing person asked for on that workstation is a decision on their own request: refused.
 */
export class UnlockCodeService {
  constructor(
    private readonly store: ConsoleStore,
    private readonly audit: AuditService,
    private readonly now: () => number = Date.now,
  ) {}

  async issue(agentId: string, request: UnlockCodeRequest, actor: ExceptionActor): Promise<UnlockCodeIssued> {
    const key = await this.keyOf(agentId);
    const device = { vendorId: request.vendorId, productId: request.productId, serial: request.serial };
    const requests = await this.store.exceptions.list({ agentId, nowMs: this.now(), limit: REQUESTS_CHECKED });
    for (const record of requests) {
      const target = record.target;
      if (target.kind !== 'usb-device' || target.device.vendorId !== device.vendorId || target.device.productId !== device.productId || target.device.serial !== device.serial) continue;
      await assertNotOwnRequest(this.store, record, actor);
    }
    const issued = issueUnlockCode(key, agentId, device, request.durationMinutes, this.now());
    const expiresAt = issued.expiresAt.toISOString();
    await this.audit.record({
      actor: { id: actor.id, username: actor.username, role: actor.role },
      sourceIp: actor.sourceIp,
      action: 'unlock_code.issue',
      target: { type: 'agent', id: agentId },
      after: { device, durationMinutes: request.durationMinutes, expiresAt, nonce: issued.nonce, reason: request.reason, issuedBy: actorRecord(actor) },
    });
    return { agentId, device, code: issued.code, expiresAt };
  }

  /**
   * An uninstall code (issue 14): what the agent package's removal script asks for while the agent
   * enforces a policy. Same key and format as unlock codes, another MAC domain, so neither works as
   * the other. Admins only (the route says so); shown once, audited.
   */
  async issueUninstall(agentId: string, request: UninstallCodeRequest, actor: ExceptionActor): Promise<UninstallCodeIssued> {
    const key = await this.keyOf(agentId);
    const issued = issueUninstallCode(key, agentId, request.durationMinutes, this.now());
    const expiresAt = issued.expiresAt.toISOString();
    await this.audit.record({
      actor: { id: actor.id, username: actor.username, role: actor.role },
      sourceIp: actor.sourceIp,
      action: 'uninstall_code.issue',
      target: { type: 'agent', id: agentId },
      after: { durationMinutes: request.durationMinutes, expiresAt, nonce: issued.nonce, reason: request.reason, issuedBy: actorRecord(actor) },
    });
    return { agentId, code: issued.code, expiresAt };
  }

  private async keyOf(agentId: string): Promise<Uint8Array> {
    const agent = await this.store.agents.findById(agentId);
    if (!agent) throw notFound('agent', agentId);
    if (agent.revokedAt !== null) throw new ServiceError('conflict', 'agent_revoked', 'This agent was revoked.');
    const key = await this.store.unlockKeys.find(agentId);
    if (!key) throw new ServiceError('conflict', 'no_unlock_key', 'This agent enrolled before unlock codes existed; re-enroll it to use them.');
    return key;
  }
}
