import type { EmployeeLocale, WatermarkSettings } from '@dlp/shared';
import type { WatermarkView } from '../common/tray-api';
import { encodeWindowArguments } from '../preload/window-arguments';
import type { DisplayInfo } from './electron-ports';

/** Who is at the keyboard, as the watermark names them: `张三 (zhangsan)` and the host name. */
export interface WatermarkIdentity {
  user: string;
  host: string;
}

/** The subset of `BrowserWindowConstructorOptions` a watermark window is created with. */
export interface WatermarkWindowOptions {
  x: number;
  y: number;
  width: number;
  height: number;
  show: boolean;
  frame: boolean;
  transparent: boolean;
  backgroundColor: string;
  hasShadow: boolean;
  focusable: boolean;
  skipTaskbar: boolean;
  alwaysOnTop: boolean;
  resizable: boolean;
  movable: boolean;
  minimizable: boolean;
  maximizable: boolean;
  fullscreenable: boolean;
  enableLargerThanScreen: boolean;
  webPreferences: {
    preload: string;
    contextIsolation: boolean;
    sandbox: boolean;
    nodeIntegration: boolean;
    webSecurity: boolean;
    devTools: boolean;
    /** The clock on the watermark must keep ticking while the window is "hidden" behind nothing. */
    backgroundThrottling: boolean;
    additionalArguments: string[];
  };
}

/** What one display's watermark page draws. */
export function watermarkView(settings: WatermarkSettings, identity: WatermarkIdentity, display: DisplayInfo): WatermarkView {
  return {
    user: identity.user,
    host: identity.host,
    text: settings.text,
    opacity: settings.opacity,
    width: display.bounds.width,
    height: display.bounds.height,
    scaleFactor: display.scaleFactor,
  };
}

/**
 * A frameless, transparent, focus-less window exactly over one display (bounds in DIP, as the screen
 * API reports them). Click-through and the screen-saver level are set after creation (they are
 * methods, not options). No content protection: a screenshot must show the watermark.
 */
export function watermarkWindowOptions(display: DisplayInfo, view: WatermarkView, locale: EmployeeLocale, preloadPath: string): WatermarkWindowOptions {
  return {
    ...display.bounds,
    show: false,
    frame: false,
    transparent: true,
    backgroundColor: '#00000000',
    hasShadow: false,
    focusable: false,
    skipTaskbar: true,
    alwaysOnTop: true,
    resizable: false,
    movable: false,
    minimizable: false,
    maximizable: false,
    fullscreenable: false,
    enableLargerThanScreen: true,
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      devTools: false,
      backgroundThrottling: false,
      additionalArguments: encodeWindowArguments({ window: 'watermark', locale, watermark: view }),
    },
  };
}
