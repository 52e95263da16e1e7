import { z } from 'zod';
import { eventAction, eventType } from '../schemas/event';
import { eventSearchFilter } from './event-search-api';

/**
 * The impact preview's answer in people's terms (issue 17 item 5): which hosts, users and events a
 * draft would block that are already blocked today, which it would newly block, and which it would
 * no longer block, each with the search filters that open exactly those events.
 */

/** Most subject slices one bucket lists (largest first); the rest are counted in `moreSlices`. */
export const IMPACT_MAX_SLICES = 20;

/** One group whose events the preview replayed. */
export const impactScopeGroup = z.strictObject({
  id: z.string(),
  name: z.string(),
  /** True when the group enforces the draft's policy today. */
  usesPolicy: z.boolean(),
});
export type ImpactScopeGroup = z.infer<typeof impactScopeGroup>;

/**
 * `policy`: every group that uses the draft's policy; `chosen`: the group the caller named. Events
 * belong to the group their agent was in when they were recorded (the search's group filter).
 */
export const impactScope = z.strictObject({ kind: z.enum(['policy', 'chosen']), groups: z.array(impactScopeGroup) });
export type ImpactScope = z.infer<typeof impactScope>;

const distinctCounts = {
  events: z.number().int(),
  /** Distinct agents. */
  hosts: z.number().int(),
  /** Distinct reported user names. */
  users: z.number().int(),
};

/**
 * Part of a bucket one search can show: one group, event type and recorded action. `exact`: the
 * search with `filters` finds exactly these events (false when other events share the filters, or
 * when the replay was truncated).
 */
export const impactPart = z.strictObject({
  groupId: z.string(),
  type: eventType,
  recordedAction: eventAction,
  ...distinctCounts,
  filters: eventSearchFilter,
  exact: z.boolean(),
});
export type ImpactPart = z.infer<typeof impactPart>;

/** One program (by hash or path) or USB device of a bucket, with the rule that decides it. */
export const impactSlice = impactPart.extend({
  /** The draft's deciding rule (no longer blocked: the rule that blocked it then); null: a default. */
  ruleId: z.string().nullable(),
  /** App events: the executable; USB events: `vvvv:pppp serial`. */
  subject: z.string(),
});
export type ImpactSlice = z.infer<typeof impactSlice>;

export const impactBucket = z.strictObject({
  ...distinctCounts,
  /** Filters whose search finds exactly this bucket's events, when one search can; else null (see parts). */
  filters: eventSearchFilter.nullable(),
  /** Per group × type × recorded action, most events first. */
  parts: z.array(impactPart),
  slices: z.array(impactSlice).max(IMPACT_MAX_SLICES),
  /** Slices left out of `slices`. */
  moreSlices: z.number().int(),
});
export type ImpactBucket = z.infer<typeof impactBucket>;

/**
 * `alreadyBlocked`: recorded as blocked and the draft blocks them too; `newlyBlocked`: recorded as
 * allowed, audited (would-block) or info and the draft would block (or make read-only);
 * `noLongerBlocked`: recorded as blocked and the draft would allow.
 */
export const impactBuckets = z.strictObject({ alreadyBlocked: impactBucket, newlyBlocked: impactBucket, noLongerBlocked: impactBucket });
export type ImpactBuckets = z.infer<typeof impactBuckets>;
export type ImpactBucketName = keyof ImpactBuckets;
