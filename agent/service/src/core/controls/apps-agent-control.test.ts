import type { AppDecisionReport } from '../../enforce/apps/app-control';
import { appEventOf, appNoticeEventOf } from './apps-agent-control';

const decision = (overrides: Partial<AppDecisionReport>): AppDecisionReport => ({
  action: 'blocked',
  ruleId: 'no-nc',
  policySerial: 4,
  method: 'proc-scan',
  process: { pid: 10, uid: 1000, exePath: '/usr/bin/nc', name: 'nc' },
  ...overrides,
});

describe('app decisions as events', () => {
  it('are app events, with the uid so the user is named', () => {
    expect(appEventOf(decision({}))).toEqual({
      type: 'app',
      action: 'blocked',
      severity: 'medium',
      ruleId: 'no-nc',
      policySerial: 4,
      uid: 1000,
      subject: { kind: 'process', method: 'proc-scan', pid: 10, uid: 1000, exePath: '/usr/bin/nc', name: 'nc' },
    });
  });

  it('are screen-capture events when a catalogue rule decided, in monitor mode too', () => {
    const tool = { pid: 11, exePath: '/usr/bin/flameshot', name: 'flameshot' };
    expect(appEventOf(decision({ ruleId: 'screen:flameshot', process: tool }))).toMatchObject({ type: 'screen-capture', action: 'blocked' });
    expect(appEventOf(decision({ action: 'would-block', ruleId: 'screen:flameshot', process: tool }))).toMatchObject({ type: 'screen-capture', action: 'would-block', severity: 'low' });
  });

  it('are high severity when the fail mode decided, whichever way it went', () => {
    const timedOut = { method: 'fanotify' as const, ruleId: 'fail-mode:open', timedOut: true };
    expect(appEventOf(decision({ ...timedOut, action: 'allowed' }))).toMatchObject({ type: 'app', action: 'allowed', severity: 'high', ruleId: 'fail-mode:open' });
    expect(appEventOf(decision({ ...timedOut, ruleId: 'fail-mode:closed', action: 'blocked' }))).toMatchObject({ action: 'blocked', severity: 'high' });
  });

  it('carry how many identical decisions were folded into one', () => {
    expect(appEventOf(decision({ method: 'fanotify', process: { pid: 10, exePath: '/usr/bin/nc', name: 'nc', suppressed: 12 } })).subject).toMatchObject({ method: 'fanotify', suppressed: 12 });
  });

  it('turn notices about the control itself into agent events', () => {
    expect(appNoticeEventOf({ severity: 'high', message: 'exec guard restarted after it stopped answering', details: { gapMs: 40 } })).toEqual({
      type: 'agent',
      action: 'info',
      severity: 'high',
      subject: { kind: 'agent', message: 'exec guard restarted after it stopped answering', details: { gapMs: 40 } },
    });
  });

  it('name the exception when one let the program run', () => {
    expect(appEventOf(decision({ action: 'allowed', exceptionId: 'exc-1' }))).toMatchObject({ type: 'app', action: 'allowed', severity: 'low', subject: { exceptionId: 'exc-1' } });
  });
});
