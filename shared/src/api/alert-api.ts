import { z } from 'zod';
import { LIMITS } from '../limits';
import { eventAction, eventType, severity } from '../schemas/event';
import { shortString, timestamp } from '../schemas/primitives';
import { cursor, pageOf } from './rest';

/**
 * Alert rules, destinations (webhooks, syslog) and fired alerts. Admins manage rules and
 * destinations; officers and auditors read rules and fired alerts. See docs/ALERTS.md.
 */

const id = z.string().min(1).max(64).regex(/^[A-Za-z0-9-]+$/, 'must be an id returned by the API');
const minutes = (max: number) => z.number().int().min(1).max(max);

/** ≥ `count` matching events from one host (or one user) within `windowMinutes`. */
export const thresholdParams = z.strictObject({
  kind: z.literal('threshold'),
  count: z.number().int().min(1).max(100_000),
  windowMinutes: minutes(24 * 60),
  /** Whose events are counted together. */
  per: z.enum(['host', 'user']).default('host'),
  action: eventAction.default('blocked'),
  type: eventType.optional(),
  severity: severity.optional(),
  /** Only agents of this group. */
  groupId: id.optional(),
});

/** A content scan found personal data (events of type `content`). */
export const contentParams = z.strictObject({
  kind: z.literal('content'),
  /** Only these actions; all of them when absent. */
  actions: z.array(eventAction).min(1).max(4).optional(),
});

/** An agent has been offline longer than `afterMinutes`; fires once per offline period. */
export const agentOfflineParams = z.strictObject({
  kind: z.literal('agent-offline'),
  afterMinutes: minutes(30 * 24 * 60),
  groupId: id.optional(),
});

/** Refused (tampered, unsigned, rolled back) policies or exceptions, and rejected policy receipts. */
export const policyTamperingParams = z.strictObject({ kind: z.literal('policy-tampering') });

/** The exec helper's fail mode answered because no decision came in time. */
export const failOpenTimeoutParams = z.strictObject({
  kind: z.literal('fail-open-timeout'),
  /** `open` (programs ran unchecked) by default; add `closed` to hear about refused programs too. */
  failModes: z.array(z.enum(['open', 'closed'])).min(1).max(2).default(['open']),
});

/**
 * An agent's clock is off the console's by more than `thresholdSeconds` (either way), as measured
 * from its hello and heartbeats. At most one alert per agent per cooldown; resolved once the clock is back.
 */
export const clockSkewParams = z.strictObject({
  kind: z.literal('clock-skew'),
  thresholdSeconds: z.number().int().min(1).max(366 * 24 * 3600).default(300),
  groupId: id.optional(),
});

export const alertRuleParams = z.discriminatedUnion('kind', [thresholdParams, contentParams, agentOfflineParams, policyTamperingParams, failOpenTimeoutParams, clockSkewParams]);
export type AlertRuleParams = z.infer<typeof alertRuleParams>;
export const alertRuleKind = z.enum(['threshold', 'content', 'agent-offline', 'policy-tampering', 'fail-open-timeout', 'clock-skew']);
export type AlertRuleKind = z.infer<typeof alertRuleKind>;

export const alertRule = z.strictObject({
  id: z.string(),
  name: z.string(),
  enabled: z.boolean(),
  severity,
  params: alertRuleParams,
  destinationIds: z.array(z.string()),
  /** At most one alert per rule and entity (host, user, agent) within this many minutes. */
  cooldownMinutes: z.number().int(),
  createdAt: timestamp,
  updatedAt: timestamp,
});
export type AlertRule = z.infer<typeof alertRule>;

const ruleFields = {
  name: shortString,
  enabled: z.boolean().default(true),
  severity: severity.default('high'),
  params: alertRuleParams,
  destinationIds: z.array(id).max(16).default([]),
  cooldownMinutes: minutes(7 * 24 * 60).default(15),
};

