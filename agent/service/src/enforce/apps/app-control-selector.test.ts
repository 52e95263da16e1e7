import { appsSection } from '@dlp/shared';
import { createJsonLogger } from '../../core/logger';
import { createFakePlatform, type FakePlatform } from '../../platform/fake/fake-platform';
import { fanotifyPreExec } from '../../platform/linux/fanotify/fanotify-pre-exec';
import { waitFor } from '../../testing/fixtures';
import type { AppControlNotice, AppDecisionReport, AppPolicy } from './app-control';
import { AppControlSelector, type AppControlSelectorOptions } from './app-control-selector';
import { ProcScanAppControl } from './proc-scan-app-control';

/**
 * Which app control runs, without the kernel: the fallback is the real /proc scanner on a fake
 * process table, and "unavailable" is the real probe of a helper binary that does not exist.
 * (Pre-exec blocking that works, and gives up at run time, is tested in agent-pre-exec.test.ts.)
 */
const blockNc: AppPolicy = { serial: 3, mode: 'enforce', apps: appsSection.parse({ rules: [{ id: 'no-nc', action: 'block', kind: 'name', value: 'nc' }] }) };
const missingHelper = (platform: FakePlatform) => fanotifyPreExec({ agentPid: process.pid, processes: platform.processes, helperPath: '/nonexistent/dlp-exec-guard' });

describe('AppControlSelector', () => {
  let platform: FakePlatform;
  let selector: AppControlSelector | null = null;
  let logLines: Array<{ level: string; msg: string }>;
  let notices: AppControlNotice[];
  let reports: AppDecisionReport[];

  beforeEach(() => {
    platform = createFakePlatform();
    logLines = [];
    notices = [];
    reports = [];
  });
  afterEach(async () => {
    await selector?.stop();
    selector = null;
    platform.cleanup();
  });

  function select(options: Pick<AppControlSelectorOptions, 'method' | 'preExec'>): AppControlSelector {
    const log = createJsonLogger({ level: 'debug', write: (line) => logLines.push(JSON.parse(line) as { level: string; msg: string }) });
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

  it('reports nothing running before start', () => {
    expect(select({ method: 'auto', preExec: undefined }).capabilities()).toEqual({ method: 'none', preExec: false, failMode: 'open' });
  });
});
