import {
  LIMITS,
  uuidv7,
  type ApproveExceptionRequest,
  type CreateExceptionRequest,
  type ExceptionQuery,
  type ExceptionRequestMessage,
  type ExceptionState,
  type ExceptionView,
  type Page,
  type PolicyException,
  type Role,
} from '@dlp/shared';
import type { ExceptionSigner } from '../signing/exception-signer';
import type { ExceptionActorRecord, ExceptionRecord, ExceptionListFilter } from '../store/lifecycle-store';
import type { ConsoleStore, StoreRepositories } from '../store/store';
import { transactThenAnnounce } from '../service-kit/after-commit';
import type { AuditService } from '../audit/audit-service';
import type { ConsoleEvents } from '../service-kit/console-events';
import { isOwnRequest, type ActingPerson } from './own-request';
import { notFound, ServiceError } from '../service-kit/service-error';
import type { AuditWho } from '../policies/policy-service';

/** A console user acting on exceptions. */
export interface ExceptionActor {
  /** The credential as the audit log names its actor (an API token: its id and `token:<name>`). */
  id: string;
  username: string;
  role: Role;
  sourceIp: string | null;
  /** The person behind the credential (an API token's owner): what "own request" compares. */
  person: ActingPerson;
  via: 'session' | 'api-token';
}

/** What a request or decision records of its actor: the person, the role and the credential. */
export function actorRecord(actor: ExceptionActor): ExceptionActorRecord {
  const record: ExceptionActorRecord = { id: actor.person.id, username: actor.person.username, role: actor.role, via: actor.via };
  if (actor.via === 'api-token') {
    record.tokenId = actor.id;
    record.tokenName = actor.username.replace(/^token:/, '');
  }
  return record;
}

/** Refuses (403 `own_request`) when the actor made the request by any credential or identity. */
export async function assertNotOwnRequest(
  repos: Pick<StoreRepositories, 'apiTokens' | 'settings'>,
  record: Pick<ExceptionRecord, 'createdBy' | 'requestedBy'>,
  actor: Pick<ExceptionActor, 'person'>,
): Promise<void> {
  if (await isOwnRequest(repos, record, actor.person)) {
    throw new ServiceError('forbidden', 'own_request', 'Nobody may decide on an exception request they made themselves (by any login, API token or workstation account).');
  }
}

const MINUTE_MS = 60_000;

function presentState(record: ExceptionRecord, nowMs: number): ExceptionState {
  if (record.state === 'approved' && record.expiresAt !== null && Date.parse(record.expiresAt) <= nowMs) return 'expired';
  return record.state;
}

function whoOf(actor: ExceptionActor): AuditWho {
  return { actor: { id: actor.id, username: actor.username, role: actor.role }, sourceIp: actor.sourceIp };
}

function auditView(record: ExceptionRecord, nowMs: number): Record<string, unknown> {
  return {
    agentId: record.agentId,
    state: presentState(record, nowMs),
    target: record.target,
    requestedMinutes: record.requestedMinutes,
    requestedBy: record.requestedBy,
    // The person and the credential behind the filing and the decision (the row's actor is the credential).
    createdBy: record.createdBy,
    decidedBy: record.decidedBy,
    grantedMinutes: record.grantedMinutes,
    expiresAt: record.expiresAt,
    serial: record.serial,
    decisionNote: record.decisionNote,
  };
}

function decodeCursor(cursor: string): string {
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!/^[0-9a-f-]{36}$/.test(id)) throw new ServiceError('invalid_request', 'invalid_request', 'The cursor is not valid.', [{ path: 'cursor', message: 'must be a cursor returned by the API' }]);
  return id;
}

/**
 * Exception requests (from agents, or filed by officers), decisions, and the signed, time-boxed
 * grants pushed to agents. Nobody decides a request they made, by any credential: neither the
 * workstation user who asked (mapped to an account by the identity mapping) nor the person who
 * filed it (with a session or any API token of theirs).
 */
export class ExceptionService {
  constructor(
    private readonly store: ConsoleStore,
    private readonly signer: ExceptionSigner,
    private readonly audit: AuditService,
    private readonly events: ConsoleEvents,
    private readonly now: () => number = Date.now,
  ) {}

  /** Files an agent's request; a resend (same requestId) returns the existing one. */
  async fileAgentRequest(agentId: string, message: ExceptionRequestMessage): Promise<ExceptionView> {
    const record = await this.store.transaction(async (tx) => {
      const existing = await tx.exceptions.findByRequestId(agentId, message.requestId);
      if (existing) return existing;
      const record = this.newRecord(agentId, message.target, message.justification, message.requestedMinutes, { requestId: message.requestId, requestedBy: message.user });
      await tx.exceptions.insert(record);
      await this.audit.record(
        { actor: { system: `agent:${agentId}` }, sourceIp: null, action: 'exception.request', target: { type: 'exception', id: record.id }, after: auditView(record, this.now()) },
        tx,
      );
      return record;
    });
    return this.view(record);
  }

