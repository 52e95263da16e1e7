// Mount guard latency on real loop mounts (needs root): how long from `mount` until the USB control
// has enforced the policy on it, against the time of the mount command itself.
//   node bench/mount-guard.mjs [--runs 50]
// Prints one JSON line per figure: {"name","value","unit","baseline","ratio"}.
// The agent's TypeScript is bundled on the fly with esbuild (as scripts/build.mjs does), so this
// runs from a plain checkout after `npm install`.
import { build } from 'esbuild';
import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { performance } from 'node:perf_hooks';

const run = promisify(execFile);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 50;

if (process.getuid?.() !== 0) {
  console.error('mount-guard bench: skipped (needs root for loop devices and mounts)');
  process.exit(0);
}

async function loadAgentModules() {
  const entry = [
    "export { UsbControl } from './agent/service/src/enforce/usb/usb-control';",
    "export { fakeUsbHost, usbPolicy } from './agent/service/src/platform/fake/usb/fake-usb-host';",
    "export { prepareWriter, startWriter } from './agent/service/src/platform/linux/usb/writer-fixture';",
  ].join('\n');
  // Inside the repo (dist/ is git-ignored) so the bundle finds node_modules for its externals.
  const outfile = path.join(root, 'dist/bench/mount-guard-bench.cjs');
  await build({
    stdin: { contents: entry, resolveDir: root, loader: 'ts' },
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: ['usb', 'sqlite3'],
    logLevel: 'warning',
  });
  return createRequire(import.meta.url)(outfile);
}

function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function figure(name, values, baselines) {
  for (const p of [50, 95]) {
    const value = percentile(values, p);
    const baseline = percentile(baselines, p);
    console.log(JSON.stringify({ name: `${name}.p${p}`, value: round(value), unit: 'ms', baseline: round(baseline), ratio: round(value / baseline) }));
  }
}

const round = (x) => Math.round(x * 100) / 100;

