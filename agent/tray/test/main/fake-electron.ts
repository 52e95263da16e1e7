import { EventEmitter } from 'node:events';
import type {
  ClipboardPort,
  DisplayInfo,
  InvokeEvent,
  IpcMainPort,
  LoginItemsPort,
  MainWindowPort,
  NavigationEvent,
  NotificationFactory,
  NotificationPort,
  ScreenPort,
  WatermarkWindowPort,
} from '../../src/main/electron-ports';
import type { MainWindowFactory, MainWindowOptions } from '../../src/main/main-window';
import type { WatermarkWindowFactory } from '../../src/main/watermark-manager';
import type { WatermarkWindowOptions } from '../../src/main/watermark-window-options';

/**
 * Fakes of exactly the ports in electron-ports.ts (which tsc checks against electron.d.ts), recording
 * what the logic did and letting the test play the OS: close a window, kill its renderer, unplug a
 * display.
 */

export class FakeContents extends EventEmitter {
  readonly sent: { channel: string; args: unknown[] }[] = [];
  openHandler: ((details: { url: string }) => { action: 'deny' }) | null = null;
  send(channel: string, ...args: unknown[]): void {
    this.sent.push({ channel, args });
  }
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void {
    this.openHandler = handler;
  }
  /** Plays a navigation; true when the window let it happen. */
  navigate(url: string, kind: 'will-navigate' | 'will-redirect' = 'will-navigate'): boolean {
    let prevented = false;
    const event: NavigationEvent = { url, preventDefault: () => void (prevented = true) };
    this.emit(kind, event);
    return !prevented;
  }
}

export class FakeWindow extends EventEmitter implements WatermarkWindowPort, MainWindowPort {
  readonly webContents = new FakeContents();
  readonly calls: string[] = [];
  readonly loaded: string[] = [];
  destroyed = false;
  visible = false;
  minimized = false;
  contentProtection = false;
  ignoreMouse = false;
  alwaysOnTop: { flag: boolean; level?: string } | null = null;
  allWorkspaces: { visible: boolean; options?: { visibleOnFullScreen?: boolean } } | null = null;
  /** What the next loadURL does: resolve (the page loaded) or reject (it did not). */
  loadOutcome: 'load' | Error = 'load';

  constructor(readonly options: WatermarkWindowOptions | MainWindowOptions) {
    super();
  }
  loadURL(url: string): Promise<void> {
    this.loaded.push(url);
    return this.loadOutcome === 'load' ? Promise.resolve() : Promise.reject(this.loadOutcome);
  }
  setIgnoreMouseEvents(ignore: boolean): void {
    this.ignoreMouse = ignore;
  }
  setAlwaysOnTop(flag: boolean, level?: 'screen-saver'): void {
    this.alwaysOnTop = { flag, level };
    this.calls.push(`setAlwaysOnTop(${flag}, ${level})`);
  }
  setVisibleOnAllWorkspaces(visible: boolean, options?: { visibleOnFullScreen?: boolean }): void {
    this.allWorkspaces = { visible, options };
  }
  setContentProtection(enable: boolean): void {
    this.contentProtection = enable;
  }
  showInactive(): void {
    this.visible = true;
    this.calls.push('showInactive');
  }
  show(): void {
    this.visible = true;
    this.calls.push('show');
  }
  focus(): void {
    this.calls.push('focus');
  }
  isMinimized(): boolean {
    return this.minimized;
  }
  restore(): void {
    this.minimized = false;
    this.calls.push('restore');
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  /** Closing destroys the window and emits 'closed', as Electron does. */
  close(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.visible = false;
    this.emit('closed');
  }
  /** The renderer process dies: the window stays, its page is gone. */
  killRenderer(reason = 'killed'): void {
    this.webContents.emit('render-process-gone', {}, { reason });
  }
}

/** Creates FakeWindows; `failNext` makes the next creation throw as the OS refusing a window. */
export class FakeWindowFactory implements WatermarkWindowFactory, MainWindowFactory {
  readonly created: FakeWindow[] = [];
  failNext: Error | null = null;
  nextLoadOutcome: 'load' | Error = 'load';

