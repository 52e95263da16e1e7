import type { WatermarkSettings } from '@dlp/shared';
import { TRAY_CHANNELS } from '../../src/common/tray-api';
import { decodeWindowArguments } from '../../src/preload/window-arguments';
import { WatermarkManager, type WatermarkReport } from '../../src/main/watermark-manager';
import type { WatermarkWindowOptions } from '../../src/main/watermark-window-options';
import { display, FakeScreen, FakeWindowFactory, settle, type FakeWindow } from './fake-electron';
import { ManualTimers } from './manual-timers';

const on: WatermarkSettings = { enabled: true, text: 'Confidential', opacity: 0.12 };
const off: WatermarkSettings = { ...on, enabled: false };

function setup(displays = [display(1, 0, 1920, 1080), display(2, 1920, 2560, 1440, 2)]) {
  const screen = new FakeScreen(displays);
  const windows = new FakeWindowFactory();
  const timers = new ManualTimers();
  const reports: WatermarkReport[] = [];
  const manager = new WatermarkManager({
    screen,
    windows,
    timers,
    identity: { user: '张三 (zhangsan)', host: 'ws-01' },
    locale: 'zh-CN',
    preloadPath: '/opt/dlp-tray/preload.js',
    pageUrl: 'file:///opt/dlp-tray/renderer/watermark.html',
    report: (report) => reports.push(report),
  });
  manager.start();
  return { screen, windows, timers, reports, manager, last: () => reports[reports.length - 1] };
}

const optionsOf = (window: FakeWindow) => window.options as WatermarkWindowOptions;
const viewOf = (window: FakeWindow) => decodeWindowArguments(optionsOf(window).webPreferences.additionalArguments).watermark;

