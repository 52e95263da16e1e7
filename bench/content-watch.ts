/**
 * Watched-folder channel benchmark (issue 16, not a test): time from a 1 MB customer CSV's close in
 * a watched folder to its finding, with the agent's default tuning (a file must keep its size for
 * 2 s before it is scanned). Baseline, in the same run and interleaved: a bare chokidar watcher with
 * the same write-finish wait, from the same close to its `add` event, i.e. what watching alone
 * costs; the difference is the scan, the hash and the verdict.
 *   node dist/bench/content-watch.js [rounds]
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { watch } from 'chokidar';
import { createPiiGenerator } from '../shared/src/content';
import { silentLogger } from '../agent/service/src/enforce/logger';
import { DEFAULT_WATCHED_FOLDER_TUNING, WatchedFolderControl } from '../agent/service/src/enforce/content/watched-folder-control';
import type { ContentFinding } from '../agent/service/src/enforce/content/watched-file-scan';

const rounds = Number(process.argv[2] ?? 5);
const round = (n: number, digits = 1): number => Number(n.toFixed(digits));
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

/** About 1 MB: header row, then customers with a resident ID and a mobile each. */
function customerCsv(seed: number): string {
  const pii = createPiiGenerator(seed);
  const rows = ['姓名,身份证号,手机,城市'];
  let size = 0;
  for (let i = 0; size < 1024 * 1024; i++) {
    const row = `客户${i},${pii.residentId()},${pii.mobile()},北京市朝阳区`;
    rows.push(row);
    size += Buffer.byteLength(row) + 1;
  }
  return `${rows.join('\n')}\n`;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'dlp-bench-content-watch-'));
  const watched = path.join(dir, 'outbound');
  const bare = path.join(dir, 'bare');
  mkdirSync(watched);
  mkdirSync(bare);
  let onFinding: (finding: ContentFinding) => void = () => undefined;
  const control = new WatchedFolderControl({ quarantineDir: path.join(dir, 'quarantine'), excluded: [], report: (f) => onFinding(f), notice: () => undefined, log: silentLogger });
  await control.apply({ settings: { serial: 1, mode: 'monitor', detectors: ['cn-resident-id', 'cn-mobile'], minDistinct: 10, action: 'report' }, watchedPaths: [watched] });
  await control.start();
  const { stabilityMs, pollMs } = DEFAULT_WATCHED_FOLDER_TUNING;
  const watcher = watch(bare, { ignoreInitial: true, followSymlinks: false, awaitWriteFinish: { stabilityThreshold: stabilityMs, pollInterval: pollMs } });
  await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));

  const channel: number[] = [];
  const baseline: number[] = [];
  let bytes = 0;
  for (let i = 0; i < rounds; i++) {
    const csv = customerCsv(i + 1);
    bytes = Buffer.byteLength(csv);
    const found = new Promise<number>((resolve) => (onFinding = () => resolve(performance.now())));
    let closed = 0;
    await writeFile(path.join(watched, `customers-${i}.csv`), csv).then(() => (closed = performance.now()));
    channel.push((await found) - closed);
    const added = new Promise<number>((resolve) => watcher.once('add', () => resolve(performance.now())));
    await writeFile(path.join(bare, `customers-${i}.csv`), csv).then(() => (closed = performance.now()));
    baseline.push((await added) - closed);
  }
  await watcher.close();
  await control.stop();
  rmSync(dir, { recursive: true, force: true });
  const value = median(channel);
  const base = median(baseline);
  const figure = { name: `content.watch.close-to-finding.${Math.round(bytes / 1024)}KiB-csv`, value: round(value), unit: 'ms', baseline: round(base), ratio: round(value / base, 3) };
  process.stdout.write(`${JSON.stringify(figure)}\n`);
  process.stderr.write(`content-watch: ${rounds} rounds, channel ${channel.map((x) => round(x)).join(' ')} ms, bare watcher ${baseline.map((x) => round(x)).join(' ')} ms\n`);
}

void main();
