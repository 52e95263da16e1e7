import { z } from 'zod';
import { LIMITS } from '../limits';
import { storedEvent } from '../schemas/event';
import { eventSearchFilterShape } from './event-search-api';
import { agentId, nonNegativeInt, positiveInt, timestamp } from '../schemas/primitives';
import { cursor, pageOf } from './rest';

/**
 * Triage of blocked events by security officers. A state is set on one event (`scope: event`) or on
 * every identical event (`scope: group`: same agent, type, rule and subject identity — sha256, USB
 * vendor/product/serial, path — now and in future). An event's own state wins over its group's.
 */
export const triageState = z.enum(['new', 'acknowledged', 'false-positive', 'escalated']);
export type TriageState = z.infer<typeof triageState>;

export const triageScope = z.enum(['event', 'group']);
export type TriageScope = z.infer<typeof triageScope>;

/** base64url SHA-256 of the group's identity (agent, type, rule, subject). */
export const triageFingerprint = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'must be a fingerprint returned by the API');

/** The state an event shows: where it comes from (`null` scope: never triaged, so `new`). */
export const triageInfo = z.strictObject({
  state: triageState,
  scope: triageScope.nullable(),
  fingerprint: triageFingerprint,
  updatedBy: z.string().nullable(),
  updatedAt: timestamp.nullable(),
});
export type TriageInfo = z.infer<typeof triageInfo>;

/**
 * Why the event happened, as the console knows it: the group its agent was in when the event
 * arrived (its name now, null when the group has been deleted since), and the policy version whose
 * serial the agent reported (null when it reported none or the console has no such version).
 */
export const eventContext = z.strictObject({
  group: z.strictObject({ id: z.string(), name: z.string().nullable() }).nullable(),
  policy: z.strictObject({ id: z.string(), name: z.string(), version: positiveInt, serial: positiveInt }).nullable(),
});
export type EventContext = z.infer<typeof eventContext>;

export const triagedEvent = z.strictObject({ event: storedEvent, triage: triageInfo, context: eventContext });
export type TriagedEvent = z.infer<typeof triagedEvent>;

export const triagedEventPage = pageOf(triagedEvent);

/** Refuses from ≥ to with a field path (a 400 rather than a silently empty result). */
function checkRange(value: { from?: string | undefined; to?: string | undefined }, ctx: z.RefinementCtx): void {
  if (value.from !== undefined && value.to !== undefined && Date.parse(value.from) >= Date.parse(value.to)) {
    ctx.addIssue({ code: 'custom', path: ['to'], message: 'must be after from' });
  }
}

/** Every event-search filter plus the effective triage state (own, else group's, else `new`). */
export const triageFilterShape = { ...eventSearchFilterShape, triageState: triageState.optional() } as const;

/** The filters shared by triage search and CSV export (no paging). */
export const triageSearchFilter = z.strictObject(triageFilterShape).superRefine(checkRange);
export type TriageSearchFilter = z.infer<typeof triageSearchFilter>;

/**
 * GET /api/v1/triage/events: GET /events with each event's triage state and a state filter. With
 * `triageState` a page may hold fewer than `limit` items (the console examines a bounded number of
 * events per request): follow `nextCursor` until it is null.
 */
export const triageEventQuery = z
  .strictObject({
    ...triageFilterShape,
    cursor: cursor.optional(),
    limit: z.coerce.number().int().min(1).max(LIMITS.maxPageSize).default(LIMITS.defaultPageSize),
  })
  .superRefine(checkRange);
export type TriageEventQuery = z.infer<typeof triageEventQuery>;

/** One change: a new state, a note, or both. */
export const triageHistoryEntry = z.strictObject({
  id: z.number().int().min(1),
  at: timestamp,
  scope: triageScope,
  /** The state set by this change, or null when only a note was added. */
  state: triageState.nullable(),
  previousState: triageState.nullable(),
  note: z.string().nullable(),
  actor: z.strictObject({ id: z.string(), username: z.string() }),
});
export type TriageHistoryEntry = z.infer<typeof triageHistoryEntry>;

export const triageRecord = z.strictObject({
  state: triageState,
  updatedBy: z.string(),
  updatedAt: timestamp,
});
export type TriageRecord = z.infer<typeof triageRecord>;

/** GET /api/v1/triage/events/:agentId/:seq */
export const triageDetail = z.strictObject({
  agentId,
  seq: z.number().int().min(1),
  effective: triageInfo,
  event: triageRecord.nullable(),
  group: triageRecord.nullable(),
  /** Oldest first: changes and notes of the event and of its group. */
  history: z.array(triageHistoryEntry),
});
export type TriageDetail = z.infer<typeof triageDetail>;

export const triageNote = z.string().trim().min(1).max(2000);

/** POST /api/v1/triage/events/:agentId/:seq: set a state, add a note, or both. */
export const triageUpdateRequest = z
  .strictObject({
    scope: triageScope.default('event'),
    state: triageState.optional(),
    note: triageNote.optional(),
  })
  .refine((body) => body.state !== undefined || body.note !== undefined, { message: 'give a state, a note or both', path: ['state'] });
export type TriageUpdateRequest = z.infer<typeof triageUpdateRequest>;

/** An event is named by its agent and sequence number (what ingest is idempotent on). */
export const triageEventParams = z.strictObject({ agentId, seq: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER) });
export type TriageEventParams = z.infer<typeof triageEventParams>;

/** Most matches GET /triage/events/count counts before it answers "at least". */
export const TRIAGE_COUNT_MAX = 10_000;

/**
 * GET /api/v1/triage/events/count: the search's filters (no paging) and `max`, the count at which
 * the console stops and answers `exact: false` ("at least `count`").
 */
export const triageCountQuery = z
  .strictObject({ ...triageFilterShape, max: z.coerce.number().int().min(1).max(TRIAGE_COUNT_MAX).default(TRIAGE_COUNT_MAX) })
  .superRefine(checkRange);
export type TriageCountQuery = z.infer<typeof triageCountQuery>;

/** `exact: false`: at least `count` events match (the count stopped at `max` or at its time budget). */
export const triageCount = z.strictObject({ count: nonNegativeInt, exact: z.boolean() });
export type TriageCount = z.infer<typeof triageCount>;

/** Most events one bulk triage request may name. */
export const TRIAGE_BULK_MAX = 500;

/** POST /api/v1/triage/events/bulk: one state and/or note for each of these events (their own state). */
export const triageBulkRequest = z
  .strictObject({
    events: z
      .array(z.strictObject({ agentId, seq: positiveInt }))
      .min(1)
      .max(TRIAGE_BULK_MAX)
      .refine((events) => new Set(events.map((event) => `${event.agentId}/${event.seq}`)).size === events.length, 'must not name an event twice'),
    state: triageState.optional(),
    note: triageNote.optional(),
  })
  .refine((body) => body.state !== undefined || body.note !== undefined, { message: 'give a state, a note or both', path: ['state'] });
export type TriageBulkRequest = z.infer<typeof triageBulkRequest>;

/** Each named event with its effective state after the change, in the request's order (the fingerprint is unchanged). */
export const triageBulkResult = z.strictObject({
  items: z.array(z.strictObject({ agentId, seq: positiveInt, triage: triageInfo.omit({ fingerprint: true }) })),
});
export type TriageBulkResult = z.infer<typeof triageBulkResult>;
