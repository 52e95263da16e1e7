import { reportRun, reportRunList, reportScheduleInput, reportScheduleList, reportScheduleParams, reportScheduleView, ROUTE_ROLES } from '@dlp/shared';
import { Router } from 'express';
import type { ReportScheduleService } from './report-schedule-service';
import { auditedEndpoint } from '../audit/audited-endpoint';
import { endpoint } from '../http/endpoint';

/** Admins configure scheduled reports; auditors may read the settings and the runs. */
export function reportScheduleRoutes(schedules: ReportScheduleService): Router {
  const router = Router();

  router.get(
    '/report-schedules',
    endpoint({ access: ROUTE_ROLES.configurationView, response: reportScheduleList, summary: 'Scheduled reports with their latest run' }, async () => ({ status: 200, body: { items: await schedules.list() } })),
  );
  router.post(
    '/report-schedules',
    auditedEndpoint({ access: ROUTE_ROLES.administration, status: 201, body: reportScheduleInput, response: reportScheduleView, summary: 'Create a scheduled report' }, ({ body }, audit) => schedules.create(body, audit)),
  );
  router.put(
    '/report-schedules/:id',
    auditedEndpoint({ access: ROUTE_ROLES.administration, params: reportScheduleParams, body: reportScheduleInput, response: reportScheduleView, summary: 'Replace a scheduled report' }, ({ params, body }, audit) =>
      schedules.update(params.id, body, audit),
    ),
  );
  router.delete(
    '/report-schedules/:id',
    auditedEndpoint({ access: ROUTE_ROLES.administration, params: reportScheduleParams, summary: 'Delete a scheduled report and its runs' }, ({ params }, audit) => schedules.delete(params.id, audit)),
  );
  router.post(
    '/report-schedules/:id/run',
    auditedEndpoint({ access: ROUTE_ROLES.administration, params: reportScheduleParams, response: reportRun, summary: 'Render and deliver the latest period now' }, ({ params }, audit) => schedules.runNow(params.id, audit)),
  );
  router.get(
    '/report-schedules/:id/runs',
    endpoint({ access: ROUTE_ROLES.configurationView, params: reportScheduleParams, response: reportRunList, summary: 'Runs of a scheduled report, newest first' }, async ({ params }) => ({
      status: 200,
      body: { items: await schedules.runs(params.id) },
    })),
  );

  return router;
}