/** POST /api/v1/alerts/rules */
export const createAlertRuleRequest = z.strictObject(ruleFields);
export type CreateAlertRuleRequest = z.input<typeof createAlertRuleRequest>;

/** PATCH /api/v1/alerts/rules/:id: any subset of the fields. */
export const updateAlertRuleRequest = z
  .strictObject({
    name: ruleFields.name.optional(),
    enabled: z.boolean().optional(),
    severity: severity.optional(),
    params: alertRuleParams.optional(),
    destinationIds: z.array(id).max(16).optional(),
    cooldownMinutes: minutes(7 * 24 * 60).optional(),
  })
  .refine((body) => Object.values(body).some((value) => value !== undefined), 'must change at least one field');
export type UpdateAlertRuleRequest = z.infer<typeof updateAlertRuleRequest>;

export const alertRuleList = z.strictObject({ items: z.array(alertRule) });

/** Deliveries per destination: a token bucket of `burst` alerts, refilled at `perMinute`. */
export const rateLimit = z.strictObject({
  perMinute: z.number().int().min(1).max(6000).default(30),
  burst: z.number().int().min(1).max(1000).default(10),
});

/** Only http(s) URLs; credentials in the URL are refused (use the signing secret instead). */
const webhookUrl = z
  .url({ protocol: /^https?$/ })
  .max(2048)
  .refine((value) => {
    const url = new URL(value);
    return url.username === '' && url.password === '';
  }, 'must not contain a user name or password');

/**
 * One or more PEM certificates: the CA (or bundle) a webhook receiver's certificate must chain to,
 * for receivers inside the firm whose CA is not a public one. Public certificates only, no keys.
 */
export const pemCertificates = z
  .string()
  .max(64 * 1024)
  .regex(/^\s*(?:-----BEGIN CERTIFICATE-----\r?\n[A-Za-z0-9+/=\r\n]+-----END CERTIFICATE-----\s*)+$/, 'must be one or more PEM certificates (-----BEGIN CERTIFICATE-----)');

/**
 * Where alerts can be sent. Each kind has a config schema below (checked against this list at
 * compile time) and a sender in the console's dispatcher (a record over this list).
 */
export const ALERT_DESTINATION_KINDS = ['webhook', 'syslog'] as const;
export const alertDestinationKind = z.enum(ALERT_DESTINATION_KINDS);
export type AlertDestinationKind = z.infer<typeof alertDestinationKind>;

export const webhookConfig = z
  .strictObject({
    kind: z.literal('webhook' satisfies AlertDestinationKind),
    url: webhookUrl,
    /** When set, only this CA (bundle) is trusted for this receiver, instead of the system's CAs. */
    caCertificate: pemCertificates.optional(),
  })
  .refine((config) => config.caCertificate === undefined || config.url.startsWith('https:'), {
    path: ['caCertificate'],
    message: 'only for https:// URLs',
  });

const hostName = z
  .string()
  .min(1)
  .max(253)
  .regex(/^[A-Za-z0-9.:_-]+$/, 'must be a host name or IP address');

export const syslogConfig = z.strictObject({
  kind: z.literal('syslog' satisfies AlertDestinationKind),
  host: hostName,
  port: z.number().int().min(1).max(65535).default(514),
  protocol: z.enum(['udp', 'tcp']).default('udp'),
  /** RFC 5424 facility code (0–23); 13 is "log audit". */
  facility: z.number().int().min(0).max(23).default(13),
});

export const destinationConfig = z.discriminatedUnion('kind', [webhookConfig, syslogConfig]);
export type DestinationConfig = z.infer<typeof destinationConfig>;
/** The config of one destination kind. */
export type DestinationConfigOf<K extends AlertDestinationKind> = Extract<DestinationConfig, { kind: K }>;

