import { eventPage, type EventQuery, type Page, type StoredEvent } from '@dlp/shared';
import type { HttpClient } from './http-client';

/** Every field of the events query is optional on the client; the console applies defaults. */
export type EventListQuery = Partial<EventQuery>;

/** Stored events, newest first, with keyset pagination. */
export interface EventsApi {
  list(query?: EventListQuery): Promise<Page<StoredEvent>>;
}

export function createEventsApi(http: HttpClient): EventsApi {
  return {
    list: (query = {}) =>
      http.request('GET', '/api/v1/events', eventPage, {
        query: {
          from: query.from,
          to: query.to,
          agentId: query.agentId,
          type: query.type,
          action: query.action,
          severity: query.severity,
          cursor: query.cursor,
          limit: query.limit,
        },
      }),
  };
}
