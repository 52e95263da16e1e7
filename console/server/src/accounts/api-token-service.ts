import { uuidv7, type ApiTokenCreated, type ApiTokenSummary, type CreateApiTokenRequest } from '@dlp/shared';
import { newSecretToken, sha256Hex } from '../auth/secret-token';
import type { ApiTokenRecord } from '../store/access-store';
import type { ConsoleStore } from '../store/store';
import { transactThenAnnounce } from '../service-kit/after-commit';
import type { AuditEntryInput, AuditService } from '../audit/audit-service';
import type { ConsoleEvents } from '../service-kit/console-events';
import { API_TOKEN_PREFIX } from './auth-service';
import { notFound } from '../service-kit/service-error';

const DAY_MS = 24 * 60 * 60 * 1000;

function toSummary(token: ApiTokenRecord): ApiTokenSummary {
  return {
    id: token.id,
    name: token.name,
    role: token.role,
    scope: token.scope,
    createdBy: token.createdBy,
    createdAt: token.createdAt,
    expiresAt: token.expiresAtMs === null ? null : new Date(token.expiresAtMs).toISOString(),
    revokedAt: token.revokedAt,
    lastUsedAt: token.lastUsedAt,
  };
}

/** API tokens for automation: created by admins for one role, shown once, stored hashed, revocable. */
export class ApiTokenService {
  constructor(
    private readonly store: ConsoleStore,
    private readonly audit: AuditService,
    /** Where revocations are announced (the token's live streams close on every node). */
    private readonly events?: ConsoleEvents,
  ) {}

  /** `creatorId` is the admin's user id (tokens cannot mint tokens: the route requires a session). */
  async create(input: CreateApiTokenRequest, creatorId: string, context: Pick<AuditEntryInput, 'actor' | 'sourceIp'>): Promise<ApiTokenCreated> {
    const token = `${API_TOKEN_PREFIX}${newSecretToken()}`;
    const now = Date.now();
    const record: ApiTokenRecord = {
      id: uuidv7(),
      name: input.name,
      role: input.role,
      scope: input.scope,
      tokenHash: sha256Hex(token),
      createdBy: creatorId,
      createdAt: new Date(now).toISOString(),
      expiresAtMs: input.expiresInDays === undefined ? null : now + input.expiresInDays * DAY_MS,
      revokedAt: null,
      lastUsedAt: null,
    };
    const summary = toSummary(record);
    await this.store.transaction(async (tx) => {
      await tx.apiTokens.insert(record);
      await this.audit.record({ ...context, action: 'api_token.create', target: { type: 'api_token', id: record.id }, after: summary }, tx);
    });
    return { token, apiToken: summary };
  }

  async list(): Promise<ApiTokenSummary[]> {
    return (await this.store.apiTokens.list()).map(toSummary);
  }

  /** Revokes at once (the next request with it gets 401, its live streams close). Revoking twice is not an error. */
  async revoke(id: string, context: Pick<AuditEntryInput, 'actor' | 'sourceIp'>): Promise<void> {
    await transactThenAnnounce(this.store, async (tx, after) => {
      const token = await tx.apiTokens.findById(id);
      if (!token) throw notFound('API token', id);
      // Announced even when it was revoked already: a stream that outlived an earlier announcement closes too.
      after.push(() => this.events?.emit('principal-revoked', { scope: 'token', tokenId: id, reason: 'token-revoked' }));
      if (!(await tx.apiTokens.revoke(id, new Date().toISOString()))) return;
      await this.audit.record({ ...context, action: 'api_token.revoke', target: { type: 'api_token', id }, before: toSummary(token) }, tx);
    });
  }
}
