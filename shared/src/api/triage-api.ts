import { z } from 'zod';
import { LIMITS } from '../limits';
import { storedEvent } from '../schemas/event';
import { eventSearchFilterShape } from './event-search-api';
import { agentId, timestamp } from '../schemas/primitives';
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

export const triagedEvent = z.strictObject({ event: storedEvent, triage: triageInfo });
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