  createWatermarkWindow(options: WatermarkWindowOptions): WatermarkWindowPort {
    return this.create(options);
  }
  createMainWindow(options: MainWindowOptions): MainWindowPort {
    return this.create(options);
  }
  /** Windows not closed. */
  open(): FakeWindow[] {
    return this.created.filter((w) => !w.destroyed);
  }
  private create(options: WatermarkWindowOptions | MainWindowOptions): FakeWindow {
    if (this.failNext) {
      const err = this.failNext;
      this.failNext = null;
      throw err;
    }
    const window = new FakeWindow(options);
    window.loadOutcome = this.nextLoadOutcome;
    this.created.push(window);
    return window;
  }
}

export class FakeScreen extends EventEmitter implements ScreenPort {
  constructor(public displays: DisplayInfo[]) {
    super();
  }
  getAllDisplays(): DisplayInfo[] {
    return this.displays.map((d) => ({ ...d, bounds: { ...d.bounds } }));
  }
  add(display: DisplayInfo): void {
    this.displays.push(display);
    this.emit('display-added', {}, display);
  }
  remove(id: number): void {
    const gone = this.displays.find((d) => d.id === id);
    this.displays = this.displays.filter((d) => d.id !== id);
    this.emit('display-removed', {}, gone);
  }
  change(id: number, change: Partial<DisplayInfo>): void {
    this.displays = this.displays.map((d) => (d.id === id ? { ...d, ...change } : d));
    this.emit('display-metrics-changed', {}, this.displays.find((d) => d.id === id), Object.keys(change));
  }
}

export class FakeClipboard implements ClipboardPort {
  formats: string[] = [];
  clears = 0;
  availableFormats(): string[] {
    return [...this.formats];
  }
  clear(): void {
    this.formats = [];
    this.clears += 1;
  }
}

export class FakeNotification extends EventEmitter implements NotificationPort {
  shown = false;
  constructor(readonly options: { title: string; body: string; silent: boolean }) {
    super();
  }
  show(): void {
    this.shown = true;
  }
  click(): void {
    this.emit('click');
  }
}

export class FakeNotifications implements NotificationFactory {
  readonly created: FakeNotification[] = [];
  supported = true;
  isSupported(): boolean {
    return this.supported;
  }
  create(options: { title: string; body: string; silent: boolean }): NotificationPort {
    const notification = new FakeNotification(options);
    this.created.push(notification);
    return notification;
  }
  titles(): string[] {
    return this.created.filter((n) => n.shown).map((n) => n.options.title);
  }
}

export class FakeIpcMain implements IpcMainPort {
  readonly handlers = new Map<string, (event: InvokeEvent, ...args: unknown[]) => Promise<unknown>>();
  handle(channel: string, listener: (event: InvokeEvent, ...args: unknown[]) => Promise<unknown>): void {
    this.handlers.set(channel, listener);
  }
  /** Calls a channel as a renderer frame at `fromUrl` would. */
  invoke(channel: string, fromUrl: string, ...args: unknown[]): Promise<unknown> {
    const handler = this.handlers.get(channel);
    if (!handler) throw new Error(`no handler for ${channel}`);
    return handler({ senderFrame: { url: fromUrl } }, ...args);
  }
}

export class FakeLoginItems implements LoginItemsPort {
  openAtLogin = false;
  sets = 0;
  keeps = true;
  setLoginItemSettings(settings: { openAtLogin: boolean }): void {
    this.sets += 1;
    if (this.keeps) this.openAtLogin = settings.openAtLogin;
  }
  getLoginItemSettings(): { openAtLogin: boolean } {
    return { openAtLogin: this.openAtLogin };
  }
}

export const display = (id: number, x: number, width: number, height: number, scaleFactor = 1): DisplayInfo => ({ id, bounds: { x, y: 0, width, height }, scaleFactor });

/** Lets promise callbacks (window loads) run. */
export const settle = () => new Promise((resolve) => setImmediate(resolve));
