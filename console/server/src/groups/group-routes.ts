import { createGroupRequest, groupNameList, idParam, moveAgentRequest, ROUTE_ROLES, updateGroupRequest, type EffectivePolicyResponse } from '@dlp/shared';
import { Router } from 'express';
import type { AgentService } from '../agents/agent-service';
import type { GroupService } from './group-service';
import { auditContext } from '../audit/audit-context';
import { endpoint, requireUser } from '../http/endpoint';

/** Groups (CRUD), agent placement, effective policy and rollout progress. */
export function groupRoutes(groups: GroupService, agents: AgentService): Router {
  const router = Router();

  router.get(
    '/groups',
    endpoint({ access: ROUTE_ROLES.configurationView }, async () => ({ status: 200, body: { items: await groups.list() } })),
  );

  router.get(
    '/groups/names',
    endpoint({ access: ROUTE_ROLES.monitoring, response: groupNameList, summary: 'Every group by id and name, for filters (every role)' }, async () => ({
      status: 200,
      body: { items: (await groups.list()).map(({ id, name }) => ({ id, name })) },
    })),
  );

  router.post(
    '/groups',
    endpoint({ access: ROUTE_ROLES.administration, body: createGroupRequest }, async ({ body, user, req }) => ({
      status: 201,
      body: { group: await groups.create(body, auditContext(requireUser(user), req)) },
    })),
  );

  router.patch(
    '/groups/:id',
    endpoint({ access: ROUTE_ROLES.administration, params: idParam, body: updateGroupRequest }, async ({ params, body, user, req }) => ({
      status: 200,
      body: { group: await groups.update(params.id, body, auditContext(requireUser(user), req)) },
    })),
  );

  router.delete(
    '/groups/:id',
    endpoint({ access: ROUTE_ROLES.administration, params: idParam }, async ({ params, user, req }) => {
      await groups.delete(params.id, auditContext(requireUser(user), req));
      return { status: 204 };
    }),
  );

  router.get(
    '/groups/:id/rollout',
    endpoint({ access: ROUTE_ROLES.configurationView, params: idParam }, async ({ params }) => ({ status: 200, body: { rollout: await groups.rollout(params.id) } })),
  );

  router.get(
    '/rollout',
    endpoint({ access: ROUTE_ROLES.configurationView }, async () => ({ status: 200, body: { items: await groups.rolloutAll() } })),
  );

  router.put(
    '/agents/:id/group',
    endpoint({ access: ROUTE_ROLES.administration, params: idParam, body: moveAgentRequest }, async ({ params, body, user, req }) => {
      await groups.moveAgent(params.id, body.groupId, auditContext(requireUser(user), req));
      return { status: 200, body: { agent: await agents.get(params.id) } };
    }),
  );

  router.get(
    '/agents/:id/effective-policy',
    endpoint({ access: ROUTE_ROLES.configurationView, params: idParam }, async ({ params }) => {
      const reply: EffectivePolicyResponse = await groups.effectivePolicy(params.id);
      return { status: 200, body: reply };
    }),
  );

  return router;
}
