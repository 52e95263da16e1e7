import type { AlertDestinationKind, AlertNotification, DeliveryCounters, DestinationConfigOf, FiredAlert, TestDeliveryResult } from '@dlp/shared';
import type { AlertDestinationRecord } from '../store/alert-store';
import { DEFAULT_SEND_TIMEOUT_MS, type AlertSender } from './alert-sender';
import { DEFAULT_QUEUE_OPTIONS, DeliveryQueue, type DeliveryQueueOptions } from './delivery-queue';
import { createSyslogSender } from './syslog-sender';
import { TokenBucket } from './token-bucket';
import { createWebhookSender } from './webhook-sender';

interface Job {
  alert: FiredAlert;
  suppressedSinceLast: number;
}

interface Channel {
  destination: AlertDestinationRecord;
  /** Config, rate and secret as of creation: a change makes a new channel. */
  fingerprint: string;
  sender: AlertSender;
  queue: DeliveryQueue<Job>;
  bucket: TokenBucket;
  /** Alerts held back by the rate limit since the last one let through. */
  suppressed: number;
  rateLimited: number;
}

export interface DispatcherOptions {
  now?: () => number;
  sendTimeoutMs?: number;
  queue?: Partial<Omit<DeliveryQueueOptions<Job>, 'send' | 'now'>>;
  /** Builds the transport; tests may swap it. */
  createSender?: (destination: AlertDestinationRecord, timeoutMs: number) => AlertSender;
}

/** Builds the transport of one destination kind from its config and (webhooks) signing secret. */
type SenderFactory<K extends AlertDestinationKind> = (config: DestinationConfigOf<K>, secret: string | null, timeoutMs: number) => AlertSender;

/** One sender per destination kind: a kind added to the shared list does not compile until it has one here. */
const SENDER_FACTORIES: { readonly [K in AlertDestinationKind]: SenderFactory<K> } = {
  webhook: (config, secret, timeoutMs) => createWebhookSender({ url: config.url, secret: secret ?? '', timeoutMs, ca: config.caCertificate }),
  syslog: (config, _secret, timeoutMs) => createSyslogSender({ host: config.host, port: config.port, protocol: config.protocol, facility: config.facility, timeoutMs }),
};

/** Generic over the kind so that the factory looked up and the config given to it are of the same kind. */
function senderOfKind<K extends AlertDestinationKind>(kind: K, config: DestinationConfigOf<K>, secret: string | null, timeoutMs: number): AlertSender {
  const factory: SenderFactory<K> = SENDER_FACTORIES[kind];
  return factory(config, secret, timeoutMs);
}

function defaultSender(destination: AlertDestinationRecord, timeoutMs: number): AlertSender {
  return senderOfKind(destination.config.kind, destination.config, destination.secret, timeoutMs);
}

function fingerprint(d: AlertDestinationRecord): string {
  return JSON.stringify([d.config, d.rateLimit, d.secret, d.enabled]);
}

/**
 * Fans fired alerts out to destinations: per destination a token bucket (held-back alerts are
 * counted and reported in the next one let through) and a bounded retry queue. Nothing here is
 * awaited by the caller.
 */
export class AlertDispatcher {
  private readonly channels = new Map<string, Channel>();
  private readonly now: () => number;
  private readonly timeoutMs: number;

  constructor(private readonly options: DispatcherOptions = {}) {
    this.now = options.now ?? Date.now;
    this.timeoutMs = options.sendTimeoutMs ?? DEFAULT_SEND_TIMEOUT_MS;
  }

  /** Brings channels in line with the stored destinations (new, changed, deleted). */
  sync(destinations: readonly AlertDestinationRecord[]): void {
    const seen = new Set<string>();
    for (const destination of destinations) {
      seen.add(destination.id);
      const existing = this.channels.get(destination.id);
      const print = fingerprint(destination);
      if (existing && existing.fingerprint === print) {
        existing.destination = destination;
        continue;
      }
      if (existing) this.closeChannel(existing);
      this.channels.set(destination.id, this.openChannel(destination, print));
    }
    for (const [id, channel] of this.channels) {
      if (!seen.has(id)) {
        this.closeChannel(channel);
        this.channels.delete(id);
      }
    }
  }

  /** Queues the alert for each enabled destination among `destinationIds`; returns at once. */
  dispatch(alert: FiredAlert, destinationIds: readonly string[]): void {
    for (const id of destinationIds) {
      const channel = this.channels.get(id);
      if (!channel || !channel.destination.enabled) continue;
      if (!channel.bucket.tryTake()) {
        channel.suppressed += 1;
        channel.rateLimited += 1;
        continue;
      }
      channel.queue.push({ alert, suppressedSinceLast: channel.suppressed });
      channel.suppressed = 0;
    }
  }

  /** One attempt to one destination, outside its queue and rate limit (the "send test alert" button). */
  async test(destination: AlertDestinationRecord, alert: FiredAlert): Promise<TestDeliveryResult> {
    const sender = (this.options.createSender ?? defaultSender)(destination, this.timeoutMs);
    const started = this.now();
    try {
      await sender.send(this.notification({ alert, suppressedSinceLast: 0 }, true));
      return { ok: true, error: null, durationMs: this.now() - started };
    } catch (err) {
      return { ok: false, error: err instanceof Error ? err.message : String(err), durationMs: this.now() - started };
    } finally {
      sender.close();
    }
  }

  /** Counters per destination on this node (REST and /metrics). */
  counters(): DeliveryCounters[] {
    return [...this.channels.values()].map((c) => ({
      destinationId: c.destination.id,
      name: c.destination.name,
      kind: c.destination.config.kind,
      sent: c.queue.counters.sent,
      failed: c.queue.counters.failed,
      dropped: c.queue.counters.dropped,
      queued: c.queue.queued,
      retries: c.queue.counters.retries,
      rateLimited: c.rateLimited,
      lastError: c.queue.counters.lastError,
      lastSentAt: c.queue.counters.lastSentAtMs === null ? null : new Date(c.queue.counters.lastSentAtMs).toISOString(),
    }));
  }

  /** Resolves when every queue is empty (tests). */
  async idle(): Promise<void> {
    await Promise.all([...this.channels.values()].map((c) => c.queue.idle()));
  }

  close(): void {
    for (const channel of this.channels.values()) this.closeChannel(channel);
    this.channels.clear();
  }

  private notification(job: Job, test: boolean): AlertNotification {
    return { sentAt: Math.floor(this.now() / 1000), test, alert: job.alert, suppressedSinceLast: job.suppressedSinceLast };
  }

  private openChannel(destination: AlertDestinationRecord, print: string): Channel {
    const sender = (this.options.createSender ?? defaultSender)(destination, this.timeoutMs);
    const queue = new DeliveryQueue<Job>({
      ...DEFAULT_QUEUE_OPTIONS,
      ...this.options.queue,
      now: this.now,
      // Each attempt gets a fresh timestamp (and so a fresh signature): receivers reject stale ones.
      send: (job) => sender.send(this.notification(job, false)),
    });
    return { destination, fingerprint: print, sender, queue, bucket: new TokenBucket(destination.rateLimit.burst, destination.rateLimit.perMinute, this.now), suppressed: 0, rateLimited: 0 };
  }

  private closeChannel(channel: Channel): void {
    channel.queue.close();
    channel.sender.close();
  }
}
