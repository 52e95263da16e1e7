import {
  alertDestination,
  alertDestinationCreated,
  alertDestinationList,
  alertGroupPage,
  alertPage,
  alertQuery,
  alertRule,
  alertRuleList,
  alertTriageRequest,
  alertTriageResult,
  createAlertDestinationRequest,
  createAlertRuleRequest,
  deliveryStats,
  idParam,
  ROUTE_ROLES,
  testDeliveryResult,
  updateAlertDestinationRequest,
  updateAlertRuleRequest,
} from '@dlp/shared';
import { Router } from 'express';
import type { AlertService } from './alert-service';
import { auditedEndpoint } from '../audit/audited-endpoint';
import { endpoint } from '../http/endpoint';

/**
 * Alerts: rules (readers see them, admins change them), destinations and delivery counters (admins
 * change, auditors read; the webhook secret is shown only once, at creation), fired alerts (readers;
 * officers and admins acknowledge and resolve them).
 */
export function alertRoutes(alerts: AlertService): Router {
  const router = Router();

  router.get('/alerts', endpoint({ access: ROUTE_ROLES.monitoring, query: alertQuery, response: alertPage, summary: 'Fired alerts, newest first' }, async ({ query }) => ({ status: 200, body: await alerts.listAlerts(query) })));

  router.get('/alerts/groups', endpoint({ access: ROUTE_ROLES.monitoring, query: alertQuery, response: alertGroupPage, summary: 'The alerts inbox: alerts grouped by rule and burst, newest first, with totals' }, async ({ query }) => ({ status: 200, body: await alerts.inbox.listGroups(query) })));
  router.post(
    '/alerts/acknowledge',
    auditedEndpoint({ access: ROUTE_ROLES.triage, body: alertTriageRequest, response: alertTriageResult, summary: 'Acknowledge open alerts with a note (audited)' }, ({ body }, audit) => alerts.inbox.acknowledge(body, audit)),
  );
  router.post(
    '/alerts/resolve',
    auditedEndpoint({ access: ROUTE_ROLES.triage, body: alertTriageRequest, response: alertTriageResult, summary: 'Resolve alerts with a note (audited)' }, ({ body }, audit) => alerts.inbox.resolve(body, audit)),
  );

  router.get('/alerts/rules', endpoint({ access: ROUTE_ROLES.monitoring, response: alertRuleList, summary: 'Alert rules' }, async () => ({ status: 200, body: { items: await alerts.listRules() } })));
  router.post('/alerts/rules', auditedEndpoint({ access: ROUTE_ROLES.administration, status: 201, body: createAlertRuleRequest, response: alertRule, summary: 'Create an alert rule' }, ({ body }, audit) => alerts.createRule(body, audit)));
  router.patch(
    '/alerts/rules/:id',
    auditedEndpoint({ access: ROUTE_ROLES.administration, params: idParam, body: updateAlertRuleRequest, response: alertRule, summary: 'Change an alert rule' }, ({ params, body }, audit) => alerts.updateRule(params.id, body, audit)),
  );
  router.delete('/alerts/rules/:id', auditedEndpoint({ access: ROUTE_ROLES.administration, params: idParam }, ({ params }, audit) => alerts.deleteRule(params.id, audit)));

  router.get('/alerts/destinations', endpoint({ access: ROUTE_ROLES.configurationView, response: alertDestinationList, summary: 'Alert destinations (never the secret)' }, async () => ({ status: 200, body: { items: await alerts.listDestinations() } })));
  router.post(
    '/alerts/destinations',
    auditedEndpoint({ access: ROUTE_ROLES.administration, status: 201, body: createAlertDestinationRequest, response: alertDestinationCreated, summary: 'Create a destination; the webhook secret is shown this once' }, ({ body }, audit) =>
      alerts.createDestination(body, audit),
    ),
  );
  router.patch(
    '/alerts/destinations/:id',
    auditedEndpoint({ access: ROUTE_ROLES.administration, params: idParam, body: updateAlertDestinationRequest, response: alertDestination, summary: 'Change a destination' }, ({ params, body }, audit) =>
      alerts.updateDestination(params.id, body, audit),
    ),
  );
  router.delete('/alerts/destinations/:id', auditedEndpoint({ access: ROUTE_ROLES.administration, params: idParam }, ({ params }, audit) => alerts.deleteDestination(params.id, audit)));
  router.post(
    '/alerts/destinations/:id/test',
    auditedEndpoint({ access: ROUTE_ROLES.administration, params: idParam, response: testDeliveryResult, summary: 'Send one test alert' }, ({ params }, audit) => alerts.testDestination(params.id, audit)),
  );

  router.get('/alerts/delivery-stats', endpoint({ access: ROUTE_ROLES.configurationView, response: deliveryStats, summary: 'Delivery counters per destination on this node' }, async () => ({ status: 200, body: { items: alerts.deliveryCounters() } })));

  return router;
}
