import {
  uuidv7,
  type AlertDestination,
  type AlertQuery,
  type AlertRule,
  type DestinationConfig,
  type DeliveryCounters,
  type FiredAlert,
  type Page,
  type TestDeliveryResult,
  type UpdateAlertDestinationRequest,
  type UpdateAlertRuleRequest,
  type createAlertDestinationRequest,
  type createAlertRuleRequest,
} from '@dlp/shared';
import { randomBytes, X509Certificate } from 'node:crypto';
import type { z } from 'zod';
import type { AuditEntryInput, AuditService } from '../audit/audit-service';
import { decodeIdCursor, encodeIdCursor } from '../service-kit/cursor';
import { notFound, ServiceError } from '../service-kit/service-error';
import type { AlertDestinationRecord, AlertRuleRecord, FiredAlertFilter } from '../store/alert-store';
import type { ConsoleStore, StoreRepositories } from '../store/store';
import type { AlertDispatcher } from './alert-dispatcher';
import { AlertEngine } from './alert-engine';
import { AlertInbox } from './alert-inbox';
import { toAlertDestination, toAlertRule, toFiredAlert } from './alert-view';

type Who = Pick<AuditEntryInput, 'actor' | 'sourceIp'>;
type CreateRule = z.output<typeof createAlertRuleRequest>;
type CreateDestination = z.output<typeof createAlertDestinationRequest>;

async function checkDestinations(repos: StoreRepositories, ids: readonly string[]): Promise<void> {
  for (const [index, id] of ids.entries()) {
    if (!(await repos.alerts.findDestination(id))) {
      throw new ServiceError('invalid_request', 'invalid_request', `alert destination ${id} does not exist`, [{ path: `destinationIds.${index}`, message: 'no such destination' }]);
    }
  }
}

/** What the audit log keeps of a destination: everything but the secret (the redactor drops it anyway). */
function auditedDestination(d: AlertDestinationRecord): unknown {
  return toAlertDestination(d);
}

/** Alert rules and destinations (admins, audited), fired alerts (readers), test sends and counters. */
export class AlertService {
  /** Grouped, paged inbox; acknowledge and resolve. */
  readonly inbox: AlertInbox;

  constructor(
    private readonly store: ConsoleStore,
    private readonly audit: AuditService,
    private readonly engine: AlertEngine,
    private readonly dispatcher: AlertDispatcher,
    private readonly now: () => number = Date.now,
  ) {
    this.inbox = new AlertInbox(store, audit, now);
  }

  async listRules(): Promise<AlertRule[]> {
    return (await this.store.alerts.listRules()).map(toAlertRule);
  }

  async createRule(request: CreateRule, who: Who): Promise<AlertRule> {
    const at = new Date(this.now()).toISOString();
    const rule: AlertRuleRecord = { id: uuidv7(this.now()), ...request, destinationIds: [...new Set(request.destinationIds)], createdAt: at, updatedAt: at };
    await this.store.transaction(async (tx) => {
      await checkDestinations(tx, rule.destinationIds);
      await tx.alerts.insertRule(rule);
      await this.audit.record({ ...who, action: 'alert.rule.create', target: { type: 'alert-rule', id: rule.id }, after: toAlertRule(rule) }, tx);
    });
    await this.engine.reload();
    return toAlertRule(rule);
  }

  async updateRule(id: string, request: UpdateAlertRuleRequest, who: Who): Promise<AlertRule> {
    const updated = await this.store.transaction(async (tx) => {
      const before = await tx.alerts.findRule(id);
      if (!before) throw notFound('alert rule', id);
      const after: AlertRuleRecord = {
        ...before,
        ...(request.name !== undefined ? { name: request.name } : {}),
        ...(request.enabled !== undefined ? { enabled: request.enabled } : {}),
        ...(request.severity !== undefined ? { severity: request.severity } : {}),
        ...(request.params !== undefined ? { params: request.params } : {}),
        ...(request.destinationIds !== undefined ? { destinationIds: [...new Set(request.destinationIds)] } : {}),
        ...(request.cooldownMinutes !== undefined ? { cooldownMinutes: request.cooldownMinutes } : {}),
        updatedAt: new Date(this.now()).toISOString(),
      };
      await checkDestinations(tx, after.destinationIds);
      await tx.alerts.updateRule(after);
      await this.audit.record({ ...who, action: 'alert.rule.update', target: { type: 'alert-rule', id }, before: toAlertRule(before), after: toAlertRule(after) }, tx);
      return after;
    });
    await this.engine.reload();
    return toAlertRule(updated);
  }

  async deleteRule(id: string, who: Who): Promise<void> {
    await this.store.transaction(async (tx) => {
      const before = await tx.alerts.findRule(id);
      if (!before) throw notFound('alert rule', id);
      await tx.alerts.deleteRule(id);
      await this.audit.record({ ...who, action: 'alert.rule.delete', target: { type: 'alert-rule', id }, before: toAlertRule(before) }, tx);
    });
    await this.engine.reload();
  }

  async listDestinations(): Promise<AlertDestination[]> {
    return (await this.store.alerts.listDestinations()).map(toAlertDestination);
  }

