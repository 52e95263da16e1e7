import { app, BrowserWindow, clipboard, ipcMain, Menu, nativeImage, Notification, screen, session, shell, Tray, type MenuItemConstructorOptions } from 'electron';
import type {
  AppPort,
  ClipboardPort,
  IpcMainPort,
  LoginItemsPort,
  MainWindowPort,
  NotificationFactory,
  ScreenPort,
  ShellPort,
  TrayIconPort,
  WatermarkWindowPort,
} from './electron-ports';
import type { MainWindowFactory, MainWindowOptions } from './main-window';
import type { TrayPorts } from './tray-app';
import { trayIconBitmap, type TrayMenuItem } from './tray-presentation';
import type { WatermarkWindowFactory } from './watermark-manager';
import type { WatermarkWindowOptions } from './watermark-window-options';

/**
 * The only file that imports 'electron'. Each port is assigned the real object (or a one-line
 * wrapper), so `tsc` checks the ports against electron.d.ts. Not unit-tested: the Electron binary
 * cannot run on the build machine; everything with a decision in it lives behind these ports.
 */

const electronApp: AppPort = app;
const electronScreen: ScreenPort = screen;
const electronClipboard: ClipboardPort = clipboard;
const electronShell: ShellPort = shell;
const electronIpcMain: IpcMainPort = ipcMain;
const electronLoginItems: LoginItemsPort = app;

const electronNotifications: NotificationFactory = {
  isSupported: () => Notification.isSupported(),
  create: (options) => new Notification(options),
};

const electronWindows: WatermarkWindowFactory & MainWindowFactory = {
  createWatermarkWindow(options: WatermarkWindowOptions): WatermarkWindowPort {
    return new BrowserWindow(options);
  },
  createMainWindow(options: MainWindowOptions): MainWindowPort {
    return new BrowserWindow(options);
  },
};

// Kept at module level: a Tray that is garbage collected disappears from the panel.
let tray: Tray | null = null;
let openFromTray: () => void = () => undefined;

function menuItem(item: TrayMenuItem): MenuItemConstructorOptions {
  if (item.kind === 'separator') return { type: 'separator' };
  if (item.kind === 'open') return { label: item.label, click: () => openFromTray() };
  return { label: item.label, enabled: false };
}

const electronTrayIcon: TrayIconPort = {
  render(presentation, onOpen) {
    openFromTray = onOpen;
    const { buffer, width, height } = trayIconBitmap(presentation.tone);
    const image = nativeImage.createFromBitmap(buffer, { width, height, scaleFactor: 2 });
    if (!tray) {
      tray = new Tray(image);
      // Windows and macOS report clicks on the icon; Linux (AppIndicator) only opens the menu.
      tray.on('click', () => openFromTray());
    } else {
      tray.setImage(image);
    }
    tray.setToolTip(presentation.tooltip);
    tray.setContextMenu(Menu.buildFromTemplate(presentation.items.map(menuItem)));
  },
};

/**
 * Hardening that applies to every web contents, present and future: no permission (camera,
 * notifications, geolocation…) is ever granted to a page, no <webview> can be attached, and no
 * page may open a window.
 */
export function hardenWebContents(): void {
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });
}

export const electronPorts: TrayPorts = {
  app: electronApp,
  screen: electronScreen,
  clipboard: electronClipboard,
  notifications: electronNotifications,
  windows: electronWindows,
  ipcMain: electronIpcMain,
  shell: electronShell,
  loginItems: electronLoginItems,
  trayIcon: electronTrayIcon,
};
