import type { AlertDestination, AlertRule, FiredAlert } from '@dlp/shared';
import type { AlertDestinationRecord, AlertRuleRecord, FiredAlertRecord } from '../store/alert-store';

/** The API view of a stored alert. */
export function toFiredAlert(r: FiredAlertRecord): FiredAlert {
  return {
    id: r.id,
    ruleId: r.ruleId,
    ruleName: r.ruleName,
    kind: r.kind,
    severity: r.severity,
    entity: { type: r.entityType, id: r.entityId, label: r.entityLabel },
    title: r.title,
    eventCount: r.eventCount,
    firedAt: r.firedAt,
    state: r.state === 'open' && r.acknowledgedAt !== null ? 'acknowledged' : r.state,
    resolvedAt: r.resolvedAt,
    details: r.details,
    groupKey: r.groupKey,
    acknowledged: r.acknowledgedAt !== null ? { at: r.acknowledgedAt, by: r.acknowledgedBy ?? '', note: r.acknowledgeNote ?? '' } : null,
    resolvedBy: r.resolvedBy,
    resolveNote: r.resolveNote,
  };
}

export function toAlertRule(r: AlertRuleRecord): AlertRule {
  return { ...r, destinationIds: [...r.destinationIds] };
}

/** The API view of a destination: never the secret. */
export function toAlertDestination(r: AlertDestinationRecord): AlertDestination {
  return { id: r.id, name: r.name, enabled: r.enabled, config: r.config, rateLimit: r.rateLimit, hasSecret: r.secret !== null, createdAt: r.createdAt, updatedAt: r.updatedAt };
}
