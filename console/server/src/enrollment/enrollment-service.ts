import { DEFAULT_GROUP_ID, uuidv7, type AgentInfo, type EnrollRequestSummary, type EnrollSecretSummary } from '@dlp/shared';
import { generateUnlockKey } from '@dlp/shared/node';
import { newSecretToken, sha256Hex } from '../auth/secret-token';
import type { Logger } from '../logging/logger';
import type { ConsoleStore, EnrollRequestRecord, EnrollSecretRecord } from '../store/store';
import { EnrollRateLimiter } from './enroll-rate-limiter';
import { notFound, ServiceError } from '../service-kit/service-error';

export interface CreatedEnrollSecret extends EnrollSecretSummary {
  /** Shown once; only its hash is stored. */
  secret: string;
}

export interface EnrolledAgent {
  agentId: string;
  /** The agent's credential; only its hash is stored. */
  token: string;
  groupId: string;
  /** The agent's offline-unlock key (base64, 32 bytes): sent once in `enrolled`, kept to issue codes. */
  unlockKey: string;
}

/** The optional limits of a new secret (absent or null: none). */
export interface EnrollSecretLimits {
  maxUses?: number | null | undefined;
  expiresAt?: string | null | undefined;
  needsApproval?: boolean | undefined;
  ratePerMinute?: number | null | undefined;
}

/** Why an enrollment was refused for good (until an admin acts); the gateway sends the code. */
export type EnrollRefusal = 'bad_enroll_secret' | 'enroll_secret_expired' | 'enroll_secret_used_up' | 'enroll_rejected' | 'request_key_required';

export type EnrollOutcome =
  | { kind: 'enrolled'; agent: EnrolledAgent }
  | { kind: 'refused'; code: EnrollRefusal; message: string }
  /** The secret needs approval: the request waits in the pending list; the agent retries. */
  | { kind: 'pending'; requestId: string; retryAfterMs: number }
  | { kind: 'rate_limited'; retryAfterMs: number };

export interface EnrollmentOptions {
  /** Enrollments per minute per secret that sets no rate itself (`--enroll-rate`, default 60). */
  defaultRatePerMinute?: number | undefined;
  /** How soon a pending agent asks again (default 30 s). */
  pendingRetryMs?: number | undefined;
  now?: () => number;
}

export const DEFAULT_ENROLL_RATE_PER_MINUTE = 60;
/** Requests waiting at once per secret: beyond this a leaked approval secret cannot flood the list. */
export const MAX_PENDING_PER_SECRET = 1000;

function toSummary(record: EnrollSecretRecord, pending?: number): EnrollSecretSummary {
  return {
    id: record.id,
    label: record.label,
    createdAt: record.createdAt,
    groupId: record.groupId,
    maxUses: record.maxUses,
    expiresAt: record.expiresAt,
    needsApproval: record.needsApproval,
    ratePerMinute: record.ratePerMinute,
    uses: record.useCount,
    ...(pending !== undefined ? { pending } : {}),
  };
}

const REFUSALS: Readonly<Record<EnrollRefusal, string>> = {
  bad_enroll_secret: 'the enroll secret is not valid',
  enroll_secret_expired: 'the enroll secret has expired; ask an admin for a new one',
  enroll_secret_used_up: 'the enroll secret has enrolled as many agents as it may; ask an admin for a new one',
  enroll_rejected: 'an admin rejected this enrollment request',
  request_key_required: 'this enroll secret needs approval: the agent must send a request key (update the agent)',
};

const refused = (code: EnrollRefusal): EnrollOutcome => ({ kind: 'refused', code, message: REFUSALS[code] });

/** Thrown inside the enrollment transaction when the secret's last use was taken meanwhile. */
class SecretExhausted extends Error {}

/**
 * Enroll secrets and agent enrollment. A secret is reusable (an installer carries one secret to many
 * workstations) within its optional limits: a use count, an expiry, a rate per minute and an admin's
 * approval of each new agent. Each enrollment mints a per-agent token.
 */
export class EnrollmentService {
  private readonly limiter: EnrollRateLimiter;
  private readonly now: () => number;
  private readonly defaultRate: number;
  private readonly pendingRetryMs: number;

  constructor(
    private readonly store: ConsoleStore,
    private readonly logger: Logger,
    options: EnrollmentOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.limiter = new EnrollRateLimiter(this.now);
    this.defaultRate = options.defaultRatePerMinute ?? DEFAULT_ENROLL_RATE_PER_MINUTE;
    this.pendingRetryMs = options.pendingRetryMs ?? 30_000;
  }

