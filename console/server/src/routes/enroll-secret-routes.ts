import { createEnrollSecretRequest, idParam } from '@dlp/shared';
import { Router } from 'express';
import type { EnrollmentService } from '../services/enrollment-service';
import type { AuditService } from '../services/audit-service';
import { auditContext } from './audit-context';
import { ADMIN_ONLY, endpoint, requireUser } from './endpoint';

/** Enroll secrets: create (secret shown once), list (without secrets), delete. Admins only. */
export function enrollSecretRoutes(enrollment: EnrollmentService, audit: AuditService): Router {
  const router = Router();

  router.post(
    '/enroll-secrets',
    endpoint({ access: ADMIN_ONLY, body: createEnrollSecretRequest }, async ({ body, user, req }) => {
      const created = await enrollment.createSecret(body.label, body.groupId);
      // The secret itself never reaches the audit log.
      await audit.record({ ...auditContext(requireUser(user), req), action: 'enroll_secret.create', target: { type: 'enroll_secret', id: created.id }, after: { label: created.label, groupId: created.groupId } });
      return { status: 201, body: created };
    }),
  );

  router.get(
    '/enroll-secrets',
    endpoint({ access: ADMIN_ONLY }, async () => ({ status: 200, body: { items: await enrollment.listSecrets() } })),
  );

  router.delete(
    '/enroll-secrets/:id',
    endpoint({ access: ADMIN_ONLY, params: idParam }, async ({ params, user, req }) => {
      await enrollment.deleteSecret(params.id);
      await audit.record({ ...auditContext(requireUser(user), req), action: 'enroll_secret.delete', target: { type: 'enroll_secret', id: params.id } });
      return { status: 204 };
    }),
  );

  return router;
}
