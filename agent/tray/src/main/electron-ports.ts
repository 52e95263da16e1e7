import type { TrayPresentation } from './tray-presentation';

/**
 * Every Electron API the tray's main process uses, as small interfaces. The logic depends only on
 * these; `electron-adapters.ts` is the one file that imports 'electron' and assigns the real objects
 * to them, so `tsc` proves each interface is a true subset of Electron's own signatures and the
 * tests' fakes cannot drift from the real API. (The Electron binary cannot run on the build machine.)
 */

/** `Display` (screen API), the fields the watermark uses. Bounds are in DIP (CSS pixels). */
export interface DisplayInfo {
  id: number;
  bounds: { x: number; y: number; width: number; height: number };
  scaleFactor: number;
}

/** `screen`: the displays and their changes. */
export interface ScreenPort {
  getAllDisplays(): DisplayInfo[];
  on(event: 'display-added', listener: (event: unknown, display: DisplayInfo) => void): unknown;
  on(event: 'display-removed', listener: (event: unknown, display: DisplayInfo) => void): unknown;
  on(event: 'display-metrics-changed', listener: (event: unknown, display: DisplayInfo, changed: string[]) => void): unknown;
}

/** `clipboard`: enough to see an image on it and wipe it. */
export interface ClipboardPort {
  availableFormats(): string[];
  clear(): void;
}

/** `BrowserWindow.webContents` of a watermark window. */
export interface WatermarkContentsPort {
  send(channel: string, ...args: unknown[]): void;
  on(event: 'render-process-gone', listener: (event: unknown, details: { reason: string }) => void): unknown;
}

/** A `BrowserWindow` used as one display's watermark. */
export interface WatermarkWindowPort {
  loadURL(url: string): Promise<void>;
  setIgnoreMouseEvents(ignore: boolean): void;
  setAlwaysOnTop(flag: boolean, level?: 'screen-saver'): void;
  setVisibleOnAllWorkspaces(visible: boolean, options?: { visibleOnFullScreen?: boolean }): void;
  showInactive(): void;
  close(): void;
  isDestroyed(): boolean;
  on(event: 'closed', listener: () => void): unknown;
  readonly webContents: WatermarkContentsPort;
}

/** The `Event` of `will-navigate` / `will-redirect` (Electron ≥ 25 puts the URL on it). */
export interface NavigationEvent {
  url: string;
  preventDefault(): void;
}

/** `BrowserWindow.webContents` of the main window. */
export interface MainContentsPort {
  send(channel: string, ...args: unknown[]): void;
  on(event: 'will-navigate', listener: (event: NavigationEvent) => void): unknown;
  on(event: 'will-redirect', listener: (event: NavigationEvent) => void): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
}

/** The employee's main window (`BrowserWindow`). */
export interface MainWindowPort {
  loadURL(url: string): Promise<void>;
  show(): void;
  focus(): void;
  isMinimized(): boolean;
  restore(): void;
  isDestroyed(): boolean;
  setContentProtection(enable: boolean): void;
  on(event: 'closed', listener: () => void): unknown;
  once(event: 'ready-to-show', listener: () => void): unknown;
  readonly webContents: MainContentsPort;
}

/** `new Notification(...)`: shown once, clicked maybe. */
export interface NotificationPort {
  show(): void;
  on(event: 'click', listener: () => void): unknown;
}

export interface NotificationFactory {
  /** `Notification.isSupported()`: false on a Linux desktop without a notification daemon. */
  isSupported(): boolean;
  create(options: { title: string; body: string; silent: boolean }): NotificationPort;
}

/** `app.setLoginItemSettings` / `getLoginItemSettings` (Windows and macOS only). */
export interface LoginItemsPort {
  setLoginItemSettings(settings: { openAtLogin: boolean }): void;
  getLoginItemSettings(): { openAtLogin: boolean };
}

/** `shell.openExternal`. */
export interface ShellPort {
  openExternal(url: string): Promise<void>;
}

/** What the main side learns about an `ipcMain.handle` caller: the frame that sent it. */
export interface InvokeEvent {
  senderFrame: { url: string } | null;
}

/** `ipcMain.handle`. */
export interface IpcMainPort {
  handle(channel: string, listener: (event: InvokeEvent, ...args: unknown[]) => Promise<unknown>): void;
}

/** `app`: the lifecycle calls the composition makes. */
export interface AppPort {
  whenReady(): Promise<void>;
  requestSingleInstanceLock(): boolean;
  quit(): void;
  getVersion(): string;
  getPreferredSystemLanguages(): string[];
  getSystemLocale(): string;
  /** Windows: toasts are shown only for an app whose id matches its Start-menu shortcut's. */
  setAppUserModelId(id: string): void;
  on(event: 'second-instance', listener: () => void): unknown;
  on(event: 'window-all-closed', listener: () => void): unknown;
}

/**
 * The tray icon and its menu (`Tray`, `Menu.buildFromTemplate`, `nativeImage.createFromBitmap`):
 * the adapter draws what `trayPresentation` decided; `onOpen` is the menu's Open item and the click.
 */
export interface TrayIconPort {
  render(presentation: TrayPresentation, onOpen: () => void): void;
}
