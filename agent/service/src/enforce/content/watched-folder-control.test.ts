import { createHash } from 'node:crypto';
import { mkdir, open, readdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { migrate, SqliteDatabase } from '@dlp/shared/node';
import { customerCsv, encryptedXlsxBytes, residentIds, writeCustomerCsv, writeSlowly } from '../../testing/content-fixtures';
import { makeTempDir, waitFor } from '../../testing/fixtures';
import { recordingLogger, type RecordedLine } from '../../testing/recording-logger';
import type { ContentSettings } from './content-verdict';
import type { ContentFinding } from './watched-file-scan';
import { WatchedFolderControl, type WatchedFolderNotice, type WatchedFolderTuning } from './watched-folder-control';
import { WATCHED_FILE_SCANS_MIGRATION, WatchedScanRecords } from './watched-scan-records';

const STABILITY_MS = 300;
const fast: Partial<WatchedFolderTuning> = { stabilityMs: STABILITY_MS, pollMs: 50 };
const settings = (overrides: Partial<ContentSettings> = {}): ContentSettings => ({ serial: 3, mode: 'monitor', detectors: ['cn-resident-id', 'bank-card'], minDistinct: 10, action: 'report', ...overrides });

describe('watched-folder channel (real files, chokidar)', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let findings: ContentFinding[];
  let notices: WatchedFolderNotice[];
  let lines: RecordedLine[];
  let control: WatchedFolderControl | null;
  let db: SqliteDatabase;

  beforeEach(async () => {
    ({ dir, cleanup } = await makeTempDir('content-watch'));
    findings = [];
    notices = [];
    lines = [];
    control = null;
    await mkdir(path.join(dir, 'data'));
    // The table as the agent's database has it (core/agent-db.ts runs the same migration).
    db = await SqliteDatabase.open(path.join(dir, 'data', 'agent.sqlite'));
    await migrate(db, [{ id: 1, ...WATCHED_FILE_SCANS_MIGRATION }]);
  });
  afterEach(async () => {
    await control?.stop();
    await db.close();
    await cleanup();
  });

  async function startWatching(folders: string[], overrides: Partial<ContentSettings> = {}, tuning: Partial<WatchedFolderTuning> = fast, create = true): Promise<WatchedFolderControl> {
    if (create) for (const folder of folders) if (!folder.includes('*')) await mkdir(folder, { recursive: true });
    const started = new WatchedFolderControl({
      quarantineDir: path.join(dir, 'data', 'quarantine'),
      excluded: [path.join(dir, 'data')],
      records: new WatchedScanRecords(db, 10_000),
      report: (finding) => void findings.push(finding),
      notice: (notice) => notices.push(notice),
      log: recordingLogger(lines),
      tuning,
    });
    await started.apply({ settings: settings(overrides), watchedPaths: folders });
    await started.start();
    control = started;
    return started;
  }

  /** Long enough for any file written before it to have been noticed, settled and scanned. */
  async function settled(): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, STABILITY_MS * 3));
    await control?.idle();
  }

  it('reports a CSV of 20 resident IDs once: counts, hash, redacted samples, and no raw ID anywhere', async () => {
    const outbound = path.join(dir, 'outbound');
    await startWatching([outbound]);
    const ids = residentIds(20);
    const file = path.join(outbound, '客户名单.csv');
    await writeCustomerCsv(file, ids);
    await waitFor(() => findings.length === 1, 'the finding');
    await settled();

    expect(findings).toHaveLength(1);
    const [finding] = findings;
    expect(finding).toMatchObject({ path: file, verdict: 'bulk', matches: { 'cn-resident-id': 20 }, outcome: 'reported', policySerial: 3, mode: 'monitor' });
    expect(finding?.sha256).toBe(createHash('sha256').update(customerCsv(ids)).digest('hex'));
    expect(finding?.samples).toHaveLength(5);
    for (const sample of finding?.samples ?? []) expect(sample).toMatch(/^\d{6}\*{8}[\dX]{4}$/);
    const everything = JSON.stringify({ findings, notices, lines });
    for (const id of ids) expect(everything).not.toContain(id);
  });

  it('reports nothing for a file below the threshold', async () => {
    const outbound = path.join(dir, 'outbound');
    await startWatching([outbound]);
    await writeCustomerCsv(path.join(outbound, 'few.csv'), residentIds(9));
    await writeCustomerCsv(path.join(outbound, 'many.csv'), residentIds(10, 99));
    await waitFor(() => findings.length === 1, 'the finding for the file at the threshold');
    await settled();
    expect(findings.map((f) => path.basename(f.path))).toEqual(['many.csv']);
  });

  it('scans a slowly written file once, when it is finished', async () => {
    const outbound = path.join(dir, 'outbound');
    await startWatching([outbound]);
    const ids = residentIds(20);
    // A line every 60 ms for ~1.3 s: far longer than the 300 ms a file must stay the same size.
    await writeSlowly(path.join(outbound, 'download.csv'), ids, 60);
    await waitFor(() => findings.length === 1, 'the finding');
    await settled();
    expect(findings).toHaveLength(1);
    expect(findings[0]?.matches).toEqual({ 'cn-resident-id': 20 });
    expect(findings[0]?.sha256).toBe(createHash('sha256').update(customerCsv(ids)).digest('hex'));
  });

  it('quarantines in enforce mode: the original path is gone, the file and its sidecar are 0600 in a 0700 folder', async () => {
    const outbound = path.join(dir, 'outbound');
    await startWatching([outbound], { mode: 'enforce', action: 'quarantine' });
    const ids = residentIds(20);
    const file = path.join(outbound, 'export.csv');
    await writeCustomerCsv(file, ids);
    const finding = await waitFor(() => findings[0], 'the finding');

    expect(finding).toMatchObject({ outcome: 'quarantined', quarantine: { name: expect.stringMatching(/^\d{8}T\d{6}Z-[0-9a-f]{8}-export\.csv$/) } });
    await expect(stat(file)).rejects.toMatchObject({ code: 'ENOENT' });
    const quarantine = path.join(dir, 'data', 'quarantine');
    expect((await stat(quarantine)).mode & 0o777).toBe(0o700);
    const name = 'name' in (finding.quarantine ?? {}) ? (finding.quarantine as { name: string }).name : '';
    expect((await readdir(quarantine)).sort()).toEqual([name, `${name}.json`]);
    expect(await readFile(path.join(quarantine, name), 'utf8')).toBe(customerCsv(ids));
    expect((await stat(path.join(quarantine, name))).mode & 0o777).toBe(0o600);
    const sidecar = await readFile(path.join(quarantine, `${name}.json`), 'utf8');
    expect(JSON.parse(sidecar)).toMatchObject({ originalPath: file, sha256: finding.sha256, matches: { 'cn-resident-id': 20 }, policySerial: 3, otherLinks: 0 });
    for (const id of ids) expect(sidecar).not.toContain(id);
  });

  it('reports but does not move in monitor mode, whatever the action', async () => {
    const outbound = path.join(dir, 'outbound');
    await startWatching([outbound], { mode: 'monitor', action: 'quarantine' });
    const file = path.join(outbound, 'export.csv');
    await writeCustomerCsv(file, residentIds(20));
    await waitFor(() => findings.length === 1, 'the finding');
    expect(findings[0]?.outcome).toBe('reported');
    expect((await stat(file)).isFile()).toBe(true);
  });

  it('stops watching a folder the policy no longer names, and watches the new one', async () => {
    const before = path.join(dir, 'before');
    const after = path.join(dir, 'after');
    const watching = await startWatching([before]);
    await mkdir(after);
    await watching.apply({ settings: settings({ serial: 4 }), watchedPaths: [after] });
    await writeCustomerCsv(path.join(before, 'old.csv'), residentIds(20));
    await writeCustomerCsv(path.join(after, 'new.csv'), residentIds(20, 8));
    await waitFor(() => findings.length === 1, 'the finding in the new folder');
    await settled();
    expect(findings.map((f) => [path.basename(f.path), f.policySerial])).toEqual([['new.csv', 4]]);
    expect(watching.status().watching).toEqual([after]);

    await watching.apply(null);
    expect(watching.status().watching).toEqual([]);
  });

  it('watches every folder a `*` pattern names, and nothing beside them', async () => {
    await mkdir(path.join(dir, 'home', 'alice', 'Sync'), { recursive: true });
    await mkdir(path.join(dir, 'home', 'alice', 'Documents'), { recursive: true });
    await startWatching([path.join(dir, 'home', '*', 'Sync')]);
    // A user who appears after watching started is covered too.
    await mkdir(path.join(dir, 'home', 'bob', 'Sync', 'deep'), { recursive: true });
    await new Promise((resolve) => setTimeout(resolve, 200));
    await writeCustomerCsv(path.join(dir, 'home', 'alice', 'Documents', 'private.csv'), residentIds(20));
    await writeCustomerCsv(path.join(dir, 'home', 'alice', 'Sync', 'a.csv'), residentIds(20, 2));
    await writeCustomerCsv(path.join(dir, 'home', 'bob', 'Sync', 'deep', 'b.csv'), residentIds(20, 3));
    await waitFor(() => findings.length === 2, 'both Sync findings');
    await settled();
    expect(findings.map((f) => path.relative(dir, f.path)).sort()).toEqual(['home/alice/Sync/a.csv', 'home/bob/Sync/deep/b.csv']);
  });

  it('picks up a watched folder created after watching started, and refuses `**` with a notice', async () => {
    const later = path.join(dir, 'later');
    const watching = await startWatching([later, path.join(dir, '**', 'x')], {}, fast, false);
    expect(notices).toEqual([expect.objectContaining({ severity: 'medium', details: { pattern: path.join(dir, '**', 'x') } })]);
    expect(watching.status()).toMatchObject({ watching: [later], refused: [{ pattern: path.join(dir, '**', 'x') }] });
    // chokidar puts its watch on the parent of a missing folder a moment after `ready`.
    await new Promise((resolve) => setTimeout(resolve, 300));
    await mkdir(later);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await writeCustomerCsv(path.join(later, 'a.csv'), residentIds(20));
    await waitFor(() => findings.length === 1, 'the finding in the folder created later');
  });

  it('ignores symlinks (to files outside the folder too) and reports an encrypted file as such', async () => {
    const outbound = path.join(dir, 'outbound');
    await startWatching([outbound]);
    const outside = path.join(dir, 'outside.csv');
    await writeCustomerCsv(outside, residentIds(20));
    await symlink(outside, path.join(outbound, 'link.csv'));
    await writeFile(path.join(outbound, 'secret.xlsx'), encryptedXlsxBytes());
    await waitFor(() => findings.length === 1, 'the encrypted file');
    await settled();
    expect(findings).toEqual([expect.objectContaining({ path: path.join(outbound, 'secret.xlsx'), verdict: 'unreadable', unreadable: 'encrypted', matches: {}, samples: [], outcome: 'reported' })]);
  });

  it('reports a 200 MB file as too large after reading the first 100 MiB, in bounded memory', async () => {
    const outbound = path.join(dir, 'outbound');
    await startWatching([outbound]);
    const file = path.join(outbound, 'dump.csv');
    const line = Buffer.from('order-000001,2026-03-05,widget,42.00,shipped\n');
    const block = Buffer.concat(Array.from({ length: Math.ceil((1024 * 1024) / line.length) }, () => line));
    const handle = await open(file, 'w');
    for (let written = 0; written < 200 * 1024 * 1024; written += block.length) await handle.write(block);
    await handle.close();
    const before = process.memoryUsage();
    const peak = { rss: 0, heap: 0 };
    const sampler = setInterval(() => {
      const now = process.memoryUsage();
      peak.rss = Math.max(peak.rss, now.rss - before.rss);
      peak.heap = Math.max(peak.heap, now.heapUsed - before.heapUsed);
    }, 20);
    try {
      await waitFor(() => findings.length === 1, 'the finding', 60_000);
    } finally {
      clearInterval(sampler);
    }
    expect(findings[0]).toMatchObject({ verdict: 'unreadable', unreadable: 'limit-exceeded:max-bytes', matches: {} });
    expect(findings[0]?.size).toBeGreaterThanOrEqual(200 * 1024 * 1024);
    // Read and hashed 1 MiB at a time. Spent chunks wait for the GC (rss ~75 MiB here), but holding
    // the file, or the 100 MiB read of it, would pass both bounds (a string of it is on the heap).
    expect(peak.heap).toBeLessThan(64 * 1024 * 1024);
    expect(peak.rss).toBeLessThan(150 * 1024 * 1024);
  }, 90_000);
});
