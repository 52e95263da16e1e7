import { appsSection } from '@dlp/shared';
import { FakeProcessTable } from '../../testing/fake-process-table';
import { availablePreExec, StubPreExecControl, unavailablePreExec } from '../../testing/fake-pre-exec';
import { waitFor } from '../../testing/fixtures';
import { recordingLogger, type RecordedLine } from '../../testing/recording-logger';
import type { AppControlNotice, AppDecisionReport, AppPolicy } from './app-control';
import { AppControlSelector, type AppControlSelectorOptions } from './app-control-selector';
import { ProcScanAppControl } from './proc-scan-app-control';

/**
 * Which app control runs, without the kernel: the fallback is the real /proc scanner on a fake
 * process table, and "unavailable" answers what the real probe says of a helper binary that does
 * not exist. (The real probe, pre-exec blocking that works and gives up at run time, and the second
 * line against the kernel are tested in platform/linux/fanotify and agent-*.test.ts.)
 */
const blockNc: AppPolicy = { serial: 3, mode: 'enforce', apps: appsSection.parse({ rules: [{ id: 'no-nc', action: 'block', kind: 'name', value: 'nc' }] }) };
const missingHelper = (_platform: FakeHost) => unavailablePreExec('helper binary not built or not executable: /nonexistent/dlp-exec-guard');

interface FakeHost {
  processes: FakeProcessTable;
  self: { pid: number; ppid: number };
}

describe('AppControlSelector', () => {
  let platform: FakeHost;
  let selector: AppControlSelector | null = null;
  let logLines: RecordedLine[];
  let notices: AppControlNotice[];
  let reports: AppDecisionReport[];

  beforeEach(() => {
    platform = { processes: new FakeProcessTable(), self: { pid: 4242, ppid: 4241 } };
    logLines = [];
    notices = [];
    reports = [];
  });
  afterEach(async () => {
    await selector?.stop();
    selector = null;
  });

  function select(options: Pick<AppControlSelectorOptions, 'method' | 'preExec' | 'createSecondLine' | 'secondLineIntervalMs'>): AppControlSelector {
    const log = recordingLogger(logLines);
    const sink = { report: (r: AppDecisionReport) => reports.push(r), notice: (n: AppControlNotice) => notices.push(n) };
    selector = new AppControlSelector({
      ...options,
      marks: 'all',
      createFallback: () => new ProcScanAppControl({ processes: platform.processes, self: platform.self, scanIntervalMs: 20, sink, log }),
      sink,
      log,
    });
    return selector;
  }

  it('runs the /proc scanner with the policy it was given when the configuration asks for it, without probing', async () => {
    const control = select({ method: 'proc-scan', preExec: missingHelper(platform) });
    control.applyPolicy(blockNc);
    platform.processes.spawn({ pid: 500, exePath: '/usr/bin/nc' });
    await control.start();
    expect(control.capabilities()).toEqual({ method: 'proc-scan', preExec: false, failMode: 'open' });
    expect(control.capabilityNotes()).toEqual([]);
    expect(platform.processes.isRunning(500)).toBe(false);
    expect(reports).toEqual([expect.objectContaining({ action: 'blocked', ruleId: 'no-nc', method: 'proc-scan' })]);
  });

  it('falls back quietly in auto mode on an OS without pre-exec blocking', async () => {
    const control = select({ method: 'auto', preExec: undefined });
    await control.start();
    expect(control.capabilities().method).toBe('proc-scan');
    expect(control.capabilityNotes()).toEqual([]);
    expect(notices).toEqual([]);
    expect(logLines.filter((l) => l.level === 'error')).toEqual([]);
  });

  it('falls back in auto mode when this host cannot do it, and says why in the notes', async () => {
    const control = select({ method: 'auto', preExec: missingHelper(platform) });
    await control.start();
    expect(control.capabilities().method).toBe('proc-scan');
    expect(control.capabilityNotes()).toEqual([expect.stringMatching(/^apps: pre-exec blocking is unavailable here \(helper binary not built or not executable: \/nonexistent\/dlp-exec-guard\)$/)]);
    expect(logLines).toContainEqual(expect.objectContaining({ level: 'warn' }));
    expect(notices).toEqual([]);
  });

  it('still enforces with the scanner when fanotify was configured but is unavailable, logging an error, noting it and raising an event', async () => {
    const control = select({ method: 'fanotify', preExec: missingHelper(platform) });
    control.applyPolicy(blockNc);
    await control.start();
    platform.processes.spawn({ pid: 501, exePath: '/usr/bin/nc' });
    await waitFor(() => !platform.processes.isRunning(501), 'the scanner to kill nc');
    expect(control.capabilities()).toMatchObject({ method: 'proc-scan', preExec: false });
    expect(control.capabilityNotes()).toEqual([expect.stringMatching(/^apps: pre-exec blocking was configured but is unavailable \(helper binary not built/)]);
    expect(logLines).toContainEqual(expect.objectContaining({ level: 'error', msg: 'pre-exec blocking is unavailable; the /proc scanner runs instead' }));
    expect(notices).toEqual([expect.objectContaining({ severity: 'high', message: expect.stringMatching(/^pre-exec blocking is unavailable/) })]);
  });

  it('runs the /proc second line beside working pre-exec blocking: it kills blocked content that got past and flags it', async () => {
    const preExec = new StubPreExecControl();
    const sink = { report: (r: AppDecisionReport) => reports.push(r) };
    const control = select({
      method: 'auto',
      preExec: availablePreExec(preExec),
      createSecondLine: () => new ProcScanAppControl({ processes: platform.processes, self: platform.self, scanIntervalMs: 20, sink, log: recordingLogger(logLines), secondLine: true }),
      secondLineIntervalMs: 20,
    });
    control.applyPolicy(blockNc);
    await control.start();
    expect(control.capabilities()).toMatchObject({ method: 'fanotify', preExec: true });
    expect(control.capabilityNotes()).toEqual(['apps: second line: /proc scan every 20 ms kills blocked content that got past pre-exec blocking (bypass events)']);
    // Reached through a path pre-exec blocking does not see: the second line kills it.
    platform.processes.spawn({ pid: 700, exePath: '/mnt/unwatched/nc' });
    await waitFor(() => !platform.processes.isRunning(700), 'the second line to kill nc');
    expect(reports).toEqual([expect.objectContaining({ action: 'blocked', ruleId: 'no-nc', method: 'proc-scan', secondLine: true })]);
    // In monitor mode it leaves reporting to pre-exec blocking and kills nothing.
    control.applyPolicy({ ...blockNc, mode: 'monitor' });
    platform.processes.spawn({ pid: 701, exePath: '/mnt/unwatched/nc' });
    const scans = platform.processes.listCalls;
    await waitFor(() => platform.processes.listCalls >= scans + 3, 'three more scans');
    expect(platform.processes.isRunning(701)).toBe(true);
    expect(reports).toHaveLength(1);
  });

  it('reports nothing running before start', () => {
    expect(select({ method: 'auto', preExec: undefined }).capabilities()).toEqual({ method: 'none', preExec: false, failMode: 'open' });
  });
});