type SameUnion<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type MustBeTrue<T extends true> = T;
/** Compiles only while every listed kind has a config schema and every config schema is a listed kind. */
type _EveryDestinationKindHasAConfig = MustBeTrue<SameUnion<DestinationConfig['kind'], AlertDestinationKind>>;

/** A destination as the API shows it: the webhook secret is never returned after creation. */
export const alertDestination = z.strictObject({
  id: z.string(),
  name: z.string(),
  enabled: z.boolean(),
  config: destinationConfig,
  rateLimit: z.strictObject({ perMinute: z.number().int(), burst: z.number().int() }),
  /** Webhooks: whether a signing secret is set (it always is). */
  hasSecret: z.boolean(),
  createdAt: timestamp,
  updatedAt: timestamp,
});
export type AlertDestination = z.infer<typeof alertDestination>;

const webhookSecret = z.string().min(16, 'must be at least 16 characters').max(256);

/** POST /api/v1/alerts/destinations. Without `secret` a webhook gets a random one (returned once). */
export const createAlertDestinationRequest = z.strictObject({
  name: shortString,
  enabled: z.boolean().default(true),
  config: destinationConfig,
  rateLimit: rateLimit.default({ perMinute: 30, burst: 10 }),
  secret: webhookSecret.optional(),
});
export type CreateAlertDestinationRequest = z.input<typeof createAlertDestinationRequest>;

/** 201 answer: the only time the webhook secret is shown. */
export const alertDestinationCreated = z.strictObject({ destination: alertDestination, secret: z.string().nullable() });

/** PATCH /api/v1/alerts/destinations/:id. `secret` replaces the webhook's signing secret. */
export const updateAlertDestinationRequest = z
  .strictObject({
    name: shortString.optional(),
    enabled: z.boolean().optional(),
    config: destinationConfig.optional(),
    rateLimit: rateLimit.optional(),
    secret: webhookSecret.optional(),
  })
  .refine((body) => Object.values(body).some((value) => value !== undefined), 'must change at least one field');
export type UpdateAlertDestinationRequest = z.infer<typeof updateAlertDestinationRequest>;

export const alertDestinationList = z.strictObject({ items: z.array(alertDestination) });

/** Delivery counters of one destination on this console node (since it started). */
export const deliveryCounters = z.strictObject({
  destinationId: z.string(),
  name: z.string(),
  kind: alertDestinationKind,
  sent: z.number().int(),
  /** Alerts given up on after the last retry. */
  failed: z.number().int(),
  /** Alerts dropped (oldest first) because the queue was full. */
  dropped: z.number().int(),
  /** Alerts waiting (including the one being sent). */
  queued: z.number().int(),
  /** Attempts that failed and were retried. */
  retries: z.number().int(),
  /** Alerts the rate limit held back (their count goes into the next delivered alert). */
  rateLimited: z.number().int(),
  lastError: z.string().nullable(),
  lastSentAt: timestamp.nullable(),
});
export type DeliveryCounters = z.infer<typeof deliveryCounters>;
export const deliveryStats = z.strictObject({ items: z.array(deliveryCounters) });

/** POST /api/v1/alerts/destinations/:id/test answer: one attempt, outside the queue. */
export const testDeliveryResult = z.strictObject({ ok: z.boolean(), error: z.string().nullable(), durationMs: z.number() });
export type TestDeliveryResult = z.infer<typeof testDeliveryResult>;

/** `acknowledged`: still open, but someone has taken it (issue 17); only people acknowledge. */
export const alertState = z.enum(['open', 'acknowledged', 'resolved']);
export type AlertState = z.infer<typeof alertState>;

/** Who took an alert, when, and what they wrote. */
export const alertAcknowledgement = z.strictObject({ at: timestamp, by: z.string(), note: z.string() });

