import { createEnrollSecretRequest, enrollRequestQuery, idParam, ROUTE_ROLES } from '@dlp/shared';
import { Router } from 'express';
import type { EnrollmentService } from './enrollment-service';
import type { AuditService } from '../audit/audit-service';
import { auditContext } from '../audit/audit-context';
import { endpoint, requireUser } from '../http/endpoint';

/**
 * Enroll secrets: create (secret shown once, optional limits), list (without secrets), delete; and
 * the enrollment requests of secrets that need approval: list, approve, reject. Admins only, audited.
 */
export function enrollSecretRoutes(enrollment: EnrollmentService, audit: AuditService): Router {
  const router = Router();

  router.post(
    '/enroll-secrets',
    endpoint({ access: ROUTE_ROLES.administration, body: createEnrollSecretRequest }, async ({ body, user, req }) => {
      const { label, groupId, ...limits } = body;
      const created = await enrollment.createSecret(label, groupId, limits);
      // The secret itself never reaches the audit log.
      await audit.record({
        ...auditContext(requireUser(user), req),
        action: 'enroll_secret.create',
        target: { type: 'enroll_secret', id: created.id },
        after: { label: created.label, groupId: created.groupId, maxUses: created.maxUses, expiresAt: created.expiresAt, needsApproval: created.needsApproval, ratePerMinute: created.ratePerMinute },
      });
      return { status: 201, body: created };
    }),
  );

  router.get(
    '/enroll-secrets',
    endpoint({ access: ROUTE_ROLES.administration }, async () => ({ status: 200, body: { items: await enrollment.listSecrets() } })),
  );

  router.delete(
    '/enroll-secrets/:id',
    endpoint({ access: ROUTE_ROLES.administration, params: idParam }, async ({ params, user, req }) => {
      await enrollment.deleteSecret(params.id);
      await audit.record({ ...auditContext(requireUser(user), req), action: 'enroll_secret.delete', target: { type: 'enroll_secret', id: params.id } });
      return { status: 204 };
    }),
  );

  router.get(
    '/enroll-requests',
    endpoint({ access: ROUTE_ROLES.administration, query: enrollRequestQuery }, async ({ query }) => ({ status: 200, body: { items: await enrollment.listRequests(query.status ?? 'pending') } })),
  );

  for (const [verb, decision] of [
    ['approve', 'approved'],
    ['reject', 'rejected'],
  ] as const) {
    router.post(
      `/enroll-requests/:id/${verb}`,
      endpoint({ access: ROUTE_ROLES.administration, params: idParam }, async ({ params, user, req }) => {
        const me = requireUser(user);
        const decided = await enrollment.decideRequest(params.id, decision, me.username);
        await audit.record({
          ...auditContext(me, req),
          action: `enroll_request.${verb}`,
          target: { type: 'enroll_request', id: params.id },
          after: { hostname: decided.info.hostname, enrollSecretId: decided.enrollSecretId, remoteAddress: decided.remoteAddress },
        });
        return { status: 200, body: { id: decided.id, status: decided.status } };
      }),
    );
  }

  return router;
}
