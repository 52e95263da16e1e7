import type { AlertRuleKind, AlertRuleParams, AlertState, DestinationConfig, Severity } from '@dlp/shared';

/** An alert rule as stored (params are schema-checked before they get here). */
export interface AlertRuleRecord {
  id: string;
  name: string;
  enabled: boolean;
  severity: Severity;
  params: AlertRuleParams;
  destinationIds: string[];
  cooldownMinutes: number;
  createdAt: string;
  updatedAt: string;
}

/** A webhook or syslog target. `secret` (webhooks) signs bodies; it never leaves the console again. */
export interface AlertDestinationRecord {
  id: string;
  name: string;
  enabled: boolean;
  config: DestinationConfig;
  rateLimit: { perMinute: number; burst: number };
  secret: string | null;
  createdAt: string;
  updatedAt: string;
}

export type AlertDetails = Record<string, string | number | boolean | null>;

/** One fired alert. `dedupeKey` is unique: whoever inserts it first owns the delivery. */
export interface FiredAlertRecord {
  /** UUIDv7, so ids sort by firing time. */
  id: string;
  dedupeKey: string;
  ruleId: string;
  ruleName: string;
  kind: AlertRuleKind;
  severity: Severity;
  entityType: 'host' | 'user' | 'agent';
  entityId: string;
  entityLabel: string;
  title: string;
  eventCount: number;
  firedAt: string;
  /** As stored: an acknowledged alert is `open` with `acknowledgedAt` set. */
  state: StoredAlertState;
  resolvedAt: string | null;
  details: AlertDetails;
  /** The id of the group's first alert (the alert's own id when it starts a group). */
  groupKey: string;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
  acknowledgeNote: string | null;
  /** Null when the console resolved it (agent back, clock corrected). */
  resolvedBy: string | null;
  resolveNote: string | null;
}

export type StoredAlertState = 'open' | 'resolved';

/** A person's acknowledge or resolve of one alert. */
export interface AlertTriageChange {
  at: string;
  by: string;
  note: string;
}

/** One inbox row before its members are read: a group key, its newest alert id, and its size. */
export interface AlertGroupHead {
  groupKey: string;
  lastId: string;
  count: number;
}

export interface FiredAlertFilter {
  state?: AlertState;
  ruleId?: string;
  kind?: AlertRuleKind;
  /** ISO-8601 UTC: fromAt ≤ firedAt < toAt. */
  fromAt?: string;
  toAt?: string;
  /** Keyset pagination (newest first): only alerts with a smaller id. */
  beforeId?: string;
  limit: number;
}

/** The filter of the inbox: groups are paged by their newest alert id (newest first). */
export type AlertGroupFilter = Omit<FiredAlertFilter, 'beforeId'> & { beforeLastId?: string };

/** An agent that is offline and was last seen before the cut-off. */
export interface OfflineAgentRow {
  id: string;
  groupId: string;
  hostname: string;
  lastSeenAt: string;
}

export interface RejectedReceiptRow {
  agentId: string;
  hostname: string;
  serial: number;
  error: string | null;
  receivedAt: string;
}

/** Rules, destinations, fired alerts, and the shared window counters of threshold rules. */
/** An agent whose clock is off (clock-skew rules). */
export interface SkewedAgentRow {
  id: string;
  groupId: string;
  hostname: string;
  offsetMs: number;
  measuredAt: string;
}

export interface AlertRepository {
  /** Oldest first. */
  listRules(): Promise<AlertRuleRecord[]>;
  findRule(id: string): Promise<AlertRuleRecord | undefined>;
  insertRule(rule: AlertRuleRecord): Promise<void>;
  /** Replaces every field but id and createdAt; false when no such rule exists. */
  updateRule(rule: AlertRuleRecord): Promise<boolean>;
  deleteRule(id: string): Promise<boolean>;

  /** Oldest first. */
  listDestinations(): Promise<AlertDestinationRecord[]>;
  findDestination(id: string): Promise<AlertDestinationRecord | undefined>;
  insertDestination(destination: AlertDestinationRecord): Promise<void>;
  updateDestination(destination: AlertDestinationRecord): Promise<boolean>;
  deleteDestination(id: string): Promise<boolean>;

  /**
   * Inserts the alert unless one with the same dedupe key exists (INSERT … ON CONFLICT DO NOTHING).
   * True only for the caller whose row went in: it alone delivers, on whichever console node.
   */
  claimAlert(alert: FiredAlertRecord): Promise<boolean>;
  /** Folds more events into an alert already claimed under this key. */
  addOccurrences(dedupeKey: string, count: number): Promise<void>;
  /** The latest alert of this rule for this entity, if it ever fired. */
  lastFired(ruleId: string, entityId: string): Promise<{ dedupeKey: string; firedAt: string } | undefined>;
  findAlert(id: string): Promise<FiredAlertRecord | undefined>;
  /** Newest first. */
  queryAlerts(filter: FiredAlertFilter): Promise<FiredAlertRecord[]>;
  /** Open alerts of one rule kind (to resolve agent-offline alerts when agents return). */
  listOpen(kind: AlertRuleKind): Promise<FiredAlertRecord[]>;
  /** Marks an open alert resolved; false when it was not open. */
  resolve(id: string, resolvedAt: string): Promise<boolean>;
  /** The newest group leader of this rule fired at or after `since` (ISO): later alerts join its group. */
  groupLeader(ruleId: string, since: string): Promise<string | undefined>;
  /** Groups of alerts matching the filter (members are filtered too), newest first. */
  queryAlertGroups(filter: AlertGroupFilter): Promise<AlertGroupHead[]>;
  /** The newest `perGroup` matching alerts of each group, newest first. */
  groupMembers(groupKeys: readonly string[], filter: Omit<FiredAlertFilter, 'beforeId' | 'limit'>, perGroup: number): Promise<FiredAlertRecord[]>;
  /** Matching alerts and groups, counting at most `cap` alerts. */
  countAlerts(filter: Omit<FiredAlertFilter, 'beforeId' | 'limit'>, cap: number): Promise<{ alerts: number; groups: number }>;
  /** A person takes an open alert; false when it is not open or already acknowledged. */
  acknowledge(id: string, change: AlertTriageChange): Promise<boolean>;
  /** A person resolves an open (or acknowledged) alert; false when it was resolved already. */
  resolveBy(id: string, change: AlertTriageChange): Promise<boolean>;

  /**
   * Adds `count` to the (rule, entity, bucket) counter and returns the sum of that rule and entity's
   * counters from `fromBucket` to `bucket`. Shared by every console node through the database.
   */
  addToWindow(ruleId: string, entityId: string, bucket: number, count: number, fromBucket: number): Promise<number>;
  /** Deletes counters of buckets that start before `beforeMs`; returns how many went. */
  pruneWindows(beforeMs: number): Promise<number>;

  /** Non-revoked agents that are offline and were last seen before `lastSeenBefore` (ISO). */
  listOfflineAgents(lastSeenBefore: string): Promise<OfflineAgentRow[]>;
  /** Whether the agent is online now or was seen after `since` (an offline period ended). */
  agentSeenSince(agentId: string, since: string): Promise<boolean>;
  /** Connected, non-revoked agents whose measured clock offset is at least `minOffsetMs` either way. */
  listSkewedAgents(minOffsetMs: number): Promise<SkewedAgentRow[]>;
  /** Latest policy receipts with status `rejected` received at or after `since` (ISO). */
  listRejectedReceipts(since: string): Promise<RejectedReceiptRow[]>;
}
