import { EventEmitter } from 'node:events';
import { IPC_VERSION, type IpcTrayReport } from '@dlp/shared';
import { TRAY_CHANNELS } from '../../src/common/tray-api';
import type { AppPort, TrayIconPort } from '../../src/main/electron-ports';
import { startTrayApp, type RunningTray, type TrayPorts } from '../../src/main/tray-app';
import type { TrayPresentation } from '../../src/main/tray-presentation';
import { FakeAgent, socketDir, until } from './fake-agent';
import { display, FakeClipboard, FakeIpcMain, FakeLoginItems, FakeNotifications, FakeScreen, FakeWindowFactory } from './fake-electron';
import { ManualTimers } from './manual-timers';
import { sampleBlock, sampleStatus } from './samples';

class FakeApp extends EventEmitter implements AppPort {
  lock = true;
  quits = 0;
  whenReady = () => Promise.resolve();
  requestSingleInstanceLock = () => this.lock;
  quit = () => void (this.quits += 1);
  getVersion = () => '0.1.0';
  getPreferredSystemLanguages = () => ['zh-Hans-CN', 'en-US'];
  getSystemLocale = () => 'zh-CN';
  appUserModelId: string | null = null;
  setAppUserModelId = (id: string) => void (this.appUserModelId = id);
}

class FakeTrayIcon implements TrayIconPort {
  readonly shown: TrayPresentation[] = [];
  open: (() => void) | null = null;
  render(presentation: TrayPresentation, onOpen: () => void): void {
    this.shown.push(presentation);
    this.open = onOpen;
  }
}

const page = 'file:///opt/dlp-tray/renderer/index.html';