  /** Creates a destination; a webhook without a given secret gets a random one. The secret is returned only here. */
  async createDestination(request: CreateDestination, who: Who): Promise<{ destination: AlertDestination; secret: string | null }> {
    checkCaCertificate(request.config);
    if (request.config.kind === 'syslog' && request.secret !== undefined) {
      throw new ServiceError('invalid_request', 'invalid_request', 'Only webhooks have a signing secret.', [{ path: 'secret', message: 'only for webhooks' }]);
    }
    const at = new Date(this.now()).toISOString();
    const secret = request.config.kind === 'webhook' ? (request.secret ?? randomBytes(32).toString('base64url')) : null;
    const record: AlertDestinationRecord = { id: uuidv7(this.now()), name: request.name, enabled: request.enabled, config: request.config, rateLimit: request.rateLimit, secret, createdAt: at, updatedAt: at };
    await this.store.transaction(async (tx) => {
      await tx.alerts.insertDestination(record);
      await this.audit.record({ ...who, action: 'alert.destination.create', target: { type: 'alert-destination', id: record.id }, after: auditedDestination(record) }, tx);
    });
    await this.engine.reload();
    return { destination: toAlertDestination(record), secret };
  }

  async updateDestination(id: string, request: UpdateAlertDestinationRequest, who: Who): Promise<AlertDestination> {
    const updated = await this.store.transaction(async (tx) => {
      const before = await tx.alerts.findDestination(id);
      if (!before) throw notFound('alert destination', id);
      const config = request.config ?? before.config;
      checkCaCertificate(config);
      if (config.kind === 'syslog' && request.secret !== undefined) {
        throw new ServiceError('invalid_request', 'invalid_request', 'Only webhooks have a signing secret.', [{ path: 'secret', message: 'only for webhooks' }]);
      }
      // Turning a syslog target into a webhook needs a secret; keep the old one when there is one.
      const secret = config.kind === 'webhook' ? (request.secret ?? before.secret ?? randomBytes(32).toString('base64url')) : null;
      const after: AlertDestinationRecord = {
        ...before,
        name: request.name ?? before.name,
        enabled: request.enabled ?? before.enabled,
        config,
        rateLimit: request.rateLimit ?? before.rateLimit,
        secret,
        updatedAt: new Date(this.now()).toISOString(),
      };
      await tx.alerts.updateDestination(after);
      const audited = { ...(auditedDestination(after) as object), secretChanged: secret !== before.secret };
      await this.audit.record({ ...who, action: 'alert.destination.update', target: { type: 'alert-destination', id }, before: auditedDestination(before), after: audited }, tx);
      return after;
    });
    await this.engine.reload();
    return toAlertDestination(updated);
  }

  /** Deletes the destination and takes it out of every rule that named it. */
  async deleteDestination(id: string, who: Who): Promise<void> {
    await this.store.transaction(async (tx) => {
      const before = await tx.alerts.findDestination(id);
      if (!before) throw notFound('alert destination', id);
      for (const rule of await tx.alerts.listRules()) {
        if (rule.destinationIds.includes(id)) await tx.alerts.updateRule({ ...rule, destinationIds: rule.destinationIds.filter((d) => d !== id) });
      }
      await tx.alerts.deleteDestination(id);
      await this.audit.record({ ...who, action: 'alert.destination.delete', target: { type: 'alert-destination', id }, before: auditedDestination(before) }, tx);
    });
    await this.engine.reload();
  }

  /** Sends a test alert once, outside the queue; audited. */
  async testDestination(id: string, who: Who): Promise<TestDeliveryResult> {
    const destination = await this.store.alerts.findDestination(id);
    if (!destination) throw notFound('alert destination', id);
    const result = await this.dispatcher.test(destination, AlertEngine.sampleAlert(this.now()));
    await this.audit.record({ ...who, action: 'alert.destination.test', target: { type: 'alert-destination', id }, after: { ok: result.ok, error: result.error } });
    return result;
  }

  /** Newest first. */
  async listAlerts(query: AlertQuery): Promise<Page<FiredAlert>> {
    const filter: FiredAlertFilter = { limit: query.limit + 1 };
    if (query.state !== undefined) filter.state = query.state;
    if (query.ruleId !== undefined) filter.ruleId = query.ruleId;
    if (query.kind !== undefined) filter.kind = query.kind;
    if (query.from !== undefined) filter.fromAt = new Date(query.from).toISOString();
    if (query.to !== undefined) filter.toAt = new Date(query.to).toISOString();
    if (query.cursor !== undefined) filter.beforeId = decodeIdCursor(query.cursor);
    const rows = await this.store.alerts.queryAlerts(filter);
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    return { items: page.map(toFiredAlert), nextCursor: rows.length > query.limit && last ? encodeIdCursor(last.id) : null };
  }

  /** Delivery counters of this console node. */
  deliveryCounters(): DeliveryCounters[] {
    return this.dispatcher.counters();
  }
}

/**
 * A webhook's CA must be readable X.509: one the TLS stack cannot load would fail every delivery,
 * so it is refused when saved, naming which certificate of a bundle is wrong.
 */
function checkCaCertificate(config: DestinationConfig): void {
  if (config.kind !== 'webhook' || config.caCertificate === undefined) return;
  const blocks = config.caCertificate.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
  blocks.forEach((block, index) => {
    try {
      new X509Certificate(block);
    } catch {
      const message = `certificate ${index + 1} is not a readable X.509 certificate`;
      throw new ServiceError('invalid_request', 'invalid_request', `The CA certificate cannot be used: ${message}.`, [{ path: 'config.caCertificate', message }]);
    }
  });
}
