import type { DeliveryCounters } from '@dlp/shared';
import type { Logger } from '../logging/logger';
import type { AuditService } from '../audit/audit-service';
import type { ConsoleEvents } from '../service-kit/console-events';
import type { ConsoleStore } from '../store/store';
import { AlertDispatcher, type DispatcherOptions } from './alert-dispatcher';
import { AlertEngine } from './alert-engine';
import { AlertService } from './alert-service';

export interface AlertingOptions {
  store: ConsoleStore;
  audit: AuditService;
  bus: ConsoleEvents;
  logger: Logger;
  now?: () => number;
  /** Agent scans and rule refresh; 30 s by default. */
  scanIntervalMs?: number;
  dispatcher?: Omit<DispatcherOptions, 'now'>;
}

/** The alerting part of a console node, wired together. */
export interface Alerting {
  service: AlertService;
  engine: AlertEngine;
  /** Delivery counters per destination on this node (for REST and Prometheus /metrics). */
  deliveryCounters(): DeliveryCounters[];
  /** Stops the engine (waiting for work in progress) and the delivery queues. */
  close(): Promise<void>;
}

/**
 * Builds the engine, dispatcher and service and subscribes the engine to the events this node
 * committed. The bus calls listeners synchronously after the ingest commit; `offer` only queues, so
 * ingest (and the agent's ack) never waits for rule evaluation or delivery.
 */
export async function startAlerting(options: AlertingOptions): Promise<Alerting> {
  const now = options.now ?? Date.now;
  const dispatcher = new AlertDispatcher({ ...options.dispatcher, now });
  const engine = new AlertEngine({ store: options.store, dispatcher, logger: options.logger, now, ...(options.scanIntervalMs !== undefined ? { scanIntervalMs: options.scanIntervalMs } : {}) });
  await engine.start();
  // Only events this node ingested: events other nodes relay are theirs to evaluate (a threshold
  // counted on every node would be counted once per node).
  const unsubscribe = options.bus.on('events-ingested', (events) => engine.offer(events));
  const service = new AlertService(options.store, options.audit, engine, dispatcher, now);
  return {
    service,
    engine,
    deliveryCounters: () => dispatcher.counters(),
    async close() {
      unsubscribe();
      await engine.close();
      dispatcher.close();
    },
  };
}
