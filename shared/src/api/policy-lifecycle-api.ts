import { z } from 'zod';
import { LIMITS } from '../limits';
import { policyDocument } from '../schemas/policy';
import { positiveInt, timestamp } from '../schemas/primitives';
import { impactBuckets, impactScope } from './impact-buckets-api';
import { entityId } from './group-api';
import { policySummary } from './rest';

/**
 * Policy drafts, publish, diff, rollback and impact preview (issue 4 §2). Drafts are editable and
 * unsigned; publishing one signs a new immutable version.
 */

export const draftSummary = z.strictObject({
  id: z.string(),
  policyId: z.string(),
  /** The version the draft started from (what publish will supersede). */
  baseVersion: z.number().int(),
  name: z.string(),
  mode: z.enum(['monitor', 'enforce']),
  createdBy: z.string(),
  createdAt: timestamp,
  updatedAt: timestamp,
});
export type DraftSummary = z.infer<typeof draftSummary>;

/** GET /api/v1/drafts/:id, POST /api/v1/policies/:id/drafts (201), PUT /api/v1/drafts/:id */
export const draftDetail = z.strictObject({ draft: draftSummary, document: policyDocument });
export type DraftDetail = z.infer<typeof draftDetail>;

/** GET /api/v1/policies/:id/drafts */
export const draftList = z.strictObject({ items: z.array(draftSummary) });

/**
 * POST /api/v1/policies/:id/drafts: `document` is optional (a copy of the current version). Like
 * policy saves, the document is validated by the service so issue paths are document-relative.
 */
export const createDraftRequest = z.strictObject({ document: z.looseObject({}).optional() });
/** PUT /api/v1/drafts/:id */
export const updateDraftRequest = z.strictObject({ document: z.looseObject({}) });

/** POST /api/v1/drafts/:id/publish → 200: the new version; the draft is gone. */
export const publishResponse = z.strictObject({ policy: policySummary, groupIds: z.array(z.string()) });
export type PublishResponse = z.infer<typeof publishResponse>;

/** POST /api/v1/policies/:id/rollback */
export const rollbackRequest = z.strictObject({ version: positiveInt });
export type RollbackRequest = z.infer<typeof rollbackRequest>;

/** GET /api/v1/policies/:id/diff?from=a&to=b */
export const diffQuery = z.strictObject({ from: z.coerce.number().int().min(1), to: z.coerce.number().int().min(1) });
export type DiffQuery = z.infer<typeof diffQuery>;

/**
 * One difference between two versions. `path` is a JSON path into the document (`$.apps.rules[2]`,
 * `$.usb.defaultAction`); rules are matched by id, so a reordered rule shows as `moved`.
 */
export const policyChange = z.strictObject({
  path: z.string(),
  kind: z.enum(['added', 'removed', 'changed', 'moved']),
  section: z.enum(['apps', 'usb', 'screen', 'content', 'document']),
  /** Set for rule changes. */
  ruleId: z.string().optional(),
  before: z.unknown().optional(),
  after: z.unknown().optional(),
});
export type PolicyChange = z.infer<typeof policyChange>;

const ruleCounts = z.strictObject({ added: z.number().int(), removed: z.number().int(), changed: z.number().int(), moved: z.number().int() });

export const policyDiff = z.strictObject({
  policyId: z.string(),
  from: z.number().int(),
  to: z.number().int(),
  changes: z.array(policyChange),
  summary: z.strictObject({ appRules: ruleCounts, usbRules: ruleCounts, settings: z.number().int() }),
});
export type PolicyDiff = z.infer<typeof policyDiff>;

/**
 * POST /api/v1/drafts/:id/impact. Without `groupId` the preview replays the events of every group
 * that uses the draft's policy; with it, that one group's (it need not use the policy yet).
 */
export const impactRequest = z.strictObject({ days: z.number().int().min(1).max(90), groupId: entityId.optional() });
export type ImpactRequest = z.infer<typeof impactRequest>;

/** One event the preview quotes, trimmed to what a reviewer needs. */
export const impactExample = z.strictObject({
  eventId: z.string(),
  agentId: z.string(),
  host: z.string(),
  user: z.string().nullable(),
  occurredAt: timestamp,
  /** What the agent reported at the time (blocked / would-block / allowed / info). */
  reportedAction: z.string(),
  /** App events: the executable; USB events: `vvvv:pppp serial`. */
  subject: z.string(),
  sha256: z.string().optional(),
});
export type ImpactExample = z.infer<typeof impactExample>;

/** What the draft would do, grouped by the rule that decides (null: the section's default). */
export const impactGroup = z.strictObject({
  ruleId: z.string().nullable(),
  /** `block` / `read-only` as the draft decides (a monitor-mode draft would only report it). */
  action: z.enum(['block', 'read-only', 'allow']),
  events: z.number().int(),
  hosts: z.number().int(),
  users: z.number().int(),
  examples: z.array(impactExample).max(5),
});
export type ImpactGroup = z.infer<typeof impactGroup>;

export const impactReport = z.strictObject({
  draftId: z.string(),
  policyId: z.string(),
  mode: z.enum(['monitor', 'enforce']),
  days: z.number().int(),
  from: timestamp,
  to: timestamp,
  /** App events and USB device sightings replayed. */
  appEvents: z.number().int(),
  usbDevices: z.number().int(),
  /** True when more than LIMITS-bounded events existed and only the newest were replayed. */
  truncated: z.boolean(),
  /** The groups whose events were replayed. */
  scope: impactScope,
  /** Hosts, users and events already blocked, newly blocked and no longer blocked, with drill-down filters. */
  buckets: impactBuckets,
  apps: z.strictObject({
    /** Executions the draft would block, per rule. */
    wouldBlock: z.array(impactGroup),
    /** Executions that were blocked (or would-block) then and the draft would allow. */
    noLongerBlocked: z.array(impactGroup),
  }),
  usb: z.strictObject({
    /** Devices the draft would block or make read-only, per rule. */
    wouldRestrict: z.array(impactGroup),
    /** Devices restricted then that the draft would allow. */
    noLongerRestricted: z.array(impactGroup),
  }),
});
export type ImpactReport = z.infer<typeof impactReport>;

/** Most events one impact preview replays (newest first); beyond it the report says `truncated`. */
export const IMPACT_MAX_EVENTS = 200_000;
/** Page size while replaying. */
export const IMPACT_PAGE = Math.min(LIMITS.maxPageSize, 1000);

export {
  IMPACT_MAX_SLICES,
  impactBucket,
  impactBuckets,
  impactPart,
  impactScope,
  impactScopeGroup,
  impactSlice,
  type ImpactBucket,
  type ImpactBucketName,
  type ImpactBuckets,
  type ImpactPart,
  type ImpactScope,
  type ImpactScopeGroup,
  type ImpactSlice,
} from './impact-buckets-api';