/** Resolves with the time the next event with `outcome` is emitted. */
function nextEvent(waiters, outcome, timeoutMs = 10_000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${outcome} event within ${timeoutMs} ms`)), timeoutMs);
    waiters.push({ outcome, resolve: (t) => (clearTimeout(timer), resolve(t)) });
  });
}

const dir = mkdtempSync(path.join(tmpdir(), 'dlp-bench-mount-'));
let loopDev = null;
let control = null;
let host = null;
const mountPoint = path.join(dir, 'media');
try {
  const { UsbControl, fakeUsbHost, usbPolicy, prepareWriter, startWriter } = await loadAgentModules();
  chmodSync(dir, 0o755);
  const image = path.join(dir, 'stick.img');
  writeFileSync(image, '');
  truncateSync(image, 16 * 1024 * 1024);
  await run('mkfs.ext4', ['-q', '-F', image]);
  loopDev = (await run('losetup', ['--find', '--show', image])).stdout.trim();
  mkdirSync(mountPoint);
  const devName = path.basename(loopDev);
  host = fakeUsbHost({ procRoot: '/proc', mountWatch: 'findmnt' });
  host.tree.addDevice({ port: '1-2', vendorId: '0781', productId: '5567', serial: 'BENCH1', interfaces: [8] });
  host.tree.addBlockDevice('1-2', { majMin: readFileSync(`/sys/class/block/${devName}/dev`, 'utf8').trim(), devName });

  const waiters = [];
  control = new UsbControl({
    platform: host.platform,
    emit: (event) => {
      const now = performance.now();
      const outcome = event.subject.mountPoint ? event.subject.outcome : null;
      for (const w of waiters.splice(0)) {
        if (w.outcome === outcome) w.resolve(now);
        else waiters.push(w);
      }
    },
    settleDelaysMs: [],
  });
  await control.applyPolicy(usbPolicy('enforce', { defaultAction: 'block' }));
  await control.start();

  // 1. Block: mount → unmounted by the guard (event-driven through findmnt --poll).
  const blockTotal = [];
  const afterMount = [];
  const mountTimes = [];
  for (let i = 0; i < RUNS; i++) {
    const enforced = nextEvent(waiters, 'unmounted');
    const t0 = performance.now();
    await run('mount', [loopDev, mountPoint]);
    const t1 = performance.now();
    mountTimes.push(t1 - t0);
    const t2 = await enforced;
    blockTotal.push(t2 - t0);
    afterMount.push(Math.max(0, t2 - t1));
  }
  figure('usb.mount-guard.block-unmount', blockTotal, mountTimes);
  // The part after mount(8) returned, against what a bare `umount` of the same mount costs.
  await control.applyPolicy(usbPolicy('enforce', { defaultAction: 'allow' }));
  const umountTimes = [];
  for (let i = 0; i < RUNS; i++) {
    await run('mount', [loopDev, mountPoint]);
    const u0 = performance.now();
    await run('umount', [mountPoint]);
    umountTimes.push(performance.now() - u0);
  }
  figure('usb.mount-guard.block-after-mount-returned', afterMount, umountTimes);

  // 2. Read-only: a writable mount, then a read-only policy → remounted read-only, block device ro.
  const roTotal = [];
  const remountTimes = [];
  for (let i = 0; i < RUNS; i++) {
    await run('mount', [loopDev, mountPoint]);
    const enforced = nextEvent(waiters, 'read-only');
    const t0 = performance.now();
    await control.applyPolicy(usbPolicy('enforce', { defaultAction: 'read-only' }, i + 2));
    roTotal.push((await enforced) - t0);
    await control.applyPolicy(usbPolicy('enforce', { defaultAction: 'allow' }, i + 2));
    await run('umount', [mountPoint]);
    // Baseline: the remount command alone, on the same mount.
    await run('mount', [loopDev, mountPoint]);
    const b0 = performance.now();
    await run('mount', ['-o', 'remount,ro', mountPoint]);
    remountTimes.push(performance.now() - b0);
    await run('umount', [mountPoint]);
  }
  figure('usb.mount-guard.policy-to-read-only', roTotal, remountTimes);

  // 3. Read-only with an active writer (a process as nobody appending + fsync every 5 ms to a file it
  //    keeps open): policy → writer killed → remounted read-only. Baseline: the same plain
  //    `mount -o remount,ro` of an idle mount as above.
  const { script, phaseFile } = prepareWriter(dir, 'BENCH');
  const writerTotal = [];
  for (let i = 0; i < RUNS; i++) {
    await run('mount', [loopDev, mountPoint]);
    chmodSync(mountPoint, 0o777);
    const writer = await startWriter(script, phaseFile, 'fd', path.join(mountPoint, 'busy.bin'));
    const enforced = nextEvent(waiters, 'read-only');
    const t0 = performance.now();
    await control.applyPolicy(usbPolicy('enforce', { defaultAction: 'read-only' }, RUNS + i + 2));
    writerTotal.push((await enforced) - t0);
    await new Promise((resolve, reject) => {
      if (writer.child.exitCode !== null || writer.child.signalCode !== null) return resolve();
      const timer = setTimeout(() => reject(new Error('the writer survived the read-only policy')), 5_000);
      writer.child.once('exit', () => (clearTimeout(timer), resolve()));
    });
    await control.applyPolicy(usbPolicy('enforce', { defaultAction: 'allow' }, RUNS + i + 2));
    await run('umount', [mountPoint]);
  }
  figure('usb.mount-guard.policy-to-read-only-with-writer', writerTotal, remountTimes);
} finally {
  await control?.stop();
  await run('umount', ['-l', mountPoint]).catch(() => undefined);
  if (loopDev) {
    await run('blockdev', ['--setrw', loopDev]).catch(() => undefined);
    await run('losetup', ['-d', loopDev]).catch(() => undefined);
  }
  host?.cleanup();
  rmSync(dir, { recursive: true, force: true });
}
