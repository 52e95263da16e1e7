import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { migrate, SqliteDatabase } from '@dlp/shared/node';
import { criteriaOf, versionToKeep, WATCHED_FILE_SCANS_MIGRATION, WatchedScanRecords } from './watched-scan-records';

describe('watched-folder scan records (real SQLite)', () => {
  let dir: string;
  let db: SqliteDatabase;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'dlp-scan-records-'));
    db = await SqliteDatabase.open(path.join(dir, 'agent.sqlite'));
    await migrate(db, [{ id: 1, ...WATCHED_FILE_SCANS_MIGRATION }]);
  });
  afterEach(async () => {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps at most maxRecords rows, dropping the oldest scans', async () => {
    const records = new WatchedScanRecords(db, 3);
    for (let i = 0; i < 5; i++) await records.put(`/w/f${i}`, { version: `v${i}`, criteria: 'c' }, 1000 + i);
    expect(await records.trim()).toBe(2);
    expect([...(await records.folder('/w')).keys()].sort()).toEqual(['f2', 'f3', 'f4']);
  });

  it('forgets gone names of a folder, and folders a complete look did not visit', async () => {
    const records = new WatchedScanRecords(db, 100);
    for (const file of ['/w/a', '/w/b', '/w/sub/c', '/old/d']) await records.put(file, { version: 'v', criteria: 'c', reported: 'f'.repeat(64) });
    await records.forgetNames('/w', ['b']);
    expect(await records.get('/w/b')).toBeUndefined();
    expect(await records.get('/w/a')).toEqual({ version: 'v', criteria: 'c', reported: 'f'.repeat(64) });
    expect(await records.keepOnlyFolders(new Set(['/w', '/w/sub']))).toBe(1);
    expect(await records.count()).toBe(2);
  });

  it('trusts a version only when the file was last changed well before the scan began', () => {
    const ms = 1_700_000_000_000;
    const ns = (at: number): bigint => BigInt(at) * 1_000_000n;
    expect(versionToKeep('v', ns(ms - 5000), ms, 2000)).toBe('v');
    expect(versionToKeep('v', ns(ms - 1000), ms, 2000)).toBe('unsettled:v');
    // A ctime in the future (clock set back) is not trusted either.
    expect(versionToKeep('v', ns(ms + 60_000), ms, 2000)).toBe('unsettled:v');
  });

  it('compares criteria whatever the order of the detectors', () => {
    const base = { minDistinct: 10, mode: 'monitor', action: 'report' } as const;
    expect(criteriaOf({ ...base, detectors: ['bank-card', 'cn-resident-id'] })).toBe(criteriaOf({ ...base, detectors: ['cn-resident-id', 'bank-card'] }));
    expect(criteriaOf({ ...base, detectors: ['bank-card'] })).not.toBe(criteriaOf({ ...base, detectors: ['bank-card'], minDistinct: 20 }));
  });
});