  /** An officer or admin files a request on an employee's behalf (they can then not approve it). */
  async create(request: CreateExceptionRequest, actor: ExceptionActor): Promise<ExceptionView> {
    const record = await this.store.transaction(async (tx) => {
      if (!(await tx.agents.findById(request.agentId))) throw notFound('agent', request.agentId);
      const createdBy = actorRecord(actor);
      const record = this.newRecord(request.agentId, request.target, request.justification, request.requestedMinutes, { createdBy });
      await tx.exceptions.insert(record);
      await this.audit.record({ ...whoOf(actor), action: 'exception.create', target: { type: 'exception', id: record.id }, after: auditView(record, this.now()) }, tx);
      return record;
    });
    return this.view(record);
  }

  async list(query: ExceptionQuery): Promise<Page<ExceptionView>> {
    const filter: ExceptionListFilter = { nowMs: this.now(), limit: query.limit + 1 };
    if (query.state !== undefined) filter.state = query.state;
    if (query.agentId !== undefined) filter.agentId = query.agentId;
    if (query.cursor !== undefined) filter.beforeId = decodeCursor(query.cursor);
    const rows = await this.store.exceptions.list(filter);
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    const items: ExceptionView[] = [];
    for (const row of page) items.push(await this.view(row));
    return { items, nextCursor: rows.length > query.limit && last ? Buffer.from(last.id, 'utf8').toString('base64url') : null };
  }

  async get(id: string): Promise<ExceptionView> {
    const record = await this.store.exceptions.findById(id);
    if (!record) throw notFound('exception', id);
    return this.view(record);
  }

  /** Signs the grant (console-wide serial) and pushes it to the agent at once. */
  async approve(id: string, request: ApproveExceptionRequest, actor: ExceptionActor): Promise<ExceptionView> {
    const record = await transactThenAnnounce(this.store, async (tx, after) => {
      const record = await this.pendingFor(tx, id, actor);
      const minutes = request.durationMinutes ?? record.requestedMinutes;
      if (minutes > record.requestedMinutes) {
        throw new ServiceError('invalid_request', 'duration_too_long', `The duration may be shortened, not lengthened (requested: ${record.requestedMinutes} minutes).`, [
          { path: 'durationMinutes', message: `must be at most ${record.requestedMinutes}` },
        ]);
      }
      if (request.readOnly === true && record.target.kind !== 'usb-device') {
        throw new ServiceError('invalid_request', 'invalid_request', 'Only USB exceptions can be read-only.', [{ path: 'readOnly', message: 'only for usb-device requests' }]);
      }
      const nowMs = this.now();
      const serial = await tx.exceptions.allocateSerial();
      const exception: PolicyException = {
        id: record.id,
        agentId: record.agentId,
        serial,
        grantedAt: new Date(nowMs).toISOString(),
        expiresAt: new Date(nowMs + minutes * MINUTE_MS).toISOString(),
        target:
          record.target.kind === 'app'
            ? { kind: 'app', sha256: record.target.sha256 }
            : { kind: 'usb-device', device: record.target.device, action: request.readOnly === true ? 'read-only' : 'allow' },
        reason: record.justification.slice(0, LIMITS.maxText),
        grantedBy: actor.person.username,
      };
      const signed = this.signer.sign(exception);
      const decided: ExceptionRecord = {
        ...record,
        state: 'approved',
        decidedBy: actorRecord(actor),
        decidedAt: exception.grantedAt,
        decisionNote: request.note,
        grantedMinutes: minutes,
        expiresAt: exception.expiresAt,
        serial,
        signed,
      };
      await tx.exceptions.saveDecision(decided);
      await this.audit.record(
        { ...whoOf(actor), action: 'exception.approve', target: { type: 'exception', id }, before: auditView(record, nowMs), after: auditView(decided, nowMs) },
        tx,
      );
      after.push(() => this.events.emit('exception-granted', { agentId: record.agentId, signed }));
      return decided;
    });
    return this.view(record);
  }

  async deny(id: string, reason: string, actor: ExceptionActor): Promise<ExceptionView> {
    const record = await this.store.transaction(async (tx) => {
      const record = await this.pendingFor(tx, id, actor);
      const decided: ExceptionRecord = {
        ...record,
        state: 'denied',
        decidedBy: actorRecord(actor),
        decidedAt: new Date(this.now()).toISOString(),
        decisionNote: reason,
      };
      await tx.exceptions.saveDecision(decided);
      await this.audit.record(
        { ...whoOf(actor), action: 'exception.deny', target: { type: 'exception', id }, before: auditView(record, this.now()), after: auditView(decided, this.now()) },
        tx,
      );
      return decided;
    });
    return this.view(record);
  }

