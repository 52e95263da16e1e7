import {
  alertDestination,
  alertDestinationCreated,
  alertDestinationList,
  alertGroupPage,
  alertPage,
  alertRule,
  alertRuleList,
  alertTriageResult,
  deliveryStats,
  testDeliveryResult,
  type AlertDestination,
  type AlertGroupPage,
  type AlertQuery,
  type AlertRule,
  type AlertTriageResult,
  type CreateAlertDestinationRequest,
  type CreateAlertRuleRequest,
  type DeliveryCounters,
  type FiredAlert,
  type Page,
  type TestDeliveryResult,
  type UpdateAlertDestinationRequest,
  type UpdateAlertRuleRequest,
} from '@dlp/shared';
import type { HttpClient } from './http-client';

/** Alert filters of the fired-alerts list. */
export type AlertFilters = Partial<Pick<AlertQuery, 'state' | 'kind' | 'ruleId'>>;

/** Alert rules and destinations (admins change them), fired alerts (every role reads them). */
export interface AlertsApi {
  list(filters: AlertFilters, page?: { cursor?: string; limit?: number }): Promise<Page<FiredAlert>>;
  /** The inbox: alerts grouped by rule and burst, newest first, with totals. */
  groups(filters: AlertFilters, page?: { cursor?: string; limit?: number }): Promise<AlertGroupPage>;
  /** Officers and admins: take these open alerts, with a note for the audit log. */
  acknowledge(ids: readonly string[], note: string): Promise<AlertTriageResult>;
  resolve(ids: readonly string[], note: string): Promise<AlertTriageResult>;
  rules(): Promise<AlertRule[]>;
  createRule(request: CreateAlertRuleRequest): Promise<AlertRule>;
  updateRule(id: string, changes: UpdateAlertRuleRequest): Promise<AlertRule>;
  deleteRule(id: string): Promise<void>;
  destinations(): Promise<AlertDestination[]>;
  /** `secret` (webhooks) is shown this once. */
  createDestination(request: CreateAlertDestinationRequest): Promise<{ destination: AlertDestination; secret: string | null }>;
  updateDestination(id: string, changes: UpdateAlertDestinationRequest): Promise<AlertDestination>;
  deleteDestination(id: string): Promise<void>;
  testDestination(id: string): Promise<TestDeliveryResult>;
  deliveryStats(): Promise<DeliveryCounters[]>;
}

export function createAlertsApi(http: HttpClient): AlertsApi {
  const rule = (id: string): string => `/api/v1/alerts/rules/${encodeURIComponent(id)}`;
  const destination = (id: string): string => `/api/v1/alerts/destinations/${encodeURIComponent(id)}`;
  return {
    list: (filters, page = {}) => http.request('GET', '/api/v1/alerts', alertPage, { query: { ...filters, cursor: page.cursor, limit: page.limit } }),
    groups: (filters, page = {}) => http.request('GET', '/api/v1/alerts/groups', alertGroupPage, { query: { ...filters, cursor: page.cursor, limit: page.limit } }),
    acknowledge: (ids, note) => http.request('POST', '/api/v1/alerts/acknowledge', alertTriageResult, { body: { ids: [...ids], note } }),
    resolve: (ids, note) => http.request('POST', '/api/v1/alerts/resolve', alertTriageResult, { body: { ids: [...ids], note } }),
    rules: async () => (await http.request('GET', '/api/v1/alerts/rules', alertRuleList)).items,
    createRule: (request) => http.request('POST', '/api/v1/alerts/rules', alertRule, { body: request }),
    updateRule: (id, changes) => http.request('PATCH', rule(id), alertRule, { body: changes }),
    deleteRule: (id) => http.requestNoContent('DELETE', rule(id)),
    destinations: async () => (await http.request('GET', '/api/v1/alerts/destinations', alertDestinationList)).items,
    createDestination: (request) => http.request('POST', '/api/v1/alerts/destinations', alertDestinationCreated, { body: request }),
    updateDestination: (id, changes) => http.request('PATCH', destination(id), alertDestination, { body: changes }),
    deleteDestination: (id) => http.requestNoContent('DELETE', destination(id)),
    testDestination: (id) => http.request('POST', `${destination(id)}/test`, testDeliveryResult),
    deliveryStats: async () => (await http.request('GET', '/api/v1/alerts/delivery-stats', deliveryStats)).items,
  };
}
