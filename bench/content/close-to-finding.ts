/**
 * Shared by the watched-folder and removable-media benches (issue 16): a 1 MB customer CSV is
 * written into the channel's folder, and the time from its close to the channel's finding is set
 * against a bare chokidar watcher with the same settle wait, interleaved round by round.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { watch } from 'chokidar';
import { createPiiGenerator } from '../../shared/src/content';

const round = (n: number, digits = 1): number => Number(n.toFixed(digits));
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

/** About 1 MB: header row, then customers with a resident ID and a mobile each. */
export function customerCsv(seed: number): string {
  const pii = createPiiGenerator(seed);
  const rows = ['姓名,身份证号,手机,城市'];
  for (let size = 0, i = 0; size < 1024 * 1024; i++) {
    const row = `客户${i},${pii.residentId()},${pii.mobile()},北京市朝阳区`;
    rows.push(row);
    size += Buffer.byteLength(row) + 1;
  }
  return `${rows.join('\n')}\n`;
}

export interface CloseToFindingRun {
  /** Figure name prefix, e.g. `content.watch.close-to-finding`. */
  name: string;
  rounds: number;
  /** Where the channel under test looks, and a folder only the bare watcher watches. */
  channelDir: string;
  bareDir: string;
  settleMs: number;
  pollMs: number;
  /** Installs the callback the channel calls on its next finding. */
  onNextFinding(callback: () => void): void;
}

/** Runs the rounds and prints one JSON figure line (stdout) and the samples (stderr). */
export async function timeCloseToFinding(run: CloseToFindingRun): Promise<void> {
  const watcher = watch(run.bareDir, { ignoreInitial: true, followSymlinks: false, awaitWriteFinish: { stabilityThreshold: run.settleMs, pollInterval: run.pollMs } });
  await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  const channel: number[] = [];
  const baseline: number[] = [];
  let bytes = 0;
  for (let i = 0; i < run.rounds; i++) {
    const csv = customerCsv(i + 1);
    bytes = Buffer.byteLength(csv);
    const found = new Promise<number>((resolve) => run.onNextFinding(() => resolve(performance.now())));
    let closed = 0;
    await writeFile(path.join(run.channelDir, `customers-${i}.csv`), csv).then(() => (closed = performance.now()));
    channel.push((await found) - closed);
    const added = new Promise<number>((resolve) => watcher.once('add', () => resolve(performance.now())));
    await writeFile(path.join(run.bareDir, `customers-${i}.csv`), csv).then(() => (closed = performance.now()));
    baseline.push((await added) - closed);
  }
  await watcher.close();
  const value = median(channel);
  const base = median(baseline);
  const figure = { name: `${run.name}.${Math.round(bytes / 1024)}KiB-csv`, value: round(value), unit: 'ms', baseline: round(base), ratio: round(value / base, 3) };
  process.stdout.write(`${JSON.stringify(figure)}\n`);
  process.stderr.write(`${run.name}: ${run.rounds} rounds, channel ${channel.map((x) => round(x)).join(' ')} ms, bare watcher ${baseline.map((x) => round(x)).join(' ')} ms\n`);
}
