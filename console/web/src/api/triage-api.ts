import {
  triageBulkResult,
  triageCount,
  triageDetail,
  triagedEventPage,
  type Page,
  type ReportLanguage,
  type TriageBulkRequest,
  type TriageBulkResult,
  type TriageCount,
  type TriageDetail,
  type TriagedEvent,
  type TriageEventQuery,
  type TriageUpdateRequest,
} from '@dlp/shared';
import { buildUrl, type HttpClient, type QueryParams } from './http-client';

/** The search filters of the triage list and the CSV export; every field is optional. */
export type TriageFilters = Partial<Omit<TriageEventQuery, 'cursor' | 'limit'>>;

/** Officers' event search with triage states, the triage drawer, and the CSV export link. */
export interface TriageApi {
  search(filters: TriageFilters, page?: { cursor?: string; limit?: number }): Promise<Page<TriagedEvent>>;
  /** How many events the search finds (`exact: false`: at least `count`, the console stopped counting). */
  count(filters: TriageFilters): Promise<TriageCount>;
  detail(agentId: string, seq: number): Promise<TriageDetail>;
  update(agentId: string, seq: number, change: Partial<TriageUpdateRequest>): Promise<TriageDetail>;
  /** One state and/or note on each listed event (at most TRIAGE_BULK_MAX), in one audited call. */
  bulkUpdate(change: TriageBulkRequest): Promise<TriageBulkResult>;
  /** A same-origin link that downloads the search as CSV (the console audits who exported what). */
  exportUrl(filters: TriageFilters, options: { timeZone: string; language: ReportLanguage }): string;
}

function filterParams(filters: TriageFilters): QueryParams {
  const params: QueryParams = {};
  for (const [key, value] of Object.entries(filters)) if (typeof value === 'string' && value !== '') params[key] = value;
  return params;
}

export function createTriageApi(http: HttpClient, baseUrl: string): TriageApi {
  return {
    search: (filters, page = {}) => http.request('GET', '/api/v1/triage/events', triagedEventPage, { query: { ...filterParams(filters), cursor: page.cursor, limit: page.limit } }),
    count: (filters) => http.request('GET', '/api/v1/triage/events/count', triageCount, { query: filterParams(filters) }),
    detail: (agentId, seq) => http.request('GET', `/api/v1/triage/events/${encodeURIComponent(agentId)}/${seq}`, triageDetail),
    update: (agentId, seq, change) => http.request('POST', `/api/v1/triage/events/${encodeURIComponent(agentId)}/${seq}`, triageDetail, { body: change }),
    bulkUpdate: (change) => http.request('POST', '/api/v1/triage/events/bulk', triageBulkResult, { body: change }),
    exportUrl: (filters, options) => buildUrl(baseUrl, '/api/v1/exports/events.csv', { ...filterParams(filters), tz: options.timeZone, lang: options.language }),
  };
}
