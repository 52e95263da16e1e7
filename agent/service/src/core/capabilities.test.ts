import { capabilityReport } from '@dlp/shared';
import { buildCapabilityReport, CapabilityTracker, type CapabilityInputs } from './capabilities';

const procScan = { method: 'proc-scan' as const, preExec: false, failMode: 'open' as const };
const usbOn = { method: 'sysfs-authorized' as const, mountGuard: true };
const base: CapabilityInputs = { os: 'linux', apps: procScan, usb: usbOn, captureToolsRequested: false, mode: 'enforce' };

describe('capability report', () => {
  it('claims capture-tool blocking only when the policy asks for it and app control runs', () => {
    expect(buildCapabilityReport(base).screen).toEqual({ captureToolBlocking: false, windowCaptureExclusion: false });
    expect(buildCapabilityReport({ ...base, captureToolsRequested: true }).screen.captureToolBlocking).toBe(true);
    const noApps = buildCapabilityReport({ ...base, captureToolsRequested: true, apps: { method: 'none', preExec: false, failMode: 'open' } });
    expect(noApps.screen.captureToolBlocking).toBe(false);
    expect(noApps.notes).toEqual(expect.arrayContaining(['apps: no application control is running', expect.stringMatching(/^screen: the policy asks for capture-tool blocking, but no app control/)]));
  });

  it('says what the flags cannot: after-start blocking, a dead helper, no USB, Linux window capture, monitor mode', () => {
    const report = buildCapabilityReport({
      ...base,
      apps: { method: 'fanotify', preExec: true, failMode: 'closed', helper: { running: false, restarts: 3, timeouts: 1, cacheHitRate: 0.5 } },
      usb: { method: 'none', mountGuard: false },
      mode: 'monitor',
    });
    expect(report.notes).toEqual([
      'apps: the pre-exec helper is not running; programs start unchecked until it is back',
      'usb: USB storage is not controlled on this host (no USB sysfs, or USB control not running)',
      'screen: no window-exclusion API exists on Linux',
      'policy: monitor mode, controls report what they would block and block nothing',
    ]);
    expect(capabilityReport.safeParse(report).success).toBe(true);
    expect(buildCapabilityReport({ ...base, captureToolsRequested: true }).notes).toEqual(expect.arrayContaining([expect.stringMatching(/^apps: blocked programs are killed after they start/), expect.stringMatching(/^screen: capture tools are stopped after they start/)]));
  });

  it('claims window-capture exclusion only when the tray reports it effective, and names the clipboard guard', () => {
    const linuxTray = buildCapabilityReport({ ...base, trayGuards: { windowCaptureExclusion: 'unavailable', clipboardGuard: 'on', imagesCleared: 3 } });
    expect(linuxTray.screen.windowCaptureExclusion).toBe(false);
    expect(linuxTray.notes).toContain("screen: tray clipboard guard on (3 captured images cleared); its windows' capture exclusion: unavailable");
    const windowsTray = buildCapabilityReport({ ...base, os: 'windows', trayGuards: { windowCaptureExclusion: 'effective', clipboardGuard: 'off', imagesCleared: 0 } });
    expect(windowsTray.screen.windowCaptureExclusion).toBe(true);
    expect(buildCapabilityReport({ ...base, os: 'macos', trayGuards: { windowCaptureExclusion: 'partial', clipboardGuard: 'on', imagesCleared: 0 } }).screen.windowCaptureExclusion).toBe(false);
  });

  it("carries the app control's own notes, cut to the schema's bounds", () => {
    const long = `apps: pre-exec blocking is unavailable (${'x'.repeat(300)})`;
    const report = buildCapabilityReport({ ...base, appsNotes: [long] });
    expect(report.notes).toContainEqual(expect.stringMatching(/^apps: pre-exec blocking is unavailable \(x+…$/));
    expect(capabilityReport.safeParse(report).success).toBe(true);
  });

  it('names every residual limit with what closes it, and closes only what is really closed here', () => {
    const fanotify = { method: 'fanotify' as const, preExec: true, failMode: 'closed' as const, helper: { running: true, restarts: 0, timeouts: 0, cacheHitRate: 1 } };
    const byId = (report: ReturnType<typeof buildCapabilityReport>) => Object.fromEntries((report.residuals ?? []).map((r) => [r.id, r]));

    // /proc scan only: the loader is not judged, programs die after they start.
    const scan = byId(buildCapabilityReport(base));
    expect(scan['direct-loader']).toEqual({ id: 'direct-loader', state: 'open' });
    expect(scan['kill-after-start']).toEqual({ id: 'kill-after-start', state: 'open' });
    expect(scan['user-fuse-mounts']).toBeUndefined();
    expect(scan['helper-restart-window']).toBeUndefined();

    // fanotify judging loader/interpreter opens, blocklist, no hardening.
    const blocklist = buildCapabilityReport({ ...base, apps: fanotify });
    expect(capabilityReport.safeParse(blocklist).success).toBe(true);
    expect(blocklist.residuals).toEqual([
      { id: 'stdin-scripts', state: 'open' },
      { id: 'anonymous-exec-memory', closedBy: 'memfdNoexec', state: 'open' },
      { id: 'userns-new-filesystem-race', closedBy: 'restrictUserNamespaces', state: 'open' },
      { id: 'self-mapped-code', state: 'open' },
      { id: 'direct-loader', state: 'closed' },
      { id: 'renamed-interpreter-copy', state: 'open' },
      { id: 'write-before-exec', state: 'open' },
      { id: 'user-fuse-mounts', closedBy: 'fuseSysAdminAccess', state: 'open' },
      { id: 'helper-restart-window', state: 'open' },
      { id: 'window-capture-exclusion-linux', state: 'open' },
      { id: 'name-rules-by-resolved-name', state: 'open' },
    ]);

    // Allowlist with every switch on: the copy cannot run, unmarked scripts remain.
    const on = (name: 'restrictUserNamespaces' | 'memfdNoexec' | 'fuseSysAdminAccess') => ({ switch: name, requested: true, state: 'on' as const, value: null });
    const hardened = byId(buildCapabilityReport({ ...base, apps: fanotify, appsAllowlist: true, hardening: [on('restrictUserNamespaces'), on('memfdNoexec'), on('fuseSysAdminAccess')] }));
    expect(hardened['renamed-interpreter-copy']?.state).toBe('closed');
    expect(hardened['allowlist-unmarked-scripts']?.state).toBe('open');
    for (const id of ['anonymous-exec-memory', 'userns-new-filesystem-race', 'user-fuse-mounts']) expect(hardened[id]?.state).toBe('closed');

    // A helper that is down judges nothing: the loader is open again.
    const down = byId(buildCapabilityReport({ ...base, apps: { ...fanotify, helper: { ...fanotify.helper, running: false } } }));
    expect(down['direct-loader']?.state).toBe('open');
    // Nothing closes the restart window, not even every switch.
    expect(hardened['helper-restart-window']).toEqual({ id: 'helper-restart-window', state: 'open' });
  });

  it('closes what the BPF LSM closes only while it is in force with a running helper, and says why it is not', () => {
    const helper = { running: true, restarts: 0, timeouts: 0, cacheHitRate: 1 };
    const fanotify = { method: 'fanotify' as const, preExec: true, failMode: 'closed' as const, helper };
    const withLsm = buildCapabilityReport({ ...base, apps: { ...fanotify, lsm: { state: 'active' } } });
    const byId = (report: typeof withLsm) => new Map((report.residuals ?? []).map((r) => [r.id, r]));
    for (const id of ['anonymous-exec-memory', 'userns-new-filesystem-race', 'user-fuse-mounts', 'self-mapped-code'] as const) {
      // No switch named: the LSM needs none.
      expect(byId(withLsm).get(id)).toEqual({ id, state: 'closed' });
    }
    expect(byId(withLsm).get('helper-restart-window')?.state).toBe('open');
    expect(capabilityReport.safeParse(withLsm).success).toBe(true);

    const helperDown = buildCapabilityReport({ ...base, apps: { ...fanotify, helper: { ...helper, running: false }, lsm: { state: 'active' } } });
    expect(byId(helperDown).get('self-mapped-code')?.state).toBe('open');
    expect(byId(helperDown).get('anonymous-exec-memory')).toEqual({ id: 'anonymous-exec-memory', closedBy: 'memfdNoexec', state: 'open' });

    const failed = buildCapabilityReport({ ...base, apps: { ...fanotify, lsm: { state: 'failed', message: 'cannot load the BPF LSM programs (Operation not permitted)' } } });
    expect(byId(failed).get('userns-new-filesystem-race')).toEqual({ id: 'userns-new-filesystem-race', closedBy: 'restrictUserNamespaces', state: 'open' });
    expect(failed.notes).toContain('apps: BPF LSM not in force (cannot load the BPF LSM programs (Operation not permitted)); fanotify alone judges programs');
  });

  it('sends a report only when it changed', () => {
    let inputs = base;
    const sent: unknown[] = [];
    const tracker = new CapabilityTracker(() => buildCapabilityReport(inputs), (r) => sent.push(r));
    tracker.refresh();
    expect(sent).toEqual([]);
    inputs = { ...base, captureToolsRequested: true };
    tracker.refresh();
    tracker.refresh();
    expect(sent).toHaveLength(1);
    expect(tracker.current().screen.captureToolBlocking).toBe(true);
  });
});
