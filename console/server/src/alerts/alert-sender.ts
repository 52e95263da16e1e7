import type { AlertNotification } from '@dlp/shared';

/** One transport to one destination. `send` rejects on failure (the queue decides whether to retry). */
export interface AlertSender {
  send(notification: AlertNotification): Promise<void>;
  /** Releases sockets; pending sends fail. */
  close(): void;
}

/** How long one delivery attempt may take before it counts as failed. */
export const DEFAULT_SEND_TIMEOUT_MS = 5_000;
