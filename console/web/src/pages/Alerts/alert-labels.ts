import type { AlertRule, AlertRuleParams, FiredAlert } from '@dlp/shared';
import { formatDateTime, type I18n, type Language } from '../../i18n';

type Translate = I18n['t'];

/** A rule's condition in words, in the UI language. */
export function describeRule(params: AlertRuleParams, t: Translate): string {
  switch (params.kind) {
    case 'threshold':
      return t('alerts.rules.describe.threshold', { count: params.count, action: t(`action.${params.action}`), per: t(`alerts.rules.per.${params.per}`), window: params.windowMinutes });
    case 'agent-offline':
      return t('alerts.rules.describe.agent-offline', { minutes: params.afterMinutes });
    case 'clock-skew':
      return t('alerts.rules.describe.clock-skew', { seconds: params.thresholdSeconds });
    case 'content':
    case 'policy-tampering':
    case 'fail-open-timeout':
      return t(`alerts.rules.describe.${params.kind}`);
  }
}

/** What happened, in the UI language and local time (the stored title is English and UTC, for SIEMs). */
export function describeAlert(alert: FiredAlert, t: Translate, language: Language): string {
  const d = alert.details;
  switch (alert.kind) {
    case 'threshold':
      return t('alerts.what.threshold', { count: typeof d['countInWindow'] === 'number' ? d['countInWindow'] : alert.eventCount, window: typeof d['windowMinutes'] === 'number' ? d['windowMinutes'] : '?' });
    case 'content':
      return typeof d['path'] === 'string' ? t('alerts.what.contentIn', { path: d['path'] }) : t('alerts.what.content');
    case 'agent-offline':
      return t('alerts.what.agent-offline', { since: typeof d['lastSeenAt'] === 'string' ? formatDateTime(d['lastSeenAt'], language) : '?' });
    case 'policy-tampering':
      return typeof d['reason'] === 'string' ? t('alerts.what.policy-tampering-reason', { reason: d['reason'] }) : t('alerts.what.policy-tampering');
    case 'fail-open-timeout':
      return t('alerts.what.fail-open-timeout');
    case 'clock-skew':
      return typeof d['offsetMs'] === 'number' ? t('alerts.what.clock-skew', { seconds: Math.round(d['offsetMs'] / 1000) }) : t('alerts.kind.clock-skew');
  }
}

/** Who an alert is about: "Host ws-01", "User alice", "Agent ws-02". */
export function describeEntity(entity: FiredAlert['entity'], t: Translate): string {
  return t(`alerts.entity.${entity.type}`, { label: entity.label });
}

/** Destination names of a rule, in the rule's order (ids no longer known are left out). */
export function destinationNames(rule: AlertRule, names: ReadonlyMap<string, string>): string[] {
  return rule.destinationIds.flatMap((id) => {
    const name = names.get(id);
    return name === undefined ? [] : [name];
  });
}
