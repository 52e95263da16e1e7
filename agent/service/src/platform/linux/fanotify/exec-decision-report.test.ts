import { appsSection } from '@dlp/shared';
import { appDecisionOf, sentRuleSet } from './exec-decision-report';
import { toExecDecision, type ExecDecision } from './exec-guard-types';

const TOOL_SHA = 'ab'.repeat(32);
const apps = appsSection.parse({ failMode: 'closed', rules: [{ id: 'no-tool', action: 'block', kind: 'name', value: 'tool' }] });

const decision = (overrides: Partial<ExecDecision>): ExecDecision => ({
  verdict: 'deny',
  report: 'blocked',
  pid: 4242,
  ppid: 4200,
  uid: 1000,
  exePath: '/home/bob/tool',
  name: 'tool',
  sha256: TOOL_SHA,
  ruleId: 'no-tool',
  suppressed: 0,
  generation: 3,
  via: 'exec',
  interpreter: null,
  method: 'fanotify',
  lsmReason: null,
  ...overrides,
});

describe('helper decisions as app decisions', () => {
  const enforce = sentRuleSet(7, 'enforce', apps);

  it('carry the rule, the policy serial and everything that identifies the program and its user', () => {
    expect(appDecisionOf(decision({ suppressed: 4 }), enforce)).toEqual({
      action: 'blocked',
      ruleId: 'no-tool',
      policySerial: 7,
      method: 'fanotify',
      process: { pid: 4242, ppid: 4200, uid: 1000, exePath: '/home/bob/tool', name: 'tool', sha256: TOOL_SHA, suppressed: 4 },
    });
    expect(appDecisionOf(decision({ verdict: 'allow', report: 'would-block' }), sentRuleSet(7, 'monitor', apps))).toMatchObject({ action: 'would-block', ruleId: 'no-tool' });
  });

  it('make control characters in a file name harmless', () => {
    expect(appDecisionOf(decision({ exePath: '/tmp/a\nb', name: 'a\nb' }), enforce)?.process.name).toBe('a?b');
  });

  it('say which way the fail mode answered when no decision came in time', () => {
    expect(appDecisionOf(decision({ report: 'timeout', ruleId: null, sha256: null }), enforce)).toMatchObject({ action: 'blocked', ruleId: 'fail-mode:closed', timedOut: true });
    const failOpen = sentRuleSet(8, 'enforce', { ...apps, failMode: 'open' });
    expect(appDecisionOf(decision({ report: 'timeout', verdict: 'allow', ruleId: null }), failOpen)).toMatchObject({ action: 'allowed', ruleId: 'fail-mode:open', timedOut: true });
    // Monitor mode never refuses, but fail closed would have: that is what the officer is told.
    expect(appDecisionOf(decision({ report: 'timeout', verdict: 'allow', ruleId: null }), sentRuleSet(9, 'monitor', apps))).toMatchObject({ action: 'would-block', ruleId: 'fail-mode:closed' });
    // A rule set we no longer remember: the verdict still says which fail mode answered.
    expect(appDecisionOf(decision({ report: 'timeout', verdict: 'deny', ruleId: null }), undefined)).toMatchObject({ action: 'blocked', ruleId: 'fail-mode:closed', policySerial: null });
  });

  it('name the exception and the rule it overrode when an exception let a program run', () => {
    const allowed = decision({ verdict: 'allow', report: 'allowed', ruleId: 'exception:0190f0e0-0000-7000-8000-000000000001' });
    expect(appDecisionOf(allowed, enforce)).toMatchObject({ action: 'allowed', ruleId: 'no-tool', exceptionId: '0190f0e0-0000-7000-8000-000000000001', process: { sha256: TOOL_SHA } });
  });

  it('report nothing when an exception let through a program the policy allows anyway', () => {
    const other = decision({ verdict: 'allow', report: 'allowed', exePath: '/home/bob/editor', name: 'editor', ruleId: 'exception:x' });
    expect(appDecisionOf(other, enforce)).toBeNull();
  });

  it('leave an exec without an absolute path to the caller', () => {
    expect(appDecisionOf(decision({ report: 'timeout', exePath: '(unknown)', name: '(unknown)' }), enforce)).toBeNull();
  });

  it('name the BPF LSM as the method, and its own reason as the rule where no policy rule refused the file', () => {
    const lsm = toExecDecision({
      type: 'decision', verdict: 'deny', report: 'blocked', pid: 12, uid: 65534, path: '/proc/self/fd/4', sha256: null, ruleId: null,
      suppressed: 0, generation: 3, method: 'bpf-lsm', lsmReason: 'anonymous-exec',
    });
    expect(appDecisionOf(lsm, enforce)).toMatchObject({ action: 'blocked', method: 'bpf-lsm', ruleId: 'lsm:anonymous-exec' });
    const mapped = toExecDecision({
      type: 'decision', verdict: 'deny', report: 'blocked', pid: 12, uid: 65534, path: '/home/bob/tool', sha256: TOOL_SHA, ruleId: 'no-tool',
      suppressed: 0, generation: 3, method: 'bpf-lsm', lsmReason: 'known-blocked', via: 'mapped', interpreter: '/usr/bin/python3.11',
    });
    expect(appDecisionOf(mapped, enforce)).toMatchObject({ method: 'bpf-lsm', ruleId: 'no-tool', process: { via: 'mapped', interpreter: '/usr/bin/python3.11', sha256: TOOL_SHA } });
  });
});
