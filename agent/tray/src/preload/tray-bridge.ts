import type { EmployeeLocale } from '@dlp/shared';
import { TRAY_CHANNELS, type TrayApi, type WatermarkApi, type WatermarkView } from '../common/tray-api';

/** `ipcRenderer`, the three calls the preload makes. */
export interface RendererIpcPort {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

/** Subscribes to a pushed channel; the page's listener gets the payload only, never the IPC event. */
function listen<T>(ipc: RendererIpcPort, channel: string, listener: (payload: T) => void): () => void {
  const forward = (_event: unknown, payload: unknown) => listener(payload as T);
  ipc.on(channel, forward);
  return () => {
    ipc.removeListener(channel, forward);
  };
}

/**
 * `window.dlpTray`: exactly the TrayApi, each call an `ipcRenderer.invoke` on its channel. The main
 * process validates every argument again; nothing else of Electron or Node reaches the page.
 */
export function createTrayBridge(ipc: RendererIpcPort, locale: EmployeeLocale): TrayApi {
  // The main side answers each channel with the TrayApi's result type (tray-ipc-handlers.ts).
  const call = <T>(channel: string, ...args: unknown[]) => ipc.invoke(channel, ...args) as Promise<T>;
  return {
    locale: () => locale,
    status: () => call(TRAY_CHANNELS.status),
    recentBlocks: () => call(TRAY_CHANNELS.recentBlocks),
    myRequests: () => call(TRAY_CHANNELS.myRequests),
    requestException: (input) => call(TRAY_CHANNELS.requestException, input),
    unlock: (code) => call(TRAY_CHANNELS.unlock, code),
    openHelp: async (url) => {
      await call<void>(TRAY_CHANNELS.openHelp, url);
    },
    onNotice: (listener) => listen(ipc, TRAY_CHANNELS.notice, listener),
  };
}

/** `window.dlpWatermark`: the view the window was created with, then each change the main process sends. */
export function createWatermarkBridge(ipc: RendererIpcPort, initial: WatermarkView): WatermarkApi {
  let latest = initial;
  ipc.on(TRAY_CHANNELS.watermarkView, (_event: unknown, view: unknown) => {
    latest = view as WatermarkView;
  });
  return {
    view: () => latest,
    onChange: (listener) => listen<WatermarkView>(ipc, TRAY_CHANNELS.watermarkView, listener),
  };
}
