import type {
  AgentStatus,
  BlockNotice,
  EmployeeLocale,
  ExceptionRequestState,
  ExceptionRequestTarget,
  IpcExceptionRequestResult,
  IpcNotice,
  IpcUnlockResult,
} from '@dlp/shared';

/**
 * The only thing the tray's renderer can reach: the preload script exposes an object of this shape
 * as `window.dlpTray` through contextBridge. Every call goes to the main process, which asks the
 * agent over the local socket (the schema is `ipc.ts` in @dlp/shared). The renderer never sees the
 * socket, the file system or Node.
 */

/** Why a call could not be answered; the page says it in the employee's language. */
export type TrayFailure =
  | { ok: false; failure: 'agent-not-running' }
  | { ok: false; failure: 'rate-limited'; retryAfterMs: number }
  | { ok: false; failure: 'forbidden' }
  | { ok: false; failure: 'error'; message: string };

export type TrayResult<T> = { ok: true; value: T } | TrayFailure;

export interface ExceptionRequestInput {
  target: ExceptionRequestTarget;
  justification: string;
  requestedMinutes: number;
}

export interface TrayApi {
  /** The OS locale, already reduced to the two the tray speaks. */
  locale(): EmployeeLocale;
  status(): Promise<TrayResult<AgentStatus>>;
  recentBlocks(): Promise<TrayResult<BlockNotice[]>>;
  myRequests(): Promise<TrayResult<ExceptionRequestState[]>>;
  requestException(input: ExceptionRequestInput): Promise<TrayResult<IpcExceptionRequestResult['result']>>;
  unlock(code: string): Promise<TrayResult<IpcUnlockResult['result']>>;
  /** Opens the policy's help link in the browser (the main process opens only the help link of the policy in force). */
  openHelp(url: string): Promise<void>;
  /** Block notices and status changes as they arrive; returns the unsubscribe function. */
  onNotice(listener: (notice: IpcNotice['notice']) => void): () => void;
}

/** What the watermark window draws, one window per display. */
export interface WatermarkView {
  /** `张三 (zhangsan)`, host name, and the policy's own text; the time is drawn by the page. */
  user: string;
  host: string;
  text: string;
  opacity: number;
  /** The display's size in CSS pixels and its scale factor (HiDPI). */
  width: number;
  height: number;
  scaleFactor: number;
}

/** Exposed as `window.dlpWatermark` in the watermark window only. */
export interface WatermarkApi {
  view(): WatermarkView;
  onChange(listener: (view: WatermarkView) => void): () => void;
}

/** The channel names between preload and main (ipcRenderer.invoke / webContents.send). */
export const TRAY_CHANNELS = {
  status: 'dlp:status',
  recentBlocks: 'dlp:recent-blocks',
  myRequests: 'dlp:my-requests',
  requestException: 'dlp:request-exception',
  unlock: 'dlp:unlock',
  openHelp: 'dlp:open-help',
  notice: 'dlp:notice',
  watermarkView: 'dlp:watermark-view',
} as const;
