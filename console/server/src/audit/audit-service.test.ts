import { SqliteWorkerDatabase } from '../store/sqlite/sqlite-worker-db';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openSqliteStore } from '../store/sqlite/sqlite-store';
import type { ConsoleStore } from '../store/store';
import { auditRowHash, GENESIS_HASH } from './audit-chain';
import { AuditService } from './audit-service';

const ADMIN = { id: 'u-1', username: 'alice', role: 'admin' } as const;

describe('audit log (real SQLite)', () => {
  let dir: string;
  let dbPath: string;
  let store: ConsoleStore;
  let audit: AuditService;

  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'dlp-audit-'));
    dbPath = path.join(dir, 'console.sqlite');
    store = await openSqliteStore({ path: dbPath });
    audit = new AuditService(store);
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function recordSome(n: number): Promise<void> {
    for (let i = 0; i < n; i++) {
      await audit.record({ actor: ADMIN, action: 'policy.publish', target: { type: 'policy', id: `p-${i}` }, before: { version: i }, after: { version: i + 1 }, sourceIp: '10.0.0.7' });
    }
  }

  it('chains rows from the genesis hash and verifies them', async () => {
    expect(await audit.verify()).toEqual({ ok: true, rows: 0, headHash: GENESIS_HASH });
    await recordSome(3);
    const page = await audit.query({ limit: 10 });
    expect(page.items.map((e) => e.id)).toEqual([3, 2, 1]);
    const [third, second, first] = page.items;
    expect(first?.prevHash).toBe(GENESIS_HASH);
    expect(second?.prevHash).toBe(first?.hash);
    expect(third?.prevHash).toBe(second?.hash);
    expect(first).toMatchObject({ actor: { kind: 'user', ...ADMIN }, action: 'policy.publish', target: { type: 'policy', id: 'p-0' }, before: { version: 0 }, after: { version: 1 }, sourceIp: '10.0.0.7' });
    expect(await audit.verify()).toEqual({ ok: true, rows: 3, headHash: third?.hash });
  });

  it('keeps one unbroken chain when many writers append at once', async () => {
    await Promise.all(
      Array.from({ length: 40 }, (_, i) => audit.record({ actor: { system: `writer-${i}` }, action: 'test.concurrent', target: null, sourceIp: null })),
    );
    const result = await audit.verify();
    expect(result).toMatchObject({ ok: true, rows: 40 });
  });

  it('never stores secrets in before/after', async () => {
    await audit.record({
      actor: ADMIN,
      action: 'user.create',
      target: { type: 'user', id: 'u-2' },
      after: { username: 'bob', password: 'hunter2 hunter2', nested: { apiToken: 'dlp_abc', secretHash: 'f00' }, passwordMaxAgeDays: 90, mustChangePassword: true },
      sourceIp: null,
    });
    const [entry] = (await audit.query({ limit: 1 })).items;
    expect(entry?.after).toEqual({ username: 'bob', password: '[redacted]', nested: { apiToken: '[redacted]', secretHash: '[redacted]' }, passwordMaxAgeDays: 90, mustChangePassword: true });
  });

  it('refuses UPDATE and DELETE on the audit table', async () => {
    await recordSome(2);
    await store.close();
    const db = await SqliteWorkerDatabase.open(dbPath);
    try {
      await expect(db.run("UPDATE audit_log SET action = 'nothing' WHERE id = 1")).rejects.toThrow(/append-only/);
      await expect(db.run('DELETE FROM audit_log WHERE id = 2')).rejects.toThrow(/append-only/);
    } finally {
      await db.close();
    }
    store = await openSqliteStore({ path: dbPath });
    audit = new AuditService(store);
    expect(await audit.verify()).toMatchObject({ ok: true, rows: 2 });
  });

  it('names the first row an attacker with file access edited, even after dropping the trigger', async () => {
    await recordSome(5);
    await store.close();
    const db = await SqliteWorkerDatabase.open(dbPath);
    await db.exec('DROP TRIGGER audit_log_no_update');
    await db.run("UPDATE audit_log SET source_ip = '192.0.2.1' WHERE id = 3");
    await db.close();

    store = await openSqliteStore({ path: dbPath });
    audit = new AuditService(store);
    expect(await audit.verify()).toEqual({ ok: false, firstBrokenId: 3, reason: expect.stringMatching(/hash/) });
  });

  it('detects a row deleted from the middle of the chain', async () => {
    await recordSome(5);
    await store.close();
    const db = await SqliteWorkerDatabase.open(dbPath);
    await db.exec('DROP TRIGGER audit_log_no_delete');
    await db.run('DELETE FROM audit_log WHERE id = 2');
    await db.close();
    store = await openSqliteStore({ path: dbPath });
    audit = new AuditService(store);
    expect(await audit.verify()).toEqual({ ok: false, firstBrokenId: 3, reason: expect.stringMatching(/row 2 is missing/) });
  });

  it('catches a row whose hash was recomputed after the edit at the next link', async () => {
    await recordSome(5);
    const [row3] = await store.audit.listAfter(2, 1);
    if (!row3) throw new Error('row 3 missing');
    const forged = { ...row3, action: 'policy.read' };
    await store.close();
    const db = await SqliteWorkerDatabase.open(dbPath);
    await db.exec('DROP TRIGGER audit_log_no_update');
    await db.run('UPDATE audit_log SET action = ?, hash = ? WHERE id = 3', [forged.action, auditRowHash(forged)]);
    await db.close();
    store = await openSqliteStore({ path: dbPath });
    audit = new AuditService(store);
    expect(await audit.verify()).toEqual({ ok: false, firstBrokenId: 4, reason: expect.stringMatching(/prev_hash/) });
  });

  it('keeps one chain when two connections (console and CLI) append to the same file', async () => {
    const other = await openSqliteStore({ path: dbPath });
    try {
      const second = new AuditService(other);
      await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          (i % 2 === 0 ? audit : second).record({ actor: { system: i % 2 === 0 ? 'console' : 'cli' }, action: 'test.two_writers', target: null, sourceIp: null }),
        ),
      );
    } finally {
      await other.close();
    }
    expect(await audit.verify()).toMatchObject({ ok: true, rows: 30 });
  });

  it('filters by time, actor, action (exact or prefix) and target, with cursor pages', async () => {
    await audit.record({ actor: ADMIN, action: 'user.create', target: { type: 'user', id: 'u-9' }, sourceIp: null });
    await audit.record({ actor: { system: 'cli' }, action: 'user.password_reset', target: { type: 'user', id: 'u-9' }, sourceIp: null });
    await audit.record({ actor: ADMIN, action: 'settings.update', target: { type: 'settings', id: 'console' }, sourceIp: null });
    expect((await audit.query({ action: 'user.', limit: 10 })).items.map((e) => e.action)).toEqual(['user.password_reset', 'user.create']);
    expect((await audit.query({ action: 'user.create', limit: 10 })).items).toHaveLength(1);
    expect((await audit.query({ actor: 'cli', limit: 10 })).items.map((e) => e.actor)).toEqual([{ kind: 'system', system: 'cli' }]);
    expect((await audit.query({ targetType: 'user', targetId: 'u-9', limit: 10 })).items).toHaveLength(2);
    expect((await audit.query({ to: '2000-01-01T00:00:00Z', limit: 10 })).items).toEqual([]);
    expect((await audit.query({ from: '2000-01-01T00:00:00+08:00', limit: 10 })).items).toHaveLength(3);

    const first = await audit.query({ limit: 2 });
    expect(first.items.map((e) => e.id)).toEqual([3, 2]);
    expect(first.nextCursor).not.toBeNull();
    const second = await audit.query({ limit: 2, cursor: first.nextCursor ?? '' });
    expect(second).toMatchObject({ items: [{ id: 1 }], nextCursor: null });
  });
});
