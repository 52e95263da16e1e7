/**
 * Watched folders, files already there at start (issue 16, not a test): the channel's first look at
 * a folder of N small files (walk, stat, scan, verdict, record in the agent's database), against
 * reading the same files (walk + readFile) in the same run; then the look after a restart, when
 * nothing changed (walk, stat, compare with the records), against the first look and against a
 * bare walk + lstat of the same tree. Wall time and process CPU (user + system) for each.
 *   node dist/bench/content-present-files.js [files]
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { lstat, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createPiiGenerator } from '@dlp/shared';
import { scanFile } from '@dlp/shared/node';
import { openAgentDatabase } from '../agent/service/src/core/agent-db';
import { silentLogger } from '../agent/service/src/enforce/logger';
import { WatchedFolderControl } from '../agent/service/src/enforce/content/watched-folder-control';
import { DEFAULT_MAX_SCAN_RECORDS, WatchedScanRecords } from '../agent/service/src/enforce/content/watched-scan-records';

const files = Number(process.argv[2] ?? 10_000);
const PER_FOLDER = 200;

interface Cost {
  ms: number;
  cpuMs: number;
}

async function measure(run: () => Promise<void>): Promise<Cost> {
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  await run();
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const used = process.cpuUsage(cpu);
  return { ms, cpuMs: (used.user + used.system) / 1000 };
}

/** Every regular file below `dir`, one directory at a time, as the channel walks. */
async function walk(dir: string, visit: (file: string) => Promise<void>): Promise<void> {
  const stack = [dir];
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    for (const entry of await readdir(next, { withFileTypes: true })) {
      const full = path.join(next, entry.name);
      if (entry.isDirectory()) stack.push(full);
      else if (entry.isFile()) await visit(full);
    }
  }
}

/** N files of about 1.5 KB: order lines, and one file in a hundred a customer list of 20 resident IDs. */
function makeTree(root: string): void {
  const pii = createPiiGenerator(5);
  for (let i = 0; i < files; i++) {
    const folder = path.join(root, `d${Math.floor(i / PER_FOLDER)}`);
    if (i % PER_FOLDER === 0) mkdirSync(folder, { recursive: true });
    const lines = i % 100 === 0 ? ['姓名,身份证号', ...Array.from({ length: 20 }, (_, n) => `客户${n},${pii.residentId()}`)] : Array.from({ length: 30 }, (_, n) => `order-${i}-${n},2026-03-05,widget,42.00,shipped`);
    writeFileSync(path.join(folder, `f${i}.csv`), `${lines.join('\n')}\n`);
  }
}

function print(name: string, value: number, baseline: number, unit: string): void {
  const round = (x: number, digits = 1): number => Number(x.toFixed(digits));
  console.log(JSON.stringify({ name, value: round(value), unit, baseline: round(baseline), ratio: round(value / baseline, 3) }));
}

async function look(dataDir: string, watched: string): Promise<{ cost: Cost; ready: Cost; found: number; unchanged: number; reported: number }> {
  const db = await openAgentDatabase(dataDir);
  let reported = 0;
  const control = new WatchedFolderControl({
    quarantineDir: path.join(dataDir, 'quarantine'),
    excluded: [dataDir],
    records: new WatchedScanRecords(db, DEFAULT_MAX_SCAN_RECORDS),
    report: () => void reported++,
    notice: () => undefined,
    log: silentLogger,
    // The files were written moments ago: trust their versions (the default waits 2 s past their ctime).
    tuning: { ctimeMarginMs: 0 },
  });
  await control.apply({ settings: { serial: 1, mode: 'monitor', detectors: ['cn-resident-id', 'cn-mobile'], minDistinct: 10, action: 'report' }, watchedPaths: [watched] });
  let ready: Cost = { ms: 0, cpuMs: 0 };
  const cost = await measure(async () => {
    // start() resolves once chokidar is ready (its own walk of the tree); the look runs on after it.
    ready = await measure(() => control.start());
    await control.idle();
  });
  const progress = control.status().presentFiles;
  await control.stop();
  await db.close();
  return { cost, ready, found: progress?.filesFound ?? 0, unchanged: progress?.filesUnchanged ?? 0, reported };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'dlp-bench-present-'));
  const watched = path.join(dir, 'outbound');
  const dataDir = path.join(dir, 'data');
  mkdirSync(dataDir, { mode: 0o700 });
  makeTree(watched);
  let bytes = 0;
  // Warm the page cache first: every figure below reads from memory.
  await walk(watched, async (file) => void (bytes += (await readFile(file)).length));
  const read = await measure(() => walk(watched, async (file) => void (await readFile(file))));
  const stat = await measure(() => walk(watched, async (file) => void (await lstat(file, { bigint: true }))));
  const detectors = ['cn-resident-id', 'cn-mobile'] as const;
  const scanned = await measure(() => walk(watched, async (file) => void (await scanFile(file, { detectors: [...detectors] }))));
  const first = await look(dataDir, watched);
  const again = await look(dataDir, watched);
  if (first.found !== files || again.unchanged !== files || first.reported !== files / 100 || again.reported !== 0) {
    throw new Error(`unexpected counts: first ${JSON.stringify(first)}, again ${JSON.stringify(again)}`);
  }
  console.log(JSON.stringify({ files, bytes, perFolder: PER_FOLDER }));
  print(`content.present-files.first-look.${files}-files.wall`, first.cost.ms, read.ms, 'ms');
  print(`content.present-files.first-look.${files}-files.cpu`, first.cost.cpuMs, read.cpuMs, 'ms');
  print(`content.present-files.first-look.${files}-files.wall.vs-scanfile-walk`, first.cost.ms, scanned.ms, 'ms');
  print(`content.present-files.first-look.${files}-files.cpu.vs-scanfile-walk`, first.cost.cpuMs, scanned.cpuMs, 'ms');
  print(`content.present-files.restart-look.${files}-files.watcher-ready.wall.vs-whole-look`, again.ready.ms, again.cost.ms, 'ms');
  print(`content.present-files.restart-look.${files}-files.wall.vs-first`, again.cost.ms, first.cost.ms, 'ms');
  print(`content.present-files.restart-look.${files}-files.cpu.vs-first`, again.cost.cpuMs, first.cost.cpuMs, 'ms');
  print(`content.present-files.restart-look.${files}-files.wall.vs-lstat-walk`, again.cost.ms, stat.ms, 'ms');
  print(`content.present-files.restart-look.${files}-files.cpu.vs-lstat-walk`, again.cost.cpuMs, stat.cpuMs, 'ms');
  rmSync(dir, { recursive: true, force: true });
}

void main();
