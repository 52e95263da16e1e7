import { consoleSettings, identityMappingSettings, ROUTE_ROLES } from '@dlp/shared';
import { Router } from 'express';
import type { SettingsService } from './settings-service';
import { auditContext } from '../audit/audit-context';
import { endpoint, requireUser } from '../http/endpoint';

/** Console settings (admins): GET and PUT the whole settings object; the identity mapping likewise. */
export function settingsRoutes(settings: SettingsService): Router {
  const router = Router();

  router.get(
    '/settings',
    endpoint({ access: ROUTE_ROLES.administration, response: consoleSettings }, async () => ({ status: 200, body: await settings.get() })),
  );

  router.put(
    '/settings',
    endpoint({ access: ROUTE_ROLES.administration, body: consoleSettings, response: consoleSettings }, async ({ body, user, req }) => ({
      status: 200,
      body: await settings.update(body, auditContext(requireUser(user), req)),
    })),
  );

  router.get(
    '/settings/identity-mapping',
    endpoint({ access: ROUTE_ROLES.administration, response: identityMappingSettings, summary: 'How agent-reported users map to console accounts' }, async () => ({
      status: 200,
      body: await settings.getIdentityMapping(),
    })),
  );

  router.put(
    '/settings/identity-mapping',
    endpoint({ access: ROUTE_ROLES.administration, body: identityMappingSettings, response: identityMappingSettings }, async ({ body, user, req }) => ({
      status: 200,
      body: await settings.updateIdentityMapping(body, auditContext(requireUser(user), req)),
    })),
  );

  return router;
}
