import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { uuidv7 } from '@dlp/shared';
import { generateSigningKeyPair } from '@dlp/shared/node';
import { createExceptionSigner } from '../signing/exception-signer';
import { openSqliteStore } from '../store/sqlite/sqlite-store';
import type { ConsoleStore } from '../store/store';
import { AuditService } from './audit-service';
import { ConsoleEvents } from './console-events';
import { ExceptionService, type ExceptionActor } from './exception-service';

const OFFICER: ExceptionActor = { id: 'officer-1', username: 'olga', role: 'officer', sourceIp: '127.0.0.1' };

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
    const filed = await service.create({ agentId, target: { kind: 'app', sha256: 'f'.repeat(64), exePath: '/opt/x' }, justification: 'demo', requestedMinutes: 15 }, { ...OFFICER, id: 'admin-1', username: 'admin', role: 'admin' });
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
