/**
 * Watched-folder channel benchmark (issue 16, not a test): time from a 1 MB customer CSV's close in
 * a watched folder to its finding, with the agent's default tuning (a file must keep its size for
 * 2 s before it is scanned). Baseline, in the same run and interleaved: a bare chokidar watcher with
 * the same write-finish wait, from the same close to its `add` event, i.e. what watching alone
 * costs; the difference is the scan, the hash and the verdict.
 *   node dist/bench/content-watch.js [rounds]
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { timeCloseToFinding } from './content/close-to-finding';
import { silentLogger } from '../agent/service/src/enforce/logger';
import { DEFAULT_WATCHED_FOLDER_TUNING, WatchedFolderControl } from '../agent/service/src/enforce/content/watched-folder-control';
import type { ContentFinding } from '../agent/service/src/enforce/content/watched-file-scan';
import { WATCHED_FILE_SCANS_MIGRATION, WatchedScanRecords } from '../agent/service/src/enforce/content/watched-scan-records';
import { migrate, SqliteDatabase } from '@dlp/shared/node';

const rounds = Number(process.argv[2] ?? 5);

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'dlp-bench-content-watch-'));
  const watched = path.join(dir, 'outbound');
  const bare = path.join(dir, 'bare');
  mkdirSync(watched);
  mkdirSync(bare);
  let onFinding: (finding: ContentFinding) => void = () => undefined;
  const db = await SqliteDatabase.open(path.join(dir, 'agent.sqlite'), { synchronous: 'NORMAL' });
  await migrate(db, [{ id: 1, ...WATCHED_FILE_SCANS_MIGRATION }]);
  const control = new WatchedFolderControl({ quarantineDir: path.join(dir, 'quarantine'), excluded: [], records: new WatchedScanRecords(db, 100_000), report: (f) => onFinding(f), notice: () => undefined, log: silentLogger });
  await control.apply({ settings: { serial: 1, mode: 'monitor', detectors: ['cn-resident-id', 'cn-mobile'], minDistinct: 10, action: 'report' }, watchedPaths: [watched] });
  await control.start();
  const { stabilityMs, pollMs } = DEFAULT_WATCHED_FOLDER_TUNING;
  await timeCloseToFinding({ name: 'content.watch.close-to-finding', rounds, channelDir: watched, bareDir: bare, settleMs: stabilityMs, pollMs, onNextFinding: (callback) => (onFinding = callback) });
  await control.stop();
  await db.close();
  rmSync(dir, { recursive: true, force: true });
}

void main();
