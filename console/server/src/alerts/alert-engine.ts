import { uuidv7, type AlertRuleKind, type FiredAlert, type StoredEvent } from '@dlp/shared';
import type { Logger } from '../logging/logger';
import { errorFields } from '../logging/logger';
import type { AlertRuleRecord, FiredAlertRecord } from '../store/alert-store';
import type { ConsoleStore } from '../store/store';
import type { AlertDispatcher } from './alert-dispatcher';
import { toFiredAlert } from './alert-view';
import { dedupeKey, describeHits, hitsByEntity, windowBucketMs, type AlertEntity, type EntityHits } from './rule-matchers';

export interface AlertEngineOptions {
  store: ConsoleStore;
  dispatcher: AlertDispatcher;
  logger: Logger;
  now?: () => number;
  /** How often agents are checked (offline, rejected receipts) and rules re-read; 30 s by default. */
  scanIntervalMs?: number;
  /** Committed events waiting for evaluation beyond this many are dropped (and counted). */
  maxPendingEvents?: number;
}

/** Rule kinds evaluated by scanning agents, never against events. */
function isAgentScanKind(kind: AlertRuleKind): boolean {
  return kind === 'agent-offline' || kind === 'clock-skew';
}

/**
 * Alerts of one rule fired within this long after a group's first alert join that group (one inbox
 * row: "50 agents offline"). Bounded from the first alert, so a rule that keeps firing starts new groups.
 */
export const ALERT_GROUP_WINDOW_MS = 15 * 60 * 1000;

/** Threshold counters older than the longest possible window (24 h) plus slack are deleted. */
const WINDOW_RETENTION_MS = 25 * 60 * 60 * 1000;

/**
 * Evaluates alert rules. Committed events are handed over with `offer` (synchronous, never waits)
 * and evaluated in the background; agents are scanned periodically. Every alert is claimed in the
 * database by its dedupe key first, and only the claimer dispatches it, so several console nodes
 * seeing the same data fire it once.
 */
export class AlertEngine {
  /** Evaluation backlog overflow (events dropped before evaluation) and evaluation failures. */
  readonly stats = { droppedEvents: 0, evaluationErrors: 0, fired: 0 };
  private rules: AlertRuleRecord[] = [];
  private pending: StoredEvent[] = [];
  private evaluating: Promise<void> | null = null;
  private scanning: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private readonly groupOf = new Map<string, string>();
  private readonly now: () => number;
  private readonly maxPending: number;
  private closed = false;

  constructor(private readonly options: AlertEngineOptions) {
    this.now = options.now ?? Date.now;
    this.maxPending = options.maxPendingEvents ?? 100_000;
  }

  /** Loads rules and destinations, then starts the periodic scan. */
  async start(): Promise<void> {
    await this.reload();
    const interval = this.options.scanIntervalMs ?? 30_000;
    this.timer = setInterval(() => void this.scan(), interval);
    this.timer.unref();
  }

  /** Re-reads rules and destinations (after a change here, and periodically for changes on other nodes). */
  async reload(): Promise<void> {
    const [rules, destinations] = await Promise.all([this.options.store.alerts.listRules(), this.options.store.alerts.listDestinations()]);
    this.rules = rules;
    // Agents move between groups: group filters see a move within one scan interval.
    this.groupOf.clear();
    this.options.dispatcher.sync(destinations);
  }

  /** Hands committed events over; returns at once. Ingest calls this after its commit. */
  offer(events: readonly StoredEvent[]): void {
    if (this.closed || !this.rules.some((r) => r.enabled && !isAgentScanKind(r.params.kind))) return;
    const room = this.maxPending - this.pending.length;
    if (events.length > room) this.stats.droppedEvents += events.length - Math.max(0, room);
    if (room > 0) this.pending.push(...events.slice(0, room));
    this.evaluating ??= this.evaluateLoop().finally(() => (this.evaluating = null));
  }