/** One fired alert. */
export const firedAlert = z.strictObject({
  id: z.string(),
  ruleId: z.string(),
  ruleName: z.string(),
  kind: alertRuleKind,
  severity,
  /** What the alert is about: a host (agent), a user, or an agent. */
  entity: z.strictObject({ type: z.enum(['host', 'user', 'agent']), id: z.string(), label: z.string() }),
  title: z.string(),
  /** Events folded into this alert (more arrive while it is within its cooldown). */
  eventCount: z.number().int(),
  firedAt: timestamp,
  /** `open` until acknowledged or resolved; agent-offline and clock-skew alerts resolve by themselves. */
  state: alertState,
  resolvedAt: timestamp.nullable(),
  /** Alerts of one rule fired within a few minutes of each other share this key ("50 agents offline"). */
  groupKey: z.string(),
  acknowledged: alertAcknowledgement.nullable(),
  /** The user who resolved it; null while open or when the console resolved it (the agent came back). */
  resolvedBy: z.string().nullable(),
  resolveNote: z.string().nullable(),
  details: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
});
export type FiredAlert = z.infer<typeof firedAlert>;

/** GET /api/v1/alerts query string (newest first). */
export const alertQuery = z.strictObject({
  state: alertState.optional(),
  ruleId: id.optional(),
  kind: alertRuleKind.optional(),
  from: timestamp.optional(),
  to: timestamp.optional(),
  cursor: cursor.optional(),
  limit: z.coerce.number().int().min(1).max(LIMITS.maxPageSize).default(LIMITS.defaultPageSize),
});
export type AlertQuery = z.infer<typeof alertQuery>;
export const alertPage = pageOf(firedAlert);

/** Counting stops here: the answer is then "at least". */
export const ALERT_COUNT_CAP = 10_000;

/** One row of the alerts inbox: the alerts of one rule fired close together, newest first. */
export const alertGroup = z.strictObject({
  key: z.string(),
  ruleId: z.string(),
  ruleName: z.string(),
  kind: alertRuleKind,
  severity,
  /** Alerts of the group that match the filter; `alerts` holds at most ALERT_GROUP_MEMBERS of them. */
  count: z.number().int(),
  firstFiredAt: timestamp,
  lastFiredAt: timestamp,
  alerts: z.array(firedAlert),
});
export type AlertGroup = z.infer<typeof alertGroup>;
/** Members listed per group row. */
export const ALERT_GROUP_MEMBERS = 500;

/** GET /api/v1/alerts/groups answer: a page of groups, and how many alerts and groups match in all. */
export const alertGroupPage = z.strictObject({
  items: z.array(alertGroup),
  nextCursor: z.string().nullable(),
  total: z.strictObject({ alerts: z.number().int(), groups: z.number().int(), exact: z.boolean() }),
});
export type AlertGroupPage = z.infer<typeof alertGroupPage>;

/** POST /api/v1/alerts/acknowledge and /resolve: these alerts (a group's, say), with a note for the audit log. */
export const alertTriageRequest = z.strictObject({
  ids: z
    .array(id)
    .min(1)
    .max(ALERT_GROUP_MEMBERS)
    .refine((ids) => new Set(ids).size === ids.length, 'must not repeat an id'),
  note: z.string().trim().max(1000).default(''),
});
export type AlertTriageRequest = z.input<typeof alertTriageRequest>;

/** The alerts after the change; `unchanged`: ids already in that state (or resolved, for acknowledge). */
export const alertTriageResult = z.strictObject({ items: z.array(firedAlert), unchanged: z.array(z.string()) });
export type AlertTriageResult = z.infer<typeof alertTriageResult>;

/** The JSON body a webhook receives (also the data behind the syslog CEF line). */
export const alertNotification = z.strictObject({
  /** Unix seconds, equal to the X-DLP-Timestamp header: receivers reject stale or replayed bodies. */
  sentAt: z.number().int(),
  test: z.boolean(),
  alert: firedAlert,
  /** Alerts for this destination the rate limit held back since the last delivery. */
  suppressedSinceLast: z.number().int(),
});
export type AlertNotification = z.infer<typeof alertNotification>;
