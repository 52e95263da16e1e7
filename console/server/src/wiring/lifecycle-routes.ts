import { Router } from 'express';
import type { LifecycleServices } from './lifecycle-services';
import { exceptionRoutes } from '../exceptions/exception-routes';
import { groupRoutes } from '../groups/group-routes';
import { policyLifecycleRoutes } from '../policies/policy-lifecycle-routes';

/** Every route of groups, the policy lifecycle, rollout, exceptions and unlock codes. */
export function lifecycleRoutes(services: LifecycleServices): Router {
  const router = Router();
  router.use(groupRoutes(services.groups, services.agents));
  router.use(policyLifecycleRoutes(services.lifecycle, services.impact));
  router.use(exceptionRoutes(services.exceptions, services.unlockCodes));
  return router;
}
