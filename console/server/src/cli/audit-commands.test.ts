import { SqliteWorkerDatabase } from '../store/sqlite/sqlite-worker-db';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseCsv } from '../testing/csv-parse';
import { createMemoryLogger } from '../testing/memory-logger';
import { RestClient } from '../testing/rest-client';
import { startTestConsole, type TestConsole } from '../testing/test-console';
import { runCli } from './dlp-commands';

describe('dlp audit-export and audit-verify', () => {
  let t: TestConsole;
  let out: string[];
  let err: string[];
  const io = () => ({ out: (l: string) => void out.push(l), err: (l: string) => void err.push(l), env: {}, logger: createMemoryLogger() });

  beforeEach(async () => {
    t = await startTestConsole();
    out = [];
    err = [];
    // A failed login with a hostile user name, and a few admin actions.
    await new RestClient(t.console.url).login('=HYPERLINK("x"),\n"evil"', 'wrong password');
    await t.admin.json('POST', '/api/v1/users', { username: '张伟', role: 'auditor', password: 'auditor pass phrase 1' });
    await t.admin.json('PUT', '/api/v1/settings', { passwordMaxAgeDays: 90 });
  });
  afterEach(async () => {
    await t.stop();
  });

  it('exports the whole log as UTF-8 CSV with a BOM, escaped, oldest first, refusing to overwrite', async () => {
    const file = path.join(t.dataDir, 'audit.csv');
    expect(await runCli(['audit-export', '--data-dir', t.dataDir, '--out', file], io())).toBe(0);
    const text = readFileSync(file, 'utf8');
    expect(text.startsWith('\uFEFFid,at,actor_kind,')).toBe(true);
    const [header, ...rows] = parseCsv(text.slice(1));
    expect(header).toEqual(['id', 'at', 'actor_kind', 'actor_id', 'actor_username', 'actor_role', 'actor_system', 'action', 'target_type', 'target_id', 'source_ip', 'before', 'after', 'prev_hash', 'hash']);
    // First-start rows come first, then this test's actions in the order they happened.
    expect(rows.map((r) => r[7]).slice(-4)).toEqual(['auth.login', 'auth.login_failed', 'user.create', 'settings.update']);
    expect(rows.map((r) => r[0])).toEqual(rows.map((_, i) => String(i + 1)));
    const failed = rows.find((r) => r[7] === 'auth.login_failed') ?? [];
    // The hostile name survives intact as text, neutralised so a spreadsheet does not run it.
    expect(failed[9]).toBe('\'=HYPERLINK("x"),\n"evil"');
    expect(rows.at(-2)?.[12]).toContain('张伟');
    expect(err.join('\n')).toContain(`exported ${rows.length} audit rows`);

    expect(await runCli(['audit-export', '--data-dir', t.dataDir, '--out', file], io())).toBe(1);
    expect(readFileSync(file, 'utf8')).toBe(text);
  });

  it('writes the CSV to stdout without --out', async () => {
    expect(await runCli(['audit-export', '--data-dir', t.dataDir], io())).toBe(0);
    expect(out[0]?.startsWith('\uFEFFid,')).toBe(true);
    const rows = out.filter((l) => /^\d+,/.test(l));
    expect(rows.at(-1)).toMatch(/,settings\.update,settings,console,/);
  });

  it('exits 0 for an intact chain and 1 naming the first row edited in the database', async () => {
    expect(await runCli(['audit-verify', '--data-dir', t.dataDir], io())).toBe(0);
    const rows = Number(/^audit chain ok: (\d+) rows, head [0-9a-f]{64}$/.exec(out[0] ?? '')?.[1]);
    expect(rows).toBeGreaterThanOrEqual(5);

    // Someone with file access quietly weakens the recorded settings change (the last row).
    const db = await SqliteWorkerDatabase.open(path.join(t.dataDir, 'console.sqlite'));
    await db.exec('DROP TRIGGER audit_log_no_update');
    await db.run(`UPDATE audit_log SET after_json = '{"passwordMaxAgeDays":3650}' WHERE action = 'settings.update'`);
    await db.close();
    out = [];
    expect(await runCli(['audit-verify', '--data-dir', t.dataDir], io())).toBe(1);
    expect(out[0]).toMatch(new RegExp(`^audit chain BROKEN at row ${rows}: `));
    const viaApi = await t.admin.json('GET', '/api/v1/audit/verify');
    expect(viaApi.body).toEqual({ ok: false, firstBrokenId: rows, reason: expect.any(String) });
  });

  it('rejects extra arguments and refuses a data dir without a database', async () => {
    expect(await runCli(['audit-verify', 'extra', '--data-dir', t.dataDir], io())).toBe(2);
    expect(await runCli(['audit-verify', '--data-dir', path.join(t.dataDir, 'nothing-here')], io())).toBe(1);
    expect(err.join('\n')).toMatch(/Usage:[\s\S]*no console database/);
  });
});
