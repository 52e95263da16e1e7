import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { uuidv7 } from '@dlp/shared';
import { generateSigningKeyPair } from '@dlp/shared/node';
import { createExceptionSigner } from '../signing/exception-signer';
import { openSqliteStore } from '../store/sqlite/sqlite-store';
import type { ConsoleStore } from '../store/store';
import { AuditService } from '../audit/audit-service';
import { ConsoleEvents } from '../service-kit/console-events';
import { ExceptionService, type ExceptionActor } from './exception-service';

const OFFICER: ExceptionActor = { id: 'officer-1', username: 'olga', role: 'officer', sourceIp: '127.0.0.1', person: { id: 'officer-1', username: 'olga' }, via: 'session' };
const ADMIN: ExceptionActor = { id: 'admin-1', username: 'admin', role: 'admin', sourceIp: '127.0.0.1', person: { id: 'admin-1', username: 'admin' }, via: 'session' };

describe('exception expiry', () => {
  let dir: string;
  let store: ConsoleStore;
  let nowMs: number;
  let service: ExceptionService;
  const agentId = uuidv7();

  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'dlp-exceptions-'));
    store = await openSqliteStore({ path: path.join(dir, 'console.sqlite'), synchronous: 'NORMAL' });
    await store.groups.insert({ id: 'default', name: 'default', policyId: null, builtIn: true, createdAt: new Date().toISOString() });
    await store.agents.insert({ id: agentId, tokenHash: 'x', groupId: 'default', info: { hostname: 'ws-9', os: 'linux', osVersion: '12', agentVersion: '0.1.0', user: 'alice' }, enrolledAt: new Date().toISOString(), enrollSecretId: 's' });
    nowMs = Date.parse('2026-03-01T09:00:00Z');
    service = new ExceptionService(store, createExceptionSigner(generateSigningKeyPair()), new AuditService(store), new ConsoleEvents(() => undefined), () => nowMs);
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows an approved exception as expired once its time is over, and stops re-sending it', async () => {
    const filed = await service.create({ agentId, target: { kind: 'app', sha256: 'f'.repeat(64), exePath: '/opt/x' }, justification: 'demo', requestedMinutes: 15 }, ADMIN);
    const approved = await service.approve(filed.id, { note: 'ok' }, OFFICER);
    expect(approved).toMatchObject({ state: 'approved', expiresAt: '2026-03-01T09:15:00.000Z' });
    expect((await service.forAgent(agentId)).grants).toHaveLength(1);

    nowMs = Date.parse('2026-03-01T09:15:00Z');
    expect(await service.get(filed.id)).toMatchObject({ state: 'expired' });
    expect((await service.forAgent(agentId)).grants).toEqual([]);
    expect((await service.list({ state: 'expired', limit: 10 })).items.map((e) => e.id)).toEqual([filed.id]);
    expect((await service.list({ state: 'approved', limit: 10 })).items).toEqual([]);
    await expect(service.revoke(filed.id, undefined, OFFICER)).rejects.toMatchObject({ code: 'not_active' });
  });
});

describe('own requests by person, whatever the credential', () => {
  let dir: string;
  let store: ConsoleStore;
  let service: ExceptionService;
  const agentId = uuidv7();
  const target = { kind: 'app' as const, sha256: 'a'.repeat(64), exePath: '/opt/tool' };

  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'dlp-own-requests-'));
    store = await openSqliteStore({ path: path.join(dir, 'console.sqlite'), synchronous: 'NORMAL' });
    await store.groups.insert({ id: 'default', name: 'default', policyId: null, builtIn: true, createdAt: new Date().toISOString() });
    await store.agents.insert({ id: agentId, tokenHash: 'y', groupId: 'default', info: { hostname: 'ws-7', os: 'linux', osVersion: '12', agentVersion: '0.1.0', user: null }, enrolledAt: new Date().toISOString(), enrollSecretId: 's' });
    for (const [id, username, role] of [['admin-1', 'admin', 'admin'], ['officer-1', 'olga', 'officer']] as const) {
      await store.users.insert({ id, username, role, passwordHash: 'x', createdAt: new Date().toISOString(), disabled: false, mustChangePassword: false });
    }
    service = new ExceptionService(store, createExceptionSigner(generateSigningKeyPair()), new AuditService(store), new ConsoleEvents(() => undefined));
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('treats a request filed with an API token before persons were recorded as its owner’s (legacy rows name the token)', async () => {
    const tokenId = uuidv7();
    await store.apiTokens.insert({ id: tokenId, name: 'ci', role: 'admin', scope: 'api', tokenHash: 'h'.repeat(64), createdBy: 'admin-1', createdAt: new Date().toISOString(), expiresAtMs: null, revokedAt: null, lastUsedAt: null });
    const filed = await service.create({ agentId, target, justification: 'legacy', requestedMinutes: 10 }, ADMIN);
    // What a row written by the old code holds: the token as the filer, no `via`.
    const db = new Database(path.join(dir, 'console.sqlite'));
    try {
      db.prepare('UPDATE exceptions SET created_by_json = ? WHERE id = ?').run(JSON.stringify({ id: tokenId, username: 'token:ci', role: 'admin' }), filed.id);
    } finally {
      db.close();
    }
    expect((await service.get(filed.id)).createdBy).toEqual({ id: tokenId, username: 'token:ci', role: 'admin' });
    await expect(service.approve(filed.id, { note: 'mine' }, ADMIN)).rejects.toMatchObject({ code: 'own_request' });
    const approved = await service.approve(filed.id, { note: 'ok' }, OFFICER);
    expect(approved.decidedBy).toEqual({ id: 'officer-1', username: 'olga', role: 'officer', via: 'session' });
  });

  it('records the person and the token of a token decision, and the signed grant names the person', async () => {
    const filed = await service.create({ agentId, target, justification: 'x', requestedMinutes: 10 }, ADMIN);
    const viaToken: ExceptionActor = { id: 'token-9', username: 'token:soc bot', role: 'officer', sourceIp: null, person: { id: 'officer-1', username: 'olga' }, via: 'api-token' };
    const approved = await service.approve(filed.id, { note: 'ok' }, viaToken);
    expect(approved.decidedBy).toEqual({ id: 'officer-1', username: 'olga', role: 'officer', via: 'api-token', tokenId: 'token-9', tokenName: 'soc bot' });
    expect((await store.exceptions.findById(filed.id))?.signed?.exception.grantedBy).toBe('olga');
    const row = (await store.audit.listAfter(0, 100)).find((r) => r.action === 'exception.approve');
    expect(row).toMatchObject({ actorId: 'token-9', actorUsername: 'token:soc bot' });
    expect(JSON.parse(row?.afterJson ?? '{}')).toMatchObject({ decidedBy: { id: 'officer-1', username: 'olga', via: 'api-token', tokenId: 'token-9' } });
  });
});