describe('WatermarkManager', () => {
  it('puts one click-through, always-on-top, transparent window over each display', async () => {
    const { windows, manager, last } = setup();
    manager.apply(on);
    await settle();
    const [first, second] = windows.open();
    expect(windows.open()).toHaveLength(2);
    if (!first || !second) throw new Error('two windows expected');
    expect(optionsOf(first)).toMatchObject({ x: 0, y: 0, width: 1920, height: 1080, transparent: true, frame: false, focusable: false, skipTaskbar: true, show: false });
    expect(optionsOf(second)).toMatchObject({ x: 1920, y: 0, width: 2560, height: 1440 });
    expect(optionsOf(first).webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, backgroundThrottling: false });
    for (const window of [first, second]) {
      expect(window.ignoreMouse).toBe(true);
      expect(window.alwaysOnTop).toEqual({ flag: true, level: 'screen-saver' });
      expect(window.allWorkspaces).toEqual({ visible: true, options: { visibleOnFullScreen: true } });
      expect(window.visible).toBe(true);
      expect(window.contentProtection).toBe(false);
      expect(window.loaded).toEqual(['file:///opt/dlp-tray/renderer/watermark.html']);
    }
    expect(viewOf(second)).toEqual({ user: '张三 (zhangsan)', host: 'ws-01', text: 'Confidential', opacity: 0.12, width: 2560, height: 1440, scaleFactor: 2 });
    expect(decodeWindowArguments(optionsOf(first).webPreferences.additionalArguments)).toMatchObject({ window: 'watermark', locale: 'zh-CN' });
    expect(last()).toEqual({ state: 'shown', shownOn: 2, displays: 2 });
  });

  it('re-creates a window that was closed, and one whose page process died', async () => {
    const { windows, manager, reports, last } = setup();
    manager.apply(on);
    await settle();
    const [first, second] = windows.open();
    first?.close();
    await settle();
    expect(windows.created).toHaveLength(3);
    expect(windows.open()).toHaveLength(2);
    expect(optionsOf(windows.created[2] as FakeWindow)).toMatchObject({ x: 0, width: 1920 });
    // The agent hears that it was gone, then that it is back.
    expect(reports.slice(-2)).toEqual([
      { state: 'not-shown', shownOn: 1, displays: 2, reason: 'display 1: the window was closed' },
      { state: 'shown', shownOn: 2, displays: 2 },
    ]);

    second?.killRenderer('crashed');
    await settle();
    expect(second?.destroyed).toBe(true);
    expect(windows.created).toHaveLength(4);
    expect(optionsOf(windows.created[3] as FakeWindow)).toMatchObject({ x: 1920, width: 2560 });
    expect(reports).toContainEqual({ state: 'not-shown', shownOn: 1, displays: 2, reason: 'display 2: its page process ended (crashed)' });
    expect(last()).toEqual({ state: 'shown', shownOn: 2, displays: 2 });
  });

  it('follows the displays: removed closes its window, added or rescaled gets a new one', async () => {
    const { screen, windows, manager, last } = setup();
    manager.apply(on);
    await settle();
    const second = windows.open()[1];
    screen.remove(2);
    await settle();
    expect(second?.destroyed).toBe(true);
    expect(windows.open()).toHaveLength(1);
    expect(windows.created).toHaveLength(2);
    expect(last()).toEqual({ state: 'shown', shownOn: 1, displays: 1 });

    screen.add(display(3, -1280, 1280, 1024));
    await settle();
    expect(windows.open().map((w) => optionsOf(w).x)).toEqual([0, -1280]);

    // The laptop panel goes HiDPI: the window is rebuilt at the new scale.
    const laptop = windows.open()[0];
    screen.change(1, { scaleFactor: 1.5, bounds: { x: 0, y: 0, width: 1280, height: 720 } });
    await settle();
    expect(laptop?.destroyed).toBe(true);
    const rebuilt = windows.open().find((w) => optionsOf(w).x === 0);
    expect(rebuilt && viewOf(rebuilt)).toMatchObject({ width: 1280, height: 720, scaleFactor: 1.5 });
    expect(last()).toEqual({ state: 'shown', shownOn: 2, displays: 2 });
  });

  it('closes everything and reports off when the policy turns the watermark off', async () => {
    const { windows, manager, last } = setup();
    manager.apply(on);
    await settle();
    manager.apply(off);
    await settle();
    expect(windows.open()).toHaveLength(0);
    expect(windows.created).toHaveLength(2);
    expect(last()).toEqual({ state: 'off', shownOn: 0, displays: 2 });
  });

  it('sends a new text to the open windows without re-creating them', async () => {
    const { windows, manager } = setup();
    manager.apply(on);
    await settle();
    manager.apply({ ...on, text: 'Internal only', opacity: 0.2 });
    expect(windows.created).toHaveLength(2);
    const sent = windows.created[0]?.webContents.sent.filter((m) => m.channel === TRAY_CHANNELS.watermarkView).pop();
    expect(sent?.args[0]).toMatchObject({ text: 'Internal only', opacity: 0.2, width: 1920 });
  });

  it('reports not-shown with the reason when a window cannot be created, and retries at the next check', async () => {
    const { windows, manager, timers, last } = setup([display(1, 0, 1920, 1080)]);
    windows.failNext = new Error('no GPU process');
    manager.apply(on);
    await settle();
    expect(last()).toEqual({ state: 'not-shown', shownOn: 0, displays: 1, reason: 'display 1: the window could not be created: no GPU process' });
    timers.advance(60_000);
    await settle();
    expect(last()).toEqual({ state: 'shown', shownOn: 1, displays: 1 });
  });

  it('reports a page that did not load as not shown', async () => {
    const { windows, manager, last } = setup([display(1, 0, 1920, 1080)]);
    windows.nextLoadOutcome = new Error('ERR_FILE_NOT_FOUND');
    manager.apply(on);
    await settle();
    expect(windows.open()).toHaveLength(0);
    expect(last()).toEqual({ state: 'not-shown', shownOn: 0, displays: 1, reason: 'display 1: the watermark page did not load: ERR_FILE_NOT_FOUND' });
  });

  it('stops re-creating a window that keeps dying, until the next periodic check', async () => {
    const { windows, manager, timers, last } = setup([display(1, 0, 1920, 1080)]);
    manager.apply(on);
    await settle();
    for (let i = 0; i < 10; i++) {
      windows.open()[0]?.killRenderer('oom');
      await settle();
    }
    expect(windows.created).toHaveLength(5);
    expect(last()).toMatchObject({ state: 'not-shown', shownOn: 0, reason: 'display 1: re-created 5 times within a minute; trying again at the next check' });
    timers.advance(60_000);
    await settle();
    expect(windows.open()).toHaveLength(1);
    expect(last()).toEqual({ state: 'shown', shownOn: 1, displays: 1 });
  });

  it('repeats its report every 60 s and takes the top level back', async () => {
    const { windows, manager, timers, reports } = setup([display(1, 0, 1920, 1080)]);
    manager.apply(on);
    await settle();
    const before = reports.length;
    const window = windows.open()[0];
    timers.advance(60_000);
    timers.advance(60_000);
    expect(reports.slice(before)).toEqual([
      { state: 'shown', shownOn: 1, displays: 1 },
      { state: 'shown', shownOn: 1, displays: 1 },
    ]);
    expect(window?.calls.filter((c) => c === 'setAlwaysOnTop(true, screen-saver)')).toHaveLength(3);
  });
});
