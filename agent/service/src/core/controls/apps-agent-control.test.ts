import type { AppDecisionReport } from '../../enforce/apps/app-control';
import { appEventOf } from './apps-agent-control';

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

  it('name the exception when one let the program run', () => {
    expect(appEventOf(decision({ action: 'allowed', exceptionId: 'exc-1' }))).toMatchObject({ type: 'app', action: 'allowed', severity: 'low', subject: { exceptionId: 'exc-1' } });
  });
});
