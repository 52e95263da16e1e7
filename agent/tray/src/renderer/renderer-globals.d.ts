import type { TrayApi, WatermarkApi } from '../common/tray-api';

/** What the preload exposes through contextBridge; absent when a page is opened outside the tray. */
declare global {
  interface Window {
    dlpTray?: TrayApi;
    dlpWatermark?: WatermarkApi;
  }
}
