import { appsSection } from '@dlp/shared';
import type { AppPolicy } from '../../../enforce/apps/app-control';
import { helperRulesOf } from './fanotify-app-control';

const exception = { id: '0190f0e0-0000-7000-8000-000000000002', sha256: 'EF'.repeat(32) };
const policy = (apps: object, exceptions = [exception]): AppPolicy => ({ serial: 2, mode: 'enforce', apps: appsSection.parse(apps), exceptions });

describe('the rules the helper gets', () => {
  it('put the exceptions in force in front of the policy rules, as sha256 allow rules the reports can tell apart', () => {
    const rules = helperRulesOf(policy({ rules: [{ id: 'no-nc', action: 'block', kind: 'name', value: 'nc' }] })).rules;
    expect(rules.map((r) => [r.id, r.action, r.kind, r.value])).toEqual([
      [`exception:${exception.id}`, 'allow', 'sha256', 'ef'.repeat(32)],
      ['no-nc', 'block', 'name', 'nc'],
    ]);
  });

  it('leave them out when nothing can be blocked, so the helper does not hash every program for nothing', () => {
    expect(helperRulesOf(policy({ rules: [{ id: 'ok', action: 'allow', kind: 'name', value: 'ls' }] })).rules.map((r) => r.id)).toEqual(['ok']);
    expect(helperRulesOf(policy({ enabled: false, rules: [{ id: 'no-nc', action: 'block', kind: 'name', value: 'nc' }] })).rules.map((r) => r.id)).toEqual(['no-nc']);
  });

  it('keep them in allowlist mode, where everything not allowed is blocked', () => {
    expect(helperRulesOf(policy({ defaultAction: 'block' })).rules.map((r) => r.id)).toEqual([`exception:${exception.id}`]);
  });

  it('are the policy rules unchanged without exceptions', () => {
    const apps = { rules: [{ id: 'no-nc', action: 'block', kind: 'name', value: 'nc' }] };
    expect(helperRulesOf(policy(apps, []))).toEqual(appsSection.parse(apps));
  });
});