describe('startTrayApp: the tray composed, against a fake agent on a real socket', () => {
  let socketPath: string;
  let cleanup: () => void;
  let agent: FakeAgent;
  let running: RunningTray | null = null;
  const reports: IpcTrayReport['watermark'][] = [];
  const guards: IpcTrayReport['captureGuard'][] = [];

  beforeEach(async () => {
    ({ socketPath, cleanup } = socketDir());
    reports.length = 0;
    guards.length = 0;
    const status = sampleStatus({ watermark: { enabled: true, text: '机密', opacity: 0.1 }, blockScreenCapture: true });
    agent = await FakeAgent.start(socketPath, status, (request) => {
      if (request.type === 'tray-report') {
        reports.push(request.watermark);
        guards.push(request.captureGuard);
        return { v: IPC_VERSION, type: 'tray-report-result', recorded: true };
      }
      if (request.type === 'status') return { v: IPC_VERSION, type: 'status-result', status: agent.status };
      return { v: IPC_VERSION, type: 'error', code: 'bad_request', message: 'not in this test' };
    });
  });
  afterEach(async () => {
    running?.stop();
    running = null;
    await agent.close();
    cleanup();
  });

  function ports() {
    const fakes = {
      app: new FakeApp(),
      screen: new FakeScreen([display(1, 0, 1920, 1080), display(2, 1920, 1920, 1080, 2)]),
      clipboard: new FakeClipboard(),
      notifications: new FakeNotifications(),
      windows: new FakeWindowFactory(),
      ipcMain: new FakeIpcMain(),
      shell: { openExternal: async () => undefined },
      loginItems: new FakeLoginItems(),
      trayIcon: new FakeTrayIcon(),
    };
    const typed: TrayPorts = fakes;
    return { fakes, typed };
  }

  function config(timers = new ManualTimers()) {
    return {
      os: 'linux' as const,
      socketPath,
      preloadPath: '/opt/dlp-tray/preload.js',
      mainPageUrl: page,
      watermarkPageUrl: 'file:///opt/dlp-tray/renderer/watermark.html',
      identity: { user: '张三 (zhangsan)', host: 'ws-01' },
      timers,
      fileExists: () => true,
      log: () => undefined,
    };
  }

  it('follows the agent: watermark on every display, clipboard guard, notices, the window, and policy changes', async () => {
    const { fakes, typed } = ports();
    fakes.clipboard.formats = ['image/png'];
    running = await startTrayApp(typed, config());
    if (!running) throw new Error('the tray did not start');
    expect(running.locale).toBe('zh-CN');
    expect(fakes.app.listenerCount('window-all-closed')).toBe(1);
    expect(fakes.app.appUserModelId).toBeNull();

    await until(() => running?.session.link() === 'connected', 5_000, 'the subscription');
    await until(() => reports.some((r) => r.state === 'shown'), 5_000, 'a shown report');
    expect(reports.at(-1)).toEqual({ state: 'shown', shownOn: 2, displays: 2 });
    // The policy blocks screen capture: the clipboard guard is on, and a Linux tray says its windows cannot be excluded.
    expect(guards.at(-1)).toEqual(expect.objectContaining({ clipboardGuard: 'on' }));
    expect(fakes.windows.open()).toHaveLength(2);
    expect(fakes.clipboard.clears).toBe(1);
    expect(fakes.trayIcon.shown.at(-1)?.tone).toBe('protected');
    expect(fakes.trayIcon.shown.at(-1)?.items[0]).toEqual({ kind: 'line', label: '已受保护 · Finance desks' });

    // A block: a notification in Chinese; its click opens the window on the list of blocks.
    agent.push({ kind: 'block', block: sampleBlock({ what: '/usr/bin/nc' }) });
    await until(() => fakes.notifications.created.length === 1, 5_000, 'a notification');
    expect(fakes.notifications.titles()).toEqual(['已拦截一个程序']);
    fakes.notifications.created[0]?.click();
    const mainWindow = fakes.windows.created[2];
    expect(mainWindow?.loaded).toEqual([`${page}#blocks`]);
    expect(mainWindow?.contentProtection).toBe(true);

    // With the window open, notices reach its page too, and its calls reach the agent.
    const block = sampleBlock({ what: '/usr/bin/scp' });
    agent.push({ kind: 'block', block });
    await until(() => (mainWindow?.webContents.sent.length ?? 0) > 0, 5_000, 'a notice in the window');
    expect(mainWindow?.webContents.sent[0]).toEqual({ channel: TRAY_CHANNELS.notice, args: [{ kind: 'block', block }] });
    expect(await fakes.ipcMain.invoke(TRAY_CHANNELS.status, page)).toMatchObject({ ok: true, value: { protection: 'protected' } });

    // The policy turns the watermark and the capture block off.
    agent.push({ kind: 'status', status: sampleStatus({ watermark: { enabled: false, text: '', opacity: 0.1 } }) });
    await until(() => reports.at(-1)?.state === 'off', 5_000, 'an off report');
    expect(fakes.windows.open()).toEqual([mainWindow]);
    fakes.clipboard.formats = ['image/png'];
    expect(running.clipboardGuard.report('linux').clipboardGuard).toBe('off');

    // A second start of the tray brings this one's window forward.
    fakes.app.emit('second-instance');
    expect(mainWindow?.calls.slice(-2)).toEqual(['show', 'focus']);
  });

  it('registers its application id on Windows, so its notifications are shown', async () => {
    const { fakes, typed } = ports();
    running = await startTrayApp(typed, { ...config(), os: 'windows' });
    expect(fakes.app.appUserModelId).toBe('io.endpoint-dlp.tray');
    expect(running?.autostart).toEqual({ method: 'login-item', enabled: true, note: 'registered as a login item' });
  });

  it('leaves at once when another instance holds the lock', async () => {
    const { fakes, typed } = ports();
    fakes.app.lock = false;
    expect(await startTrayApp(typed, config())).toBeNull();
    expect(fakes.app.quits).toBe(1);
    expect(fakes.windows.created).toHaveLength(0);
    expect(agent.subscriberCount()).toBe(0);
  });
});
