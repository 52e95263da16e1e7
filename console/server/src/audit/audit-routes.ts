import { auditExportQuery, auditQuery, ROUTE_ROLES, type AuditVerifyResult } from '@dlp/shared';
import { Router } from 'express';
import { auditCsvLines } from './audit-csv';
import type { AuditService } from './audit-service';
import { auditContext } from './audit-context';
import { endpoint, requireUser } from '../http/endpoint';
import { writeLines } from '../http/write-lines';
import type { LiveAccess } from '../service-kit/live-access';

/** GET /audit, GET /audit/verify, GET /audit/export.csv */
export function auditRoutes(audit: AuditService, liveAccess: LiveAccess): Router {
  const router = Router();

  router.get(
    '/audit',
    endpoint({ access: ROUTE_ROLES.audit, query: auditQuery }, async ({ query }) => ({ status: 200, body: await audit.query(query) })),
  );

  router.get(
    '/audit/verify',
    endpoint({ access: ROUTE_ROLES.audit }, async () => {
      const reply: AuditVerifyResult = await audit.verify();
      return { status: 200, body: reply };
    }),
  );

  router.get(
    '/audit/export.csv',
    endpoint({ access: ROUTE_ROLES.audit, query: auditExportQuery }, async ({ query, user, req, res }) => {
      // Who took a copy of the evidence, and of what, is itself worth knowing.
      await audit.record({ ...auditContext(requireUser(user), req), action: 'audit.export', target: null, after: { filters: query } });
      res.status(200).set({
        'Content-Type': 'text/csv; charset=utf-8',
        'Content-Disposition': `attachment; filename="audit-${new Date().toISOString().slice(0, 10)}.csv"`,
      });
      // Streamed with back-pressure: an export of any size holds one page of rows in memory.
      // Held by the caller's credential: a revocation or lost access cuts the download.
      await writeLines(res, auditCsvLines(audit.exportRows(query)), { access: liveAccess, req });
      return 'streamed';
    }),
  );

  return router;
}
