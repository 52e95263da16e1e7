import { agentExportQuery, idParam, ROUTE_ROLES, saveAgentFilterRequest, savedAgentFilterList, savedAgentFilterResponse } from '@dlp/shared';
import { Router } from 'express';
import type { AuditService } from '../audit/audit-service';
import { auditContext } from '../audit/audit-context';
import { endpoint, requireUser } from '../http/endpoint';
import { writeLines } from '../http/write-lines';
import { agentCsvChunks } from './agent-csv';
import type { AgentService } from './agent-service';

/**
 * What a person keeps of the agent table: their saved filter sets (one's own, like one's password:
 * every role, a cookie session only, since an API token is nobody's) and the CSV export of the
 * filtered list (everyone who reads agents). Mounted before
 * `/agents/:id`, which would take `saved-filters` or `export.csv` for an id.
 */
export function agentViewRoutes(agents: AgentService, audit: AuditService): Router {
  const router = Router();

  router.get(
    '/agents/saved-filters',
    endpoint(
      { access: ROUTE_ROLES.account, sessionOnly: true, response: savedAgentFilterList, summary: 'The caller’s saved filter sets of the agent table, by name' },
      async ({ user }) => ({ status: 200, body: { items: await agents.savedFilters.list(requireUser(user).id) } }),
    ),
  );

  router.post(
    '/agents/saved-filters',
    endpoint(
      {
        access: ROUTE_ROLES.account,
        sessionOnly: true,
        body: saveAgentFilterRequest,
        response: savedAgentFilterResponse,
        summary: 'Saves the agent table’s filters under a name (201), replacing the caller’s set of that name (200); 409 saved_filters_full past 50',
      },
      async ({ user, body }) => {
        const { filter, created } = await agents.savedFilters.save(requireUser(user).id, body);
        return { status: created ? 201 : 200, body: { filter } };
      },
    ),
  );

  router.delete(
    '/agents/saved-filters/:id',
    endpoint({ access: ROUTE_ROLES.account, sessionOnly: true, params: idParam, summary: 'Deletes one of the caller’s saved filter sets (404 for anyone else’s)' }, async ({ user, params }) => {
      await agents.savedFilters.delete(requireUser(user).id, params.id);
      return { status: 204 };
    }),
  );

  router.get(
    '/agents/export.csv',
    endpoint(
      { access: ROUTE_ROLES.monitoring, query: agentExportQuery, summary: 'The filtered, sorted agent list as CSV (UTF-8 with BOM; header and states in `lang`, local times in `tz`)' },
      async ({ query, user, req, res }) => {
        const { tz, lang, ...filters } = query;
        const rows = await agents.matching(filters);
        // Who took which hosts and users, audited before the first byte.
        await audit.record({ ...auditContext(requireUser(user), req), action: 'agents.export', target: null, after: { filters, rows: rows.length } });
        res.status(200).set({
          'Content-Type': 'text/csv; charset=utf-8',
          'Content-Disposition': `attachment; filename="agents-${new Date().toISOString().slice(0, 10)}.csv"`,
        });
        await writeLines(res, agentCsvChunks(rows, lang, tz));
        return 'streamed';
      },
    ),
  );

  return router;
}
