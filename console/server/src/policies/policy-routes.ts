import { assignGroupPolicyRequest, idParam, ROUTE_ROLES, type PolicyDetail, type PolicyList } from '@dlp/shared';
import { Router } from 'express';
import { z } from 'zod';
import { parsePolicyDocument, type PolicyService } from './policy-service';
import { auditContext } from '../audit/audit-context';
import { endpoint, requireUser } from '../http/endpoint';

/**
 * The body of a policy save: `{ document }`. The document itself is validated by the service so
 * its issue paths are relative to the document (`apps.rules.0.value`), as a policy editor needs.
 */
const policySaveBody = z.strictObject({ document: z.looseObject({}) });

/** Policies (publish, read, versions) and group assignment. Admins change; auditors read. */
export function policyRoutes(policies: PolicyService): Router {
  const router = Router();

  router.get(
    '/policies',
    endpoint({ access: ROUTE_ROLES.configurationView }, async () => {
      const reply: PolicyList = { items: await policies.list() };
      return { status: 200, body: reply };
    }),
  );

  router.post(
    '/policies',
    endpoint({ access: ROUTE_ROLES.administration, body: policySaveBody }, async ({ body, user, req }) => ({
      status: 201,
      body: { policy: await policies.create(parsePolicyDocument(body.document), auditContext(requireUser(user), req)) },
    })),
  );

  router.get(
    '/policies/:id',
    endpoint({ access: ROUTE_ROLES.configurationView, params: idParam }, async ({ params }) => {
      const reply: PolicyDetail = await policies.get(params.id);
      return { status: 200, body: reply };
    }),
  );

  router.put(
    '/policies/:id',
    endpoint({ access: ROUTE_ROLES.administration, params: idParam, body: policySaveBody }, async ({ params, body, user, req }) => ({
      status: 200,
      body: { policy: await policies.update(params.id, parsePolicyDocument(body.document), auditContext(requireUser(user), req)) },
    })),
  );

  router.get(
    '/policies/:id/versions',
    endpoint({ access: ROUTE_ROLES.configurationView, params: idParam }, async ({ params }) => {
      const reply: PolicyList = { items: await policies.versions(params.id) };
      return { status: 200, body: reply };
    }),
  );

  router.put(
    '/groups/:id/policy',
    endpoint({ access: ROUTE_ROLES.administration, params: idParam, body: assignGroupPolicyRequest }, async ({ params, body, user, req }) => ({
      status: 200,
      body: { group: await policies.assignToGroup(params.id, body.policyId, auditContext(requireUser(user), req)) },
    })),
  );

  return router;
}
