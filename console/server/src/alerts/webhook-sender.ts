import type { AlertNotification } from '@dlp/shared';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { AlertSender } from './alert-sender';
import { DELIVERY_HEADER, SIGNATURE_HEADER, signWebhookBody, TIMESTAMP_HEADER } from './webhook-signature';

export interface WebhookSenderOptions {
  url: string;
  secret: string;
  timeoutMs: number;
  /** PEM CA (bundle) trusted instead of the system's CAs (https only). */
  ca?: string;
}

/** Bodies of answers are read only this far (they are discarded anyway). */
const MAX_ANSWER_BYTES = 64 * 1024;

/**
 * POSTs the notification as JSON with `X-DLP-Signature: sha256=<hex>` over the exact body and
 * `X-DLP-Timestamp` (= body.sentAt). Any 2xx answer is success; anything else, a timeout or a
 * network error is a failure. Redirects are not followed (a signed body must not wander).
 */
export function createWebhookSender(options: WebhookSenderOptions): AlertSender {
  const url = new URL(options.url);
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const inFlight = new Set<() => void>();

  return {
    send(notification: AlertNotification) {
      const body = JSON.stringify(notification);
      return new Promise<void>((resolve, reject) => {
        const req = request(url, {
          method: 'POST',
          ...(options.ca === undefined ? {} : { ca: options.ca }),
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            'user-agent': 'dlp-console-alerts',
            [SIGNATURE_HEADER]: signWebhookBody(options.secret, body),
            [TIMESTAMP_HEADER]: String(notification.sentAt),
            [DELIVERY_HEADER]: notification.alert.id,
          },
        });
        let settled = false;
        const finish = (err?: Error): void => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          inFlight.delete(abort);
          if (err) reject(err);
          else resolve();
        };
        const abort = (): void => {
          req.destroy();
          finish(new Error('closed'));
        };
        inFlight.add(abort);
        // One deadline for the whole exchange: a receiver that accepts and never answers must not hold the queue.
        const timer = setTimeout(() => {
          req.destroy();
          finish(new Error(`no answer within ${options.timeoutMs} ms`));
        }, options.timeoutMs);
        req.on('error', (err) => finish(err));
        req.on('response', (res) => {
          let read = 0;
          res.on('data', (chunk: Buffer) => {
            read += chunk.length;
            if (read > MAX_ANSWER_BYTES) res.destroy();
          });
          res.on('error', () => undefined);
          const status = res.statusCode ?? 0;
          res.on('close', () => finish(status >= 200 && status < 300 ? undefined : new Error(`HTTP ${status}`)));
          res.resume();
        });
        req.end(body);
      });
    },
    close() {
      for (const abort of [...inFlight]) abort();
    },
  };
}
