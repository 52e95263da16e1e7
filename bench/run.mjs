// `npm run bench`: every benchmark in one run, each figure printed as one JSON line
// {"name","value","unit","baseline","ratio"} with its baseline measured in the same run.
// A first line {"machine":...} describes where the figures were taken. Benchmarks are not tests.
import { spawn } from 'node:child_process';
import { cpus, totalmem, release } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleNode } from '../scripts/bundle-node.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const only = process.argv.slice(2);

/** TypeScript benchmarks are bundled like the product (native modules stay external). */
async function bundle(name) {
  const outfile = path.join(root, 'dist/bench', `${name}.js`);
  await bundleNode(path.join(root, 'bench', `${name}.ts`), outfile, { sourcemap: false });
  return outfile;
}

const benches = [
  { name: 'ingest', args: async () => [await bundle('ingest'), '8', '25'] },
  // Needs PostgreSQL (DLP_BENCH_DATABASE_URL, default the local test database); reuses ingest.js's agents.
  { name: 'ingest-postgres', args: async () => [(await bundle('ingest'), await bundle('ingest-postgres')), '8', '25'] },
  { name: 'exec-overhead', args: async () => [path.join(root, 'bench/exec-overhead.mjs')] },
  { name: 'mount-guard', args: async () => [path.join(root, 'bench/mount-guard.mjs'), '--runs', '50'] },
  { name: 'agent-footprint', args: async () => [await bundle('agent-footprint')] },
  // Root (fanotify on a tmpfs of its own); 200 blocked execs as nobody, each timed to the subscriber's notice (issue 15).
  { name: 'block-notice', args: async () => [await bundle('block-notice'), '200'] },
  { name: 'policy-publish', args: async () => [await bundle('policy-publish'), '1000'] },
  { name: 'alerts', args: async () => [await bundle('alerts'), '8', '20', '20'] },
  // 10,000 agents in every state and 200,000 events of the last two days in a fresh console.sqlite.
  { name: 'agents-overview', args: async () => [await bundle('agents-overview'), '--agents', '10000', '--events', '200000'] },
  // The Agents page in Chromium (console from dist/): first render, filter change, scroll jump with 10,000 agents, against 100.
  { name: 'agents-table', args: async () => [await bundle('agents-table'), '--agents', '10000', '--runs', '15'] },
  // A private PostgreSQL server (root; PostgreSQL 15's programs) stopped -m immediate under 20 agents' ingest, 5 rounds.
  { name: 'pg-recovery', args: async () => [await bundle('pg-recovery'), '20', '5'] },
  // Impact preview of a draft whose policy one of 10 groups uses: 1,000,000 events of 500 agents through ingest (issue 17 item 5).
  { name: 'impact-preview', args: async () => [await bundle('impact-preview'), '--agents', '500', '--events', '1000000'] },
  // Seeds 10 million events first (minutes); `node dist/bench/search.js --events 1000000` for a quick look.
  { name: 'search', args: async () => [await bundle('search'), '--events', '10000000'] },
  // 1,000 agents reconnecting after a 60 s console outage (console from dist/), against the previous backoff.
  { name: 'reconnect', args: async () => [await bundle('reconnect'), '1000', '60'] },
  // 10,000 agents against a console process from dist/ (built by `npm run bench`); needs ulimit -n ≥ 11,000.
  { name: 'connections', args: async () => [await bundle('connections'), '10000', '35', '30'] },
  // The exec helper's BPF LSM: exec overhead with it on vs off, in the QEMU test VM (this kernel refuses BPF LSM programs).
  { name: 'bpf-lsm', args: async () => [await bundle('bpf-lsm'), '300'] },
  // Content detectors: precision/recall on a 100,000-line labelled corpus; scan MB/s on 64 MiB of text and a 100,000-row xlsx.
  { name: 'content-scan', args: async () => [await bundle('content-scan'), '100000', '64'] },
  // PDF text: a Chromium-printed Chinese customer list (3,000 rows, Type0 and Type3 fonts), against inflating all its streams.
  { name: 'content-pdf', args: async () => [await bundle('content-pdf'), '3000', '5'] },
  // Watched folders: a 1 MB customer CSV's close to its finding (default 2 s settle), against a bare chokidar watcher.
  { name: 'content-watch', args: async () => [await bundle('content-watch'), '5'] },
  // Watched folders, files already there at start: first look at 10,000 small files against reading them; the look after a restart (stat only) against the first and a bare lstat walk.
  { name: 'content-present-files', args: async () => [await bundle('content-present-files'), '10000'] },
  // Removable media: a 1 MB customer CSV's close on a watched mount to its finding (1 s settle), against a bare chokidar watcher.
  { name: 'content-removable', args: async () => [await bundle('content-removable'), '5'] },
  // dlp mask on a 256 MiB customer CSV (keep, then pseudonyms), against a streaming line copy of the same file; peak memory.
  { name: 'mask', args: async () => [await bundle('mask'), '256'] },
];

console.log(JSON.stringify({ machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, memGiB: Math.round(totalmem() / 2 ** 30), kernel: release(), node: process.version }, at: new Date().toISOString() }));

let failed = 0;
for (const bench of benches) {
  if (only.length > 0 && !only.includes(bench.name)) continue;
  const args = await bench.args();
  const code = await new Promise((resolve) => {
    const child = spawn(process.execPath, ['--expose-gc', ...args], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('exit', (c) => resolve(c ?? 1));
  });
  if (code !== 0) {
    failed++;
    console.error(`bench ${bench.name}: exited with ${code}`);
  }
}
process.exit(failed ? 1 : 0);
