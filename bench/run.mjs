// `npm run bench`: every benchmark in one run, each figure printed as one JSON line
// {"name","value","unit","baseline","ratio"} with its baseline measured in the same run.
// A first line {"machine":...} describes where the figures were taken. Benchmarks are not tests.
import { build } from 'esbuild';
import { spawn } from 'node:child_process';
import { cpus, totalmem, release } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const only = process.argv.slice(2);

/** TypeScript benchmarks are bundled like the product (native modules stay external). */
async function bundle(name) {
  const outfile = path.join(root, 'dist/bench', `${name}.js`);
  await build({
    entryPoints: [path.join(root, 'bench', `${name}.ts`)],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: ['sqlite3', 'pg', 'usb', 'pg-native'],
    logLevel: 'warning',
  });
  return outfile;
}

const benches = [
  { name: 'ingest', args: async () => [await bundle('ingest'), '8', '25'] },
  { name: 'exec-overhead', args: async () => [path.join(root, 'bench/exec-overhead.mjs')] },
  { name: 'mount-guard', args: async () => [path.join(root, 'bench/mount-guard.mjs'), '--runs', '50'] },
  { name: 'agent-footprint', args: async () => [await bundle('agent-footprint')] },
  { name: 'policy-publish', args: async () => [await bundle('policy-publish'), '1000'] },
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
