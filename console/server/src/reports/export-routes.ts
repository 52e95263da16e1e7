import { eventExportQuery, ROUTE_ROLES } from '@dlp/shared';
import { Router } from 'express';
import type { EventExportService } from './event-export-service';
import type { LiveAccess } from '../service-kit/live-access';
import type { AuditService } from '../audit/audit-service';
import { auditContext } from '../audit/audit-context';
import { endpoint, requireUser } from '../http/endpoint';
import { writeLines } from '../http/write-lines';

/** GET /exports/events.csv: any event search as CSV, streamed. */
export function exportRoutes(exports: EventExportService, audit: AuditService, liveAccess: LiveAccess): Router {
  const router = Router();

  router.get(
    '/exports/events.csv',
    endpoint({ access: ROUTE_ROLES.monitoring, query: eventExportQuery, summary: 'Event search as CSV (UTF-8 with BOM), streamed' }, async ({ query, user, req, res }) => {
      const who = auditContext(requireUser(user), req);
      const filters = { ...query };
      // Audited before the first byte (who takes what) and after the last (how many rows went out).
      await audit.record({ ...who, action: 'events.export', target: null, after: { filters } });
      res.status(200).set({
        'Content-Type': 'text/csv; charset=utf-8',
        'Content-Disposition': `attachment; filename="events-${new Date().toISOString().slice(0, 10)}.csv"`,
      });
      const csv = exports.csv(query);
      // A download of customer data ends with the credential that started it (revocation, lost access).
      const written = await writeLines(res, csv.chunks, { access: liveAccess, req });
      await audit.record({ ...who, action: 'events.export_finished', target: null, after: { filters, rows: csv.rows(), complete: written.complete, ...(written.cutBy !== undefined ? { cutBy: written.cutBy } : {}) } });
      return 'streamed';
    }),
  );

  return router;
}
