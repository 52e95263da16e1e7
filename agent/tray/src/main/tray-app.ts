import { employeeLocale, type EmployeeLocale } from '@dlp/shared';
import { TRAY_CHANNELS } from '../common/tray-api';
import { AgentSession } from './agent-session';
import { ensureAutostart, type AutostartOutcome } from './autostart';
import { BlockNotifier } from './block-notifier';
import { ClipboardGuard, windowCaptureExclusion, type TrayOs } from './capture-guard';
import type { AppPort, ClipboardPort, IpcMainPort, LoginItemsPort, NotificationFactory, ScreenPort, ShellPort, TrayIconPort } from './electron-ports';
import { MainWindowController, mainWindowOptions, type MainWindowFactory } from './main-window';
import type { Timers } from './timers';
import { registerTrayHandlers } from './tray-ipc-handlers';
import { trayPresentation } from './tray-presentation';
import { trayText } from './tray-text';
import { WatermarkManager, type WatermarkWindowFactory } from './watermark-manager';
import type { WatermarkIdentity } from './watermark-window-options';

/** The installers' application id (packaging/electron-builder.yml `appId`). */
export const TRAY_APP_ID = 'io.endpoint-dlp.tray';

/** Every Electron object the tray uses, behind its port (electron-adapters.ts supplies the real ones). */
export interface TrayPorts {
  app: AppPort;
  screen: ScreenPort;
  clipboard: ClipboardPort;
  notifications: NotificationFactory;
  windows: WatermarkWindowFactory & MainWindowFactory;
  ipcMain: IpcMainPort;
  shell: ShellPort;
  loginItems: LoginItemsPort;
  trayIcon: TrayIconPort;
}

export interface TrayConfig {
  os: TrayOs;
  socketPath: string;
  preloadPath: string;
  mainPageUrl: string;
  watermarkPageUrl: string;
  identity: WatermarkIdentity;
  timers: Timers;
  fileExists: (path: string) => boolean;
  log: (line: string) => void;
  /** Runs once the app is ready, before any window exists (the web contents hardening). */
  onReady?: () => void;
  /** Reconnect backoff towards the agent (tests shorten it). */
  initialBackoffMs?: number;
}

export interface RunningTray {
  locale: EmployeeLocale;
  session: AgentSession;
  mainWindow: MainWindowController;
  watermark: WatermarkManager;
  clipboardGuard: ClipboardGuard;
  notifier: BlockNotifier;
  autostart: AutostartOutcome;
  stop(): void;
}

/**
 * The tray's main process, composed: one instance per session; the agent session feeds the icon,
 * the notifications, the main window, the watermark and the clipboard guard. Returns null when
 * another instance already runs (it is asked to show its window instead).
 */
export async function startTrayApp(ports: TrayPorts, config: TrayConfig): Promise<RunningTray | null> {
  const { app } = ports;
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return null;
  }
  // A tray app lives without windows: with no listener Electron would quit when the last one closes.
  app.on('window-all-closed', () => undefined);
  await app.whenReady();
  config.onReady?.();
  if (config.os === 'windows') app.setAppUserModelId(TRAY_APP_ID);

  const locale = employeeLocale(app.getPreferredSystemLanguages()[0] ?? app.getSystemLocale());
  const text = trayText(locale);
  const log = config.log;
  const session = new AgentSession({ socketPath: config.socketPath, timers: config.timers, log, initialBackoffMs: config.initialBackoffMs });
  const mainWindow = new MainWindowController(ports.windows, config.mainPageUrl, mainWindowOptions(config.preloadPath, locale, text.appName), log);
  app.on('second-instance', () => mainWindow.open());

  const notifier = new BlockNotifier({ notifications: ports.notifications, timers: config.timers, text, openBlocks: () => mainWindow.open('blocks') });
  const clipboardGuard = new ClipboardGuard({ clipboard: ports.clipboard, timers: config.timers, log });
  const watermark = new WatermarkManager({
    screen: ports.screen,
    windows: ports.windows,
    timers: config.timers,
    identity: config.identity,
    locale,
    preloadPath: config.preloadPath,
    pageUrl: config.watermarkPageUrl,
    report: (report) => {
      // Each report also carries the capture guards, which the agent puts in its capability report.
      void session.reportTray(report, clipboardGuard.report(config.os)).then((result) => {
        if (!result.ok) log(`watermark report not delivered: ${result.failure}`);
      });
    },
  });
  registerTrayHandlers(ports.ipcMain, session, { shell: ports.shell, trustedPageUrl: config.mainPageUrl, log });

  let shownMenu = '';
  const render = () => {
    const presentation = trayPresentation(session.link(), session.latestStatus(), locale, app.getVersion());
    // Every status answer is a new object; rebuild the native menu only when what it shows changed.
    const key = JSON.stringify(presentation);
    if (key === shownMenu) return;
    shownMenu = key;
    ports.trayIcon.render(presentation, () => mainWindow.open());
  };
  session.onNotice((notice) => {
    mainWindow.send(TRAY_CHANNELS.notice, notice);
    if (notice.kind === 'block') notifier.notify(notice.block);
  });
  session.onChange((_link, status) => {
    render();
    if (!status) return;
    watermark.apply(status.watermark);
    clipboardGuard.apply(status.blockScreenCapture);
  });
  render();

  const autostart = ensureAutostart({ os: config.os, loginItems: ports.loginItems, fileExists: config.fileExists });
  log(`autostart (${autostart.method}): ${autostart.note}`);
  log(`window capture exclusion on ${config.os}: ${windowCaptureExclusion(config.os)}`);
  watermark.start();
  session.start();

  return {
    locale,
    session,
    mainWindow,
    watermark,
    clipboardGuard,
    notifier,
    autostart,
    stop() {
      session.stop();
      watermark.stop();
      clipboardGuard.stop();
      notifier.dispose();
    },
  };
}
