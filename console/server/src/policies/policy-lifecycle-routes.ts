import {
  createDraftRequest,
  diffQuery,
  idParam,
  impactRequest,
  rollbackRequest,
  ROUTE_ROLES,
  updateDraftRequest,
  type DraftDetail,
  type ImpactReport,
  type PolicyDiff,
  type PublishResponse,
} from '@dlp/shared';
import { Router } from 'express';
import type { ImpactService } from './impact-service';
import type { PolicyLifecycleService } from './policy-lifecycle-service';
import { auditContext } from '../audit/audit-context';
import { endpoint, requireUser } from '../http/endpoint';

/** Drafts, publish, rollback, diff and impact preview. Admins write; auditors read. */
export function policyLifecycleRoutes(lifecycle: PolicyLifecycleService, impact: ImpactService): Router {
  const router = Router();

  router.get(
    '/policies/:id/drafts',
    endpoint({ access: ROUTE_ROLES.configurationView, params: idParam }, async ({ params }) => ({ status: 200, body: { items: await lifecycle.listDrafts(params.id) } })),
  );

  router.post(
    '/policies/:id/drafts',
    endpoint({ access: ROUTE_ROLES.administration, params: idParam, body: createDraftRequest }, async ({ params, body, user, req }) => {
      const actor = requireUser(user);
      const reply: DraftDetail = await lifecycle.createDraft(params.id, body.document, actor.username, auditContext(actor, req));
      return { status: 201, body: reply };
    }),
  );

  router.get(
    '/drafts/:id',
    endpoint({ access: ROUTE_ROLES.configurationView, params: idParam }, async ({ params }) => {
      const reply: DraftDetail = await lifecycle.getDraft(params.id);
      return { status: 200, body: reply };
    }),
  );

  router.put(
    '/drafts/:id',
    endpoint({ access: ROUTE_ROLES.administration, params: idParam, body: updateDraftRequest }, async ({ params, body, user, req }) => {
      const reply: DraftDetail = await lifecycle.updateDraft(params.id, body.document, auditContext(requireUser(user), req));
      return { status: 200, body: reply };
    }),
  );

  router.delete(
    '/drafts/:id',
    endpoint({ access: ROUTE_ROLES.administration, params: idParam }, async ({ params, user, req }) => {
      await lifecycle.deleteDraft(params.id, auditContext(requireUser(user), req));
      return { status: 204 };
    }),
  );

  router.post(
    '/drafts/:id/publish',
    endpoint({ access: ROUTE_ROLES.administration, params: idParam }, async ({ params, user, req }) => {
      const reply: PublishResponse = await lifecycle.publishDraft(params.id, auditContext(requireUser(user), req));
      return { status: 200, body: reply };
    }),
  );

  // A preview changes nothing, but it reads the hosts' history: admins only, like drafts.
  router.post(
    '/drafts/:id/impact',
    endpoint({ access: ROUTE_ROLES.administration, params: idParam, body: impactRequest }, async ({ params, body }) => {
      const reply: ImpactReport = await impact.preview(params.id, body.days, body.groupId);
      return { status: 200, body: reply };
    }),
  );

  router.get(
    '/policies/:id/diff',
    endpoint({ access: ROUTE_ROLES.configurationView, params: idParam, query: diffQuery }, async ({ params, query }) => {
      const reply: PolicyDiff = await lifecycle.diff(params.id, query.from, query.to);
      return { status: 200, body: reply };
    }),
  );

  router.post(
    '/policies/:id/rollback',
    endpoint({ access: ROUTE_ROLES.administration, params: idParam, body: rollbackRequest }, async ({ params, body, user, req }) => {
      const reply: PublishResponse = await lifecycle.rollback(params.id, body.version, auditContext(requireUser(user), req));
      return { status: 200, body: reply };
    }),
  );

  return router;
}