  /** Resolves when every offered event has been evaluated (tests). */
  async settled(): Promise<void> {
    while (this.evaluating) await this.evaluating;
  }

  /** Agent-offline and rejected-receipt checks, threshold counter pruning, rule refresh. */
  async scan(): Promise<void> {
    if (this.closed) return;
    const run = this.scanOnce();
    this.scanning = run;
    await run.finally(() => {
      if (this.scanning === run) this.scanning = null;
    });
  }

  private async scanOnce(): Promise<void> {
    try {
      await this.reload();
      const nowMs = this.now();
      for (const rule of this.rules) {
        if (!rule.enabled) continue;
        if (rule.params.kind === 'agent-offline') await this.scanOffline(rule, rule.params.afterMinutes, rule.params.groupId, nowMs);
        if (rule.params.kind === 'policy-tampering') await this.scanReceipts(rule, nowMs);
        if (rule.params.kind === 'clock-skew') await this.scanClockSkew(rule, rule.params.thresholdSeconds, rule.params.groupId);
      }
      await this.resolveReturnedAgents(nowMs);
      await this.resolveCorrectedClocks(nowMs);
      await this.options.store.alerts.pruneWindows(nowMs - WINDOW_RETENTION_MS);
    } catch (err) {
      this.stats.evaluationErrors += 1;
      this.options.logger.error('alert scan failed', errorFields(err));
    }
  }

