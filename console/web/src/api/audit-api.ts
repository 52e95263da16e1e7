import { auditPage, auditVerifyResult, type AuditEntry, type AuditQuery, type AuditVerifyResult, type Page } from '@dlp/shared';
import { buildUrl, type HttpClient, type QueryParams } from './http-client';

/** Filters of the audit list and its CSV export; every field is optional. */
export type AuditFilters = Partial<Omit<AuditQuery, 'cursor' | 'limit'>>;

/** The tamper-evident audit log (admins and auditors). */
export interface AuditApi {
  list(filters: AuditFilters, page?: { cursor?: string; limit?: number }): Promise<Page<AuditEntry>>;
  /** Walks the hash chain on the console: OK with the head hash, or the first broken row. */
  verify(): Promise<AuditVerifyResult>;
  /** A same-origin link that downloads the filtered log as CSV (the console records who exported). */
  exportUrl(filters: AuditFilters): string;
}

function filterParams(filters: AuditFilters): QueryParams {
  return { from: filters.from, to: filters.to, actor: filters.actor, action: filters.action, targetType: filters.targetType, targetId: filters.targetId };
}

/** The audit API; `baseUrl` makes the CSV link absolute in tests and relative in the browser. */
export function createAuditApi(http: HttpClient, baseUrl: string): AuditApi {
  return {
    list: (filters, page = {}) => http.request('GET', '/api/v1/audit', auditPage, { query: { ...filterParams(filters), cursor: page.cursor, limit: page.limit } }),
    verify: () => http.request('GET', '/api/v1/audit/verify', auditVerifyResult),
    exportUrl: (filters) => buildUrl(baseUrl, '/api/v1/audit/export.csv', filterParams(filters)),
  };
}