  async createSecret(label: string, groupId: string = DEFAULT_GROUP_ID, limits: EnrollSecretLimits = {}): Promise<CreatedEnrollSecret> {
    // Agents enrolled with the secret join this group: it must exist now (and cannot be deleted while the secret does).
    if (!(await this.store.groups.findById(groupId))) throw notFound('group', groupId);
    if (limits.expiresAt != null && Date.parse(limits.expiresAt) <= this.now()) {
      throw new ServiceError('invalid_request', 'invalid_request', 'The expiry must be in the future.', [{ path: 'expiresAt', message: 'must be in the future' }]);
    }
    const secret = newSecretToken();
    const record = await this.insertSecret(secret, label, groupId, limits);
    return { ...toSummary(record), secret };
  }

  /** Registers a secret chosen elsewhere (e.g. by `npm start`) unless it is already known. */
  async registerSecret(secret: string, label: string, groupId: string = DEFAULT_GROUP_ID): Promise<boolean> {
    if (await this.store.enrollSecrets.findByHash(sha256Hex(secret))) return false;
    await this.insertSecret(secret, label, groupId, {});
    return true;
  }

  async listSecrets(): Promise<EnrollSecretSummary[]> {
    const pending = await this.store.enrollSecrets.pendingCounts();
    return (await this.store.enrollSecrets.list()).map((record) => toSummary(record, pending.get(record.id) ?? 0));
  }

  async deleteSecret(id: string): Promise<void> {
    if (!(await this.store.enrollSecrets.delete(id))) throw notFound('enroll secret', id);
    this.logger.info('enroll secret deleted', { enrollSecretId: id });
  }

  /** Decides what an agent presenting `secret` gets: credentials, a wait, or a refusal. */
  async enroll(secret: string, info: AgentInfo, context: { requestKey?: string | undefined; remoteAddress?: string | null | undefined } = {}): Promise<EnrollOutcome> {
    const found = await this.store.enrollSecrets.findByHash(sha256Hex(secret));
    if (!found) return refused('bad_enroll_secret');
    const unusable = this.unusable(found);
    if (unusable) return refused(unusable);
    const nowIso = new Date(this.now()).toISOString();
    let request: EnrollRequestRecord | undefined;
    if (found.needsApproval) {
      if (context.requestKey === undefined) return refused('request_key_required');
      request = await this.store.enrollSecrets.findRequest(found.id, sha256Hex(context.requestKey));
      if (request?.status === 'rejected' || request?.status === 'enrolled') return refused('enroll_rejected');
      if (request?.status === 'pending') {
        await this.store.enrollSecrets.touchRequest(request.id, nowIso, info, context.remoteAddress ?? null);
        return { kind: 'pending', requestId: request.id, retryAfterMs: this.pendingRetryMs };
      }
    }
    // New requests and real enrollments count against the rate; a waiting agent's re-asking does not.
    const waitMs = this.limiter.take(found.id, found.ratePerMinute ?? this.defaultRate);
    if (waitMs > 0) return { kind: 'rate_limited', retryAfterMs: waitMs };
    if (found.needsApproval && request === undefined) return this.fileRequest(found, info, context.requestKey ?? '', context.remoteAddress ?? null, nowIso);
    return this.createAgent(found, info, nowIso, request);
  }

  /** Enrollment requests, newest first (default: those waiting for a decision). */
  async listRequests(status: EnrollRequestRecord['status'] | 'all' = 'pending', limit = 500): Promise<EnrollRequestSummary[]> {
    const secrets = new Map((await this.store.enrollSecrets.list()).map((s) => [s.id, s]));
    const rows = await this.store.enrollSecrets.listRequests(status === 'all' ? undefined : status, limit);
    return rows.map((row) => ({
      id: row.id,
      enrollSecretId: row.enrollSecretId,
      secretLabel: secrets.get(row.enrollSecretId)?.label ?? '',
      groupId: secrets.get(row.enrollSecretId)?.groupId ?? DEFAULT_GROUP_ID,
      agent: row.info,
      remoteAddress: row.remoteAddress,
      requestedAt: row.requestedAt,
      lastSeenAt: row.lastSeenAt,
      status: row.status,
      decidedBy: row.decidedBy,
      decidedAt: row.decidedAt,
      agentId: row.agentId,
    }));
  }

