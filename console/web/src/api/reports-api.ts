import {
  contentTopReport,
  type ContentTopQuery,
  type ContentTopReport,
  entityHistoryReport,
  eventCountsReport,
  reportRun,
  reportScheduleList,
  reportScheduleView,
  type ReportRun,
  type ReportScheduleInput,
  type ReportScheduleView,
  topEntitiesReport,
  weekOverWeekReport,
  type EntityHistoryQuery,
  type EntityHistoryReport,
  type EventCountsQuery,
  type EventCountsReport,
  type TopEntitiesQuery,
  type TopEntitiesReport,
  type WeekOverWeekReport,
} from '@dlp/shared';
import type { HttpClient } from './http-client';

/** Aggregations over stored events (GET /reports/events/…). */
export interface ReportsApi {
  counts(query: Partial<EventCountsQuery> & Pick<EventCountsQuery, 'from' | 'to'>): Promise<EventCountsReport>;
  top(query: Partial<TopEntitiesQuery> & Pick<TopEntitiesQuery, 'dimension' | 'from' | 'to'>): Promise<TopEntitiesReport>;
  weekOverWeek(to?: string): Promise<WeekOverWeekReport>;
  entity(query: Partial<EntityHistoryQuery> & Pick<EntityHistoryQuery, 'dimension' | 'key' | 'from' | 'to'>): Promise<EntityHistoryReport>;
  /** Hosts and users by customer-data (content) events in a range (GET /reports/content/top). */
  contentTop(query: Partial<ContentTopQuery> & Pick<ContentTopQuery, 'from' | 'to'>): Promise<ContentTopReport>;
  /** Scheduled reports (admins change them; auditors read). */
  schedules(): Promise<ReportScheduleView[]>;
  createSchedule(input: ReportScheduleInput): Promise<ReportScheduleView>;
  /** Replaces every field of a schedule (PUT). */
  updateSchedule(id: string, input: ReportScheduleInput): Promise<ReportScheduleView>;
  deleteSchedule(id: string): Promise<void>;
  runNow(id: string): Promise<ReportRun>;
}

export function createReportsApi(http: HttpClient): ReportsApi {
  return {
    counts: (query) => http.request('GET', '/api/v1/reports/events/counts', eventCountsReport, { query: { ...query } }),
    top: (query) => http.request('GET', '/api/v1/reports/events/top', topEntitiesReport, { query: { ...query } }),
    weekOverWeek: (to) => http.request('GET', '/api/v1/reports/events/week-over-week', weekOverWeekReport, { query: { to } }),
    entity: (query) => http.request('GET', '/api/v1/reports/events/entity', entityHistoryReport, { query: { ...query } }),
    contentTop: (query) => http.request('GET', '/api/v1/reports/content/top', contentTopReport, { query: { ...query } }),
    schedules: async () => (await http.request('GET', '/api/v1/report-schedules', reportScheduleList)).items,
    createSchedule: (input) => http.request('POST', '/api/v1/report-schedules', reportScheduleView, { body: input }),
    updateSchedule: (id, input) => http.request('PUT', `/api/v1/report-schedules/${encodeURIComponent(id)}`, reportScheduleView, { body: input }),
    deleteSchedule: (id) => http.requestNoContent('DELETE', `/api/v1/report-schedules/${encodeURIComponent(id)}`),
    runNow: (id) => http.request('POST', `/api/v1/report-schedules/${encodeURIComponent(id)}/run`, reportRun),
  };
}