  /** Stops scanning and evaluating; resolves once work in progress ended (before the store closes). */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.pending = [];
    await Promise.allSettled([this.evaluating, this.scanning]);
  }

  private async evaluateLoop(): Promise<void> {
    // Yield first so the ingest path that offered the events finishes before any alert work starts.
    await new Promise((resolve) => setImmediate(resolve));
    while (this.pending.length > 0 && !this.closed) {
      const batch = this.pending;
      this.pending = [];
      try {
        await this.evaluate(batch);
      } catch (err) {
        this.stats.evaluationErrors += 1;
        this.options.logger.error('alert evaluation failed', errorFields(err));
      }
    }
  }

  private async evaluate(events: StoredEvent[]): Promise<void> {
    for (const rule of this.rules) {
      if (!rule.enabled || isAgentScanKind(rule.params.kind)) continue;
      const params = rule.params;
      if (params.kind === 'threshold' && params.groupId !== undefined) await this.learnGroups(events);
      const accept = params.kind === 'threshold' && params.groupId !== undefined ? (e: StoredEvent) => this.groupOf.get(e.agentId) === params.groupId : undefined;
      for (const hits of hitsByEntity(rule, events, accept)) {
        if (params.kind === 'threshold') {
          const bucketMs = windowBucketMs(params.windowMinutes);
          const bucket = Math.floor(hits.lastAtMs / bucketMs) * bucketMs;
          const from = bucket - params.windowMinutes * 60_000 + bucketMs;
          // The bucket size is part of the key: after the window is changed, counting starts afresh.
          const counter = `${bucketMs}|${hits.entity.type}:${hits.entity.id}`;
          const total = await this.options.store.alerts.addToWindow(rule.id, counter, bucket, hits.events.length, from);
          if (total < params.count) continue;
          await this.fire(rule, hits.entity, hits.events.length, describeHits(rule, hits, total));
        } else {
          await this.fire(rule, hits.entity, hits.events.length, describeHits(rule, hits));
        }
      }
    }
  }

  private async learnGroups(events: readonly StoredEvent[]): Promise<void> {
    for (const agentId of new Set(events.map((e) => e.agentId))) {
      if (this.groupOf.has(agentId)) continue;
      const agent = await this.options.store.agents.findById(agentId);
      if (agent) this.groupOf.set(agentId, agent.groupId);
    }
  }

  /** Claims the alert; the winner dispatches, a loser folds its events into the existing alert. */
  private async fire(rule: AlertRuleRecord, entity: AlertEntity, eventCount: number, what: { title: string; details: FiredAlertRecord['details'] }, key?: string): Promise<boolean> {
    const nowMs = this.now();
    if (key === undefined) {
      // The cooldown runs from the last alert; the window in the dedupe key is what makes two nodes agree.
      const last = await this.options.store.alerts.lastFired(rule.id, entity.id);
      if (last && Date.parse(last.firedAt) > nowMs - rule.cooldownMinutes * 60_000) {
        await this.options.store.alerts.addOccurrences(last.dedupeKey, eventCount);
        return false;
      }
    }
    const id = uuidv7(nowMs);
    // Two nodes firing the same burst at once may each start a group: two rows instead of one, no loss.
    const leader = await this.options.store.alerts.groupLeader(rule.id, new Date(nowMs - ALERT_GROUP_WINDOW_MS).toISOString());
    const record: FiredAlertRecord = {
      id,
      dedupeKey: key ?? dedupeKey(rule, entity, nowMs),
      ruleId: rule.id,
      ruleName: rule.name,
      kind: rule.params.kind,
      severity: rule.severity,
      entityType: entity.type,
      entityId: entity.id,
      entityLabel: entity.label,
      title: what.title,
      eventCount,
      firedAt: new Date(nowMs).toISOString(),
      state: 'open',
      resolvedAt: null,
      details: what.details,
      groupKey: leader ?? id,
      acknowledgedAt: null,
      acknowledgedBy: null,
      acknowledgeNote: null,
      resolvedBy: null,
      resolveNote: null,
    };
    if (!(await this.options.store.alerts.claimAlert(record))) {
      if (key === undefined) await this.options.store.alerts.addOccurrences(record.dedupeKey, eventCount);
      return false;
    }
    this.stats.fired += 1;
    this.options.logger.info('alert fired', { alertId: record.id, ruleId: rule.id, kind: record.kind, entity: `${entity.type}:${entity.id}` });
    this.options.dispatcher.dispatch(toFiredAlert(record), rule.destinationIds);
    return true;
  }

  private async scanOffline(rule: AlertRuleRecord, afterMinutes: number, groupId: string | undefined, nowMs: number): Promise<void> {
    const cutoff = new Date(nowMs - afterMinutes * 60_000).toISOString();
    for (const agent of await this.options.store.alerts.listOfflineAgents(cutoff)) {
      if (groupId !== undefined && agent.groupId !== groupId) continue;
      const entity: AlertEntity = { type: 'agent', id: agent.id, label: agent.hostname };
      const hits: EntityHits = { entity, events: [], lastAtMs: Date.parse(agent.lastSeenAt) };
      const what = describeHits(rule, hits);
      what.details['agentId'] = agent.id;
      what.details['host'] = agent.hostname;
      what.details['lastSeenAt'] = agent.lastSeenAt;
      what.details['afterMinutes'] = afterMinutes;
      what.title = `Agent ${agent.hostname} offline for more than ${afterMinutes} min`;
      // Once per offline period: the period is identified by when the agent was last seen.
      await this.fire(rule, entity, 0, what, `${rule.id}|agent:${agent.id}|offline:${agent.lastSeenAt}`);
    }
  }

  private async scanReceipts(rule: AlertRuleRecord, nowMs: number): Promise<void> {
    // Three scan intervals back: a receipt is seen by at least one scan even if one scan is late.
    const since = new Date(nowMs - 3 * (this.options.scanIntervalMs ?? 30_000)).toISOString();
    for (const receipt of await this.options.store.alerts.listRejectedReceipts(since)) {
      const entity: AlertEntity = { type: 'agent', id: receipt.agentId, label: receipt.hostname };
      const details = { agentId: receipt.agentId, host: receipt.hostname, serial: receipt.serial, reason: receipt.error, receivedAt: receipt.receivedAt };
      const title = `Agent ${receipt.hostname} rejected policy serial ${receipt.serial}`;
      await this.fire(rule, entity, 1, { title, details }, `${rule.id}|agent:${receipt.agentId}|receipt:${receipt.serial}:${receipt.receivedAt}`);
    }
  }

  /** One alert per skewed agent and cooldown window (fire's default dedupe key); resolved once its clock is back. */
  private async scanClockSkew(rule: AlertRuleRecord, thresholdSeconds: number, groupId: string | undefined): Promise<void> {
    for (const agent of await this.options.store.alerts.listSkewedAgents(thresholdSeconds * 1000)) {
      if (groupId !== undefined && agent.groupId !== groupId) continue;
      const entity: AlertEntity = { type: 'agent', id: agent.id, label: agent.hostname };
      const what = describeHits(rule, { entity, events: [], lastAtMs: Date.parse(agent.measuredAt) });
      what.details['agentId'] = agent.id;
      what.details['host'] = agent.hostname;
      what.details['offsetMs'] = agent.offsetMs;
      what.details['thresholdSeconds'] = thresholdSeconds;
      what.details['measuredAt'] = agent.measuredAt;
      const direction = agent.offsetMs > 0 ? 'ahead of' : 'behind';
      what.title = `Agent ${agent.hostname} clock is ${Math.round(Math.abs(agent.offsetMs) / 1000)} s ${direction} the console (threshold ${thresholdSeconds} s)`;
      await this.fire(rule, entity, 0, what);
    }
  }

  /** Clock-skew alerts resolve when the agent's measured offset is within its rule's threshold again. */
  private async resolveCorrectedClocks(nowMs: number): Promise<void> {
    for (const alert of await this.options.store.alerts.listOpen('clock-skew')) {
      const rule = this.rules.find((r) => r.id === alert.ruleId);
      const threshold = rule?.params.kind === 'clock-skew' ? rule.params.thresholdSeconds * 1000 : undefined;
      const agent = await this.options.store.agents.findById(alert.entityId);
      // A removed agent, a rule deleted or disabled: nothing is left to watch.
      const stillOff = agent !== undefined && agent.revokedAt === null && threshold !== undefined && rule?.enabled === true && agent.clock !== null && Math.abs(agent.clock.offsetMs) >= threshold;
      if (stillOff) continue;
      const resolvedAt = new Date(nowMs).toISOString();
      if (!(await this.options.store.alerts.resolve(alert.id, resolvedAt))) continue;
      if (rule) this.options.dispatcher.dispatch(toFiredAlert({ ...alert, state: 'resolved', resolvedAt }), rule.destinationIds);
    }
  }

  /** Agent-offline alerts resolve when their agent is back; the node that resolves one announces it. */
  private async resolveReturnedAgents(nowMs: number): Promise<void> {
    for (const alert of await this.options.store.alerts.listOpen('agent-offline')) {
      const lastSeenAt = alert.details['lastSeenAt'];
      if (typeof lastSeenAt !== 'string' || !(await this.options.store.alerts.agentSeenSince(alert.entityId, lastSeenAt))) continue;
      const resolvedAt = new Date(nowMs).toISOString();
      if (!(await this.options.store.alerts.resolve(alert.id, resolvedAt))) continue;
      const rule = this.rules.find((r) => r.id === alert.ruleId);
      if (rule) this.options.dispatcher.dispatch(toFiredAlert({ ...alert, state: 'resolved', resolvedAt }), rule.destinationIds);
    }
  }

  /** For the REST answer of a destination test. */
  static sampleAlert(nowMs: number): FiredAlert {
    return {
      id: uuidv7(nowMs),
      ruleId: 'test',
      ruleName: 'Test alert',
      kind: 'threshold',
      severity: 'low',
      entity: { type: 'host', id: 'test', label: 'test-host' },
      title: 'Test alert from the DLP console',
      eventCount: 0,
      firedAt: new Date(nowMs).toISOString(),
      state: 'open',
      resolvedAt: null,
      details: {},
      groupKey: 'test',
      acknowledged: null,
      resolvedBy: null,
      resolveNote: null,
    };
  }
}

