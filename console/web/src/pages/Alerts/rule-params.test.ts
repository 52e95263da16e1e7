import { alertRuleParams, type AlertRuleParams } from '@dlp/shared';
import { DEFAULT_PARAM_FIELDS, paramFieldsOf, paramsOf } from './rule-params';

const threshold: AlertRuleParams = { kind: 'threshold', count: 7, windowMinutes: 20, per: 'user', action: 'would-block', type: 'usb', groupId: 'grp-finance' };

describe('rule form params', () => {
  it('prefills the form from a stored rule and writes the same params back when nothing changed', () => {
    const fields = paramFieldsOf(threshold);
    expect(fields).toEqual({ ...DEFAULT_PARAM_FIELDS, count: 7, window: 20, per: 'user', action: 'would-block' });
    expect(paramsOf('threshold', fields, threshold)).toEqual(threshold);
  });

  it('keeps fields the form does not show (group, event type) when an edit keeps the kind', () => {
    const edited = paramsOf('threshold', { ...paramFieldsOf(threshold), count: 3 }, threshold);
    expect(edited).toEqual({ ...threshold, count: 3 });
    expect(alertRuleParams.safeParse(edited).success).toBe(true);
  });

  it('starts from the new kind alone when an edit changes the kind', () => {
    expect(paramsOf('agent-offline', { ...DEFAULT_PARAM_FIELDS, afterMinutes: 45 }, threshold)).toEqual({ kind: 'agent-offline', afterMinutes: 45 });
    expect(paramsOf('fail-open-timeout', DEFAULT_PARAM_FIELDS, threshold)).toEqual({ kind: 'fail-open-timeout', failModes: ['open'] });
    const content: AlertRuleParams = { kind: 'content', actions: ['blocked'] };
    expect(paramsOf('content', DEFAULT_PARAM_FIELDS, content)).toEqual(content);
  });

  it('edits a clock-skew rule’s threshold in seconds and keeps its group', () => {
    const skew: AlertRuleParams = { kind: 'clock-skew', thresholdSeconds: 600, groupId: 'grp-finance' };
    expect(paramFieldsOf(skew).skewSeconds).toBe(600);
    expect(paramsOf('clock-skew', { ...paramFieldsOf(skew), skewSeconds: 90 }, skew)).toEqual({ ...skew, thresholdSeconds: 90 });
    expect(paramsOf('clock-skew', DEFAULT_PARAM_FIELDS, threshold)).toEqual({ kind: 'clock-skew', thresholdSeconds: 300 });
  });
});
