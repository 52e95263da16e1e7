import type { AlertRule, AlertRuleKind, AlertRuleParams, EventAction } from '@dlp/shared';

/** The kind-specific numbers and choices the rule form edits. */
export interface RuleParamFields {
  count: number;
  window: number;
  per: 'host' | 'user';
  action: EventAction;
  afterMinutes: number;
  /** Clock-skew rules: how far off (either way) an agent's clock may be, in seconds. */
  skewSeconds: number;
}

/** Defaults of a new rule's fields. */
export const DEFAULT_PARAM_FIELDS: RuleParamFields = { count: 10, window: 5, per: 'host', action: 'blocked', afterMinutes: 30, skewSeconds: 300 };

/** The form's fields prefilled from a stored rule (fields its kind lacks keep their defaults). */
export function paramFieldsOf(params: AlertRuleParams): RuleParamFields {
  switch (params.kind) {
    case 'threshold':
      return { ...DEFAULT_PARAM_FIELDS, count: params.count, window: params.windowMinutes, per: params.per, action: params.action };
    case 'agent-offline':
      return { ...DEFAULT_PARAM_FIELDS, afterMinutes: params.afterMinutes };
    case 'clock-skew':
      return { ...DEFAULT_PARAM_FIELDS, skewSeconds: params.thresholdSeconds };
    case 'content':
    case 'policy-tampering':
    case 'fail-open-timeout':
      return DEFAULT_PARAM_FIELDS;
  }
}

/**
 * The rule's params from the form. When the kind is unchanged, fields the form does not show
 * (group, event type, content actions, fail modes) are kept from `base`, so an edit never drops them.
 */
export function paramsOf(kind: AlertRuleKind, fields: RuleParamFields, base?: AlertRule['params']): AlertRuleParams {
  switch (kind) {
    case 'threshold':
      return { ...(base?.kind === kind ? base : {}), kind, count: fields.count, windowMinutes: fields.window, per: fields.per, action: fields.action };
    case 'agent-offline':
      return { ...(base?.kind === kind ? base : {}), kind, afterMinutes: fields.afterMinutes };
    case 'content':
      return base?.kind === kind ? base : { kind };
    case 'policy-tampering':
      return { kind };
    case 'fail-open-timeout':
      return base?.kind === kind ? base : { kind, failModes: ['open'] };
    case 'clock-skew':
      return { ...(base?.kind === kind ? base : {}), kind, thresholdSeconds: fields.skewSeconds };
  }
}
