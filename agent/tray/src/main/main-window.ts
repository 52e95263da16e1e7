import type { EmployeeLocale } from '@dlp/shared';
import { encodeWindowArguments } from '../preload/window-arguments';
import { protectFromCapture } from './capture-guard';
import type { MainContentsPort, MainWindowPort } from './electron-ports';

/** The subset of `BrowserWindowConstructorOptions` the main window is created with. */
export interface MainWindowOptions {
  width: number;
  height: number;
  minWidth: number;
  minHeight: number;
  show: boolean;
  title: string;
  autoHideMenuBar: boolean;
  webPreferences: {
    preload: string;
    contextIsolation: boolean;
    sandbox: boolean;
    nodeIntegration: boolean;
    nodeIntegrationInWorker: boolean;
    nodeIntegrationInSubFrames: boolean;
    webSecurity: boolean;
    allowRunningInsecureContent: boolean;
    webviewTag: boolean;
    navigateOnDragDrop: boolean;
    devTools: boolean;
    spellcheck: boolean;
    additionalArguments: string[];
  };
}

/**
 * The renderer is treated as untrusted: isolated from the preload (contextIsolation), in Chromium's
 * OS sandbox, without Node, and able to reach only what the preload exposes (the TrayApi).
 */
export function mainWindowOptions(preloadPath: string, locale: EmployeeLocale, title: string): MainWindowOptions {
  return {
    width: 420,
    height: 640,
    minWidth: 360,
    minHeight: 480,
    show: false,
    title,
    autoHideMenuBar: true,
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      devTools: false,
      spellcheck: false,
      additionalArguments: encodeWindowArguments({ window: 'main', locale }),
    },
  };
}

/** Only the tray's own page (any #section of it) may be shown in the window. */
export function navigationAllowed(target: string, pageUrl: string): boolean {
  try {
    const to = new URL(target);
    const page = new URL(pageUrl);
    return to.protocol === page.protocol && to.host === page.host && to.pathname === page.pathname;
  } catch {
    return false;
  }
}

/** Denies navigation away from the page and every window.open (help links go through openHelp). */
export function guardNavigation(contents: MainContentsPort, pageUrl: string): void {
  const refuseForeign = (event: { url: string; preventDefault(): void }) => {
    if (!navigationAllowed(event.url, pageUrl)) event.preventDefault();
  };
  contents.on('will-navigate', refuseForeign);
  contents.on('will-redirect', refuseForeign);
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

export interface MainWindowFactory {
  createMainWindow(options: MainWindowOptions): MainWindowPort;
}

/** The main window's sections that can be opened directly (`#blocks` in the page's URL). */
export type MainWindowSection = 'status' | 'blocks';

/**
 * Opens the main window (or brings it forward), on a section when asked. Closing it frees it: the
 * tray keeps running and protection does not depend on the window at all.
 */
export class MainWindowController {
  private window: MainWindowPort | null = null;

  constructor(
    private readonly factory: MainWindowFactory,
    private readonly pageUrl: string,
    private readonly options: MainWindowOptions,
    private readonly log: (line: string) => void = () => undefined,
  ) {}

  open(section?: MainWindowSection): void {
    const url = section ? `${this.pageUrl}#${section}` : this.pageUrl;
    const existing = this.window && !this.window.isDestroyed() ? this.window : null;
    if (existing) {
      if (section) this.load(existing, url);
      if (existing.isMinimized()) existing.restore();
      existing.show();
      existing.focus();
      return;
    }
    const window = this.factory.createMainWindow(this.options);
    protectFromCapture(window);
    guardNavigation(window.webContents, this.pageUrl);
    window.once('ready-to-show', () => window.show());
    window.on('closed', () => {
      if (this.window === window) this.window = null;
    });
    this.window = window;
    this.load(window, url);
  }

  /** Pushes a message to the page when the window is open (notices, status changes). */
  send(channel: string, payload: unknown): void {
    if (this.window && !this.window.isDestroyed()) this.window.webContents.send(channel, payload);
  }

  private load(window: MainWindowPort, url: string): void {
    window.loadURL(url).catch((err: unknown) => this.log(`main window: ${url} did not load: ${err instanceof Error ? err.message : String(err)}`));
  }
}
