import { createEnrollSecretRequest, idParam } from '@dlp/shared';
import { Router } from 'express';
import type { EnrollmentService } from '../services/enrollment-service';
import { ADMIN_ONLY, endpoint } from './endpoint';

/** Enroll secrets: create (secret shown once), list (without secrets), delete. Admins only. */
export function enrollSecretRoutes(enrollment: EnrollmentService): Router {
  const router = Router();

  router.post(
    '/enroll-secrets',
    endpoint({ access: ADMIN_ONLY, body: createEnrollSecretRequest }, async ({ body }) => ({
      status: 201,
      body: await enrollment.createSecret(body.label),
    })),
  );

  router.get(
    '/enroll-secrets',
    endpoint({ access: ADMIN_ONLY }, async () => ({ status: 200, body: { items: await enrollment.listSecrets() } })),
  );

  router.delete(
    '/enroll-secrets/:id',
    endpoint({ access: ADMIN_ONLY, params: idParam }, async ({ params }) => {
      await enrollment.deleteSecret(params.id);
      return { status: 204 };
    }),
  );

  return router;
}