  /** Approves or rejects a waiting request (the caller audits it). 404 unknown, 409 already decided. */
  async decideRequest(id: string, decision: 'approved' | 'rejected', decidedBy: string): Promise<EnrollRequestRecord> {
    const request = await this.store.enrollSecrets.findRequestById(id);
    if (!request) throw notFound('enrollment request', id);
    if (!(await this.store.enrollSecrets.decideRequest(id, decision, decidedBy, new Date(this.now()).toISOString()))) {
      throw new ServiceError('conflict', 'not_pending', `The enrollment request is ${request.status}, not pending.`);
    }
    this.logger.info('enrollment request decided', { enrollRequestId: id, decision, hostname: request.info.hostname });
    return { ...request, status: decision, decidedBy };
  }

  private unusable(secret: EnrollSecretRecord): EnrollRefusal | undefined {
    if (secret.expiresAt !== null && Date.parse(secret.expiresAt) <= this.now()) return 'enroll_secret_expired';
    if (secret.maxUses !== null && secret.useCount >= secret.maxUses) return 'enroll_secret_used_up';
    return undefined;
  }

  private async fileRequest(secret: EnrollSecretRecord, info: AgentInfo, requestKey: string, remoteAddress: string | null, nowIso: string): Promise<EnrollOutcome> {
    const waiting = (await this.store.enrollSecrets.pendingCounts()).get(secret.id) ?? 0;
    if (waiting >= MAX_PENDING_PER_SECRET) return { kind: 'rate_limited', retryAfterMs: this.pendingRetryMs * 10 };
    const id = uuidv7();
    try {
      await this.store.enrollSecrets.insertRequest({
        id,
        enrollSecretId: secret.id,
        requestKeyHash: sha256Hex(requestKey),
        info,
        remoteAddress,
        requestedAt: nowIso,
        lastSeenAt: nowIso,
        status: 'pending',
        decidedBy: null,
        decidedAt: null,
        agentId: null,
      });
    } catch (err) {
      // The same agent asked twice at once (unique secret + key): the first request stands.
      const existing = await this.store.enrollSecrets.findRequest(secret.id, sha256Hex(requestKey));
      if (!existing) throw err;
      return { kind: 'pending', requestId: existing.id, retryAfterMs: this.pendingRetryMs };
    }
    this.logger.info('enrollment waiting for approval', { enrollRequestId: id, enrollSecretId: secret.id, hostname: info.hostname });
    return { kind: 'pending', requestId: id, retryAfterMs: this.pendingRetryMs };
  }

  private async createAgent(secret: EnrollSecretRecord, info: AgentInfo, enrolledAt: string, request: EnrollRequestRecord | undefined): Promise<EnrollOutcome> {
    const agentId = uuidv7();
    const token = newSecretToken();
    const unlockKey = generateUnlockKey();
    try {
      await this.store.transaction(async (tx) => {
        if (!(await tx.enrollSecrets.claimUse(secret.id, enrolledAt))) throw new SecretExhausted();
        await tx.agents.insert({ id: agentId, tokenHash: sha256Hex(token), groupId: secret.groupId, info, enrolledAt, enrollSecretId: secret.id });
        await tx.unlockKeys.insert(agentId, unlockKey, enrolledAt);
        if (request) await tx.enrollSecrets.markRequestEnrolled(request.id, agentId);
      });
    } catch (err) {
      if (!(err instanceof SecretExhausted)) throw err;
      const now = await this.store.enrollSecrets.findById(secret.id);
      return refused(now ? (this.unusable(now) ?? 'enroll_secret_used_up') : 'bad_enroll_secret');
    }
    return { kind: 'enrolled', agent: { agentId, token, groupId: secret.groupId, unlockKey: unlockKey.toString('base64') } };
  }

  private async insertSecret(secret: string, label: string, groupId: string, limits: EnrollSecretLimits): Promise<EnrollSecretRecord> {
    const record: EnrollSecretRecord = {
      id: uuidv7(),
      label,
      secretHash: sha256Hex(secret),
      groupId,
      createdAt: new Date(this.now()).toISOString(),
      maxUses: limits.maxUses ?? null,
      useCount: 0,
      expiresAt: limits.expiresAt == null ? null : new Date(limits.expiresAt).toISOString(),
      needsApproval: limits.needsApproval ?? false,
      ratePerMinute: limits.ratePerMinute ?? null,
    };
    await this.store.enrollSecrets.insert(record);
    this.logger.info('enroll secret created', { enrollSecretId: record.id, label, maxUses: record.maxUses, expiresAt: record.expiresAt, needsApproval: record.needsApproval });
    return record;
  }
}