  /** Withdraws an approved exception before it expires, and tells its agent at once. */
  async revoke(id: string, reason: string | undefined, actor: ExceptionActor): Promise<ExceptionView> {
    const record = await transactThenAnnounce(this.store, async (tx, after) => {
      const record = await tx.exceptions.findById(id);
      if (!record) throw notFound('exception', id);
      const nowMs = this.now();
      const state = presentState(record, nowMs);
      if (state !== 'approved' || record.serial === null) {
        throw new ServiceError('conflict', 'not_active', `Only an approved, unexpired exception can be revoked (this one is ${state}).`);
      }
      const revoked: ExceptionRecord = { ...record, state: 'revoked', revokedAt: new Date(nowMs).toISOString() };
      await tx.exceptions.saveDecision(revoked);
      await this.audit.record(
        { ...whoOf(actor), action: 'exception.revoke', target: { type: 'exception', id }, before: auditView(record, nowMs), after: { ...auditView(revoked, nowMs), reason: reason ?? null } },
        tx,
      );
      const serial = record.serial;
      after.push(() => this.events.emit('exception-revoked', { agentId: record.agentId, id, serial }));
      return revoked;
    });
    return this.view(record);
  }

  /** What an agent must hold after (re)connecting: its active grants, and revokes it has not confirmed. */
  async forAgent(agentId: string): Promise<{ grants: ExceptionRecord[]; revokes: ExceptionRecord[] }> {
    const nowMs = this.now();
    const [grants, revokes] = await Promise.all([this.store.exceptions.activeForAgent(agentId, nowMs), this.store.exceptions.unconfirmedRevokesForAgent(agentId, nowMs)]);
    return { grants, revokes };
  }

  /** The agent's answer to a grant or revoke; receipts for exceptions of other agents are ignored. */
  async recordReceipt(agentId: string, receipt: { id: string; status: 'applied' | 'rejected'; action?: 'grant' | 'revoke' | undefined; error?: string | undefined }): Promise<boolean> {
    const record = await this.store.exceptions.findById(receipt.id);
    if (!record || record.agentId !== agentId) return false;
    return this.store.exceptions.recordDelivery(receipt.id, {
      status: receipt.status,
      action: receipt.action ?? 'grant',
      error: receipt.error ?? null,
      at: new Date(this.now()).toISOString(),
    });
  }

  private newRecord(
    agentId: string,
    target: ExceptionRecord['target'],
    justification: string,
    requestedMinutes: number,
    origin: { requestId?: string; requestedBy?: string | null; createdBy?: ExceptionActorRecord },
  ): ExceptionRecord {
    return {
      id: uuidv7(this.now()),
      agentId,
      requestId: origin.requestId ?? null,
      state: 'pending',
      target,
      justification,
      requestedMinutes,
      requestedBy: origin.requestedBy ?? null,
      createdBy: origin.createdBy ?? null,
      requestedAt: new Date(this.now()).toISOString(),
      decidedBy: null,
      decidedAt: null,
      decisionNote: null,
      grantedMinutes: null,
      expiresAt: null,
      revokedAt: null,
      serial: null,
      signed: null,
      delivery: null,
    };
  }

  /** A pending request the actor may decide on. */
  private async pendingFor(tx: StoreRepositories, id: string, actor: ExceptionActor): Promise<ExceptionRecord> {
    const record = await tx.exceptions.findById(id);
    if (!record) throw notFound('exception', id);
    if (record.state !== 'pending') throw new ServiceError('conflict', 'already_decided', `This request was ${record.state} already.`);
    await assertNotOwnRequest(tx, record, actor);
    return record;
  }

  private async view(record: ExceptionRecord): Promise<ExceptionView> {
    const agent = await this.store.agents.findById(record.agentId);
    return {
      id: record.id,
      agentId: record.agentId,
      hostname: agent?.info.hostname ?? '',
      state: presentState(record, this.now()),
      target: record.target,
      justification: record.justification,
      requestedMinutes: record.requestedMinutes,
      requestedBy: record.requestedBy,
      createdBy: record.createdBy,
      requestedAt: record.requestedAt,
      decidedBy: record.decidedBy,
      decidedAt: record.decidedAt,
      decisionNote: record.decisionNote,
      grantedMinutes: record.grantedMinutes,
      expiresAt: record.expiresAt,
      revokedAt: record.revokedAt,
      serial: record.serial,
      delivery: record.delivery,
    };
  }
}
