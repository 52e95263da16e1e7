import type { AlertRuleParams, StoredEvent } from '@dlp/shared';
import type { AlertDetails, AlertRuleRecord } from '../store/alert-store';

/** Who an alert is about. */
export interface AlertEntity {
  type: 'host' | 'user' | 'agent';
  id: string;
  label: string;
}

/** Matching events of one rule, folded by entity. */
export interface EntityHits {
  entity: AlertEntity;
  events: StoredEvent[];
  /** Latest placedAt (occurredAt corrected by the agent's clock offset) of the hits, Unix ms. */
  lastAtMs: number;
}

/** Fail-mode rule ids as the agent reports them for exec decisions the helper did not make in time. */
const FAIL_MODE_RULE = /^fail-mode:(open|closed)$/;

function agentEntity(event: StoredEvent): AlertEntity {
  return { type: 'agent', id: event.agentId, label: event.host };
}

/** Whether the event is a fail-mode answer of one of these modes (an exec decision or an unidentified exec notice). */
function isFailModeTimeout(event: StoredEvent, modes: readonly string[]): boolean {
  const match = event.ruleId === null ? null : FAIL_MODE_RULE.exec(event.ruleId);
  if (match?.[1] !== undefined) return modes.includes(match[1]);
  // "an exec … could not be identified in time": the notice carries the helper's verdict instead of a rule.
  if (event.type === 'agent' && event.subject.kind === 'agent') {
    const verdict = event.subject.details?.['verdict'];
    if (verdict === 'allow') return modes.includes('open');
    if (verdict === 'deny') return modes.includes('closed');
  }
  return false;
}

/**
 * Whether one event counts for a rule (the group filter of threshold rules is applied by the engine,
 * which knows each agent's group). Agent-offline and clock-skew rules never match events (they scan agents).
 */
export function eventMatches(params: AlertRuleParams, event: StoredEvent): boolean {
  switch (params.kind) {
    case 'threshold':
      return (
        event.action === params.action &&
        (params.type === undefined || event.type === params.type) &&
        (params.severity === undefined || event.severity === params.severity) &&
        (params.per === 'host' || event.user !== null)
      );
    case 'content':
      return event.type === 'content' && (params.actions === undefined || params.actions.includes(event.action));
    case 'policy-tampering':
      // Refused policies (bad signature, rollback, unsigned) and refused pushed exceptions.
      return (event.type === 'policy' || event.type === 'agent') && event.action === 'blocked';
    case 'fail-open-timeout':
      return isFailModeTimeout(event, params.failModes);
    case 'agent-offline':
    case 'clock-skew':
      return false;
  }
}

/** Who the rule's alert for this event is about: a host (or a user) for thresholds, else the agent. */
export function entityOf(params: AlertRuleParams, event: StoredEvent): AlertEntity {
  if (params.kind === 'threshold') {
    if (params.per === 'user' && event.user !== null) return { type: 'user', id: event.user, label: event.user };
    return { type: 'host', id: event.agentId, label: event.host };
  }
  return agentEntity(event);
}

/** The rule's matching events grouped by entity, in first-seen order. */
export function hitsByEntity(rule: AlertRuleRecord, events: readonly StoredEvent[], accept: (event: StoredEvent) => boolean = () => true): EntityHits[] {
  const byEntity = new Map<string, EntityHits>();
  for (const event of events) {
    if (!eventMatches(rule.params, event) || !accept(event)) continue;
    const entity = entityOf(rule.params, event);
    const key = `${entity.type}:${entity.id}`;
    // Where the console placed it: an agent with a wrong clock cannot move its events out of a window.
    const at = Date.parse(event.placedAt ?? event.occurredAt);
    const hits = byEntity.get(key);
    if (hits) {
      hits.events.push(event);
      hits.lastAtMs = Math.max(hits.lastAtMs, at);
    } else byEntity.set(key, { entity, events: [event], lastAtMs: at });
  }
  return [...byEntity.values()];
}

/** Threshold windows are counted in ten steps (at least one second each). */
export function windowBucketMs(windowMinutes: number): number {
  return Math.max(1000, Math.floor((windowMinutes * 60_000) / 10));
}

/** The dedupe key: one alert per rule, entity and cooldown window (windows aligned to the epoch). */
export function dedupeKey(rule: Pick<AlertRuleRecord, 'id' | 'cooldownMinutes'>, entity: AlertEntity, nowMs: number): string {
  const window = Math.floor(nowMs / (rule.cooldownMinutes * 60_000));
  return `${rule.id}|${entity.type}:${entity.id}|w${window}`;
}

/** The one-line title and the details an alert carries for its hits. */
export function describeHits(rule: AlertRuleRecord, hits: EntityHits, windowCount?: number): { title: string; details: AlertDetails } {
  const first = hits.events[0];
  const details: AlertDetails = { host: first?.host ?? null, user: first?.user ?? null, agentId: first?.agentId ?? null, firstEventId: first?.id ?? null };
  const params = rule.params;
  switch (params.kind) {
    case 'threshold':
      details['windowMinutes'] = params.windowMinutes;
      details['threshold'] = params.count;
      details['countInWindow'] = windowCount ?? hits.events.length;
      return { title: `${windowCount ?? hits.events.length} ${params.action} events from ${hits.entity.type} ${hits.entity.label} within ${params.windowMinutes} min`, details };
    case 'content': {
      const subject = first?.subject;
      if (subject?.kind === 'file') {
        details['path'] = subject.path;
        details['detectors'] = Object.keys(subject.matches).join(',');
      }
      return { title: `Personal data detected on ${hits.entity.label}`, details };
    }
    case 'policy-tampering': {
      const subject = first?.subject;
      if (subject?.kind === 'policy') details['reason'] = subject.reason;
      else if (subject?.kind === 'agent') details['reason'] = subject.message;
      return { title: `Policy tampering reported by ${hits.entity.label}`, details };
    }
    case 'fail-open-timeout':
      details['ruleId'] = first?.ruleId ?? null;
      return { title: `Exec decisions timed out on ${hits.entity.label} (fail mode answered)`, details };
    case 'agent-offline':
      return { title: `Agent ${hits.entity.label} offline`, details };
    case 'clock-skew':
      return { title: `Agent ${hits.entity.label} clock is off by more than ${params.thresholdSeconds} s`, details };
  }
}
