import type { CurrentUser } from '@dlp/shared';
import type { Request } from 'express';
import type { AuditEntryInput } from './audit-service';

/**
 * The client's address: the TCP peer, or, when that peer is a trusted proxy (`--trust-proxy`), the
 * address it forwarded in X-Forwarded-For (see trusted-proxies.ts; Express computes `req.ip`).
 */
export function sourceIpOf(req: Request): string | null {
  return req.ip ?? req.socket.remoteAddress ?? null;
}

/**
 * Who acted and from where, for `services.audit.record({ ...auditContext(user, req), action, target })`.
 * An API token acts as `{ id: <token id>, username: 'token:<name>', role }`.
 */
export function auditContext(user: CurrentUser, req: Request): Pick<AuditEntryInput, 'actor' | 'sourceIp'> {
  return { actor: { id: user.id, username: user.username, role: user.role }, sourceIp: sourceIpOf(req) };
}
