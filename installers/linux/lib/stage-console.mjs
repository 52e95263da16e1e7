// Lays out the console's installed files under a staging root, the same tree for the .deb, the .rpm
// and the container image (installers/container/Containerfile copies /usr/lib/dlp-console from it):
//   /usr/lib/dlp-console/   node (bundled runtime), server.js and dlp.js (esbuild bundles),
//                           common-passwords.txt, web/ (the built web UI), node_modules/ (sqlite3,
//                           better-sqlite3 built for the bundled Node, pg and its dependencies), console-start (settings from the environment →
//                           flags), healthcheck.js, VERSION
//   /usr/bin/dlp            the admin CLI on PATH
//   /lib/systemd/system/dlp-console.service
//   /etc/dlp/console.env    settings (a conffile, 0600: it may hold the database password)
//   /usr/share/doc/dlp-console/   README.md, <module>-LICENSE
//   /usr/share/man/man1/dlp.1.gz
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { bundleNode } from '../../../scripts/bundle-node.mjs';
import { run } from './run.mjs';
import { assertStaged, betterSqliteForRuntime, finishPermissions, pureJsModuleTree, SQLITE3_MODULES, stageModules, stageNodeBinary, stripElf } from './stage-runtime.mjs';

/**
 * Where each installed piece of the console lands, relative to the root: the staging below writes
 * exactly these, and the container image and its static test refer to them.
 */
export const CONSOLE_LAYOUT = {
  lib: 'usr/lib/dlp-console',
  node: 'usr/lib/dlp-console/node',
  server: 'usr/lib/dlp-console/server.js',
  cli: 'usr/lib/dlp-console/dlp.js',
  passwords: 'usr/lib/dlp-console/common-passwords.txt',
  web: 'usr/lib/dlp-console/web',
  modules: 'usr/lib/dlp-console/node_modules',
  start: 'usr/lib/dlp-console/console-start',
  healthcheck: 'usr/lib/dlp-console/healthcheck.js',
  version: 'usr/lib/dlp-console/VERSION',
  command: 'usr/bin/dlp',
  unit: 'lib/systemd/system/dlp-console.service',
  settings: 'etc/dlp/console.env',
  doc: 'usr/share/doc/dlp-console',
  manPage: 'usr/share/man/man1/dlp.1.gz',
};

/** better-sqlite3's JavaScript (loaded through `bindings`); its addon is compiled separately. */
const BETTER_SQLITE3 = { name: 'better-sqlite3', license: 'LICENSE', files: ['package.json', 'lib'] };

/**
 * Stages every installed file of the console package under `stageRoot`.
 * @param {{ repoRoot: string, stageRoot: string, runtimeTarball: string, runtimeVersion: string, nodeArch: string, cacheDir: string, version: string, webDir?: string }} options
 */
export async function stageConsole({ repoRoot, stageRoot, runtimeTarball, runtimeVersion, nodeArch, cacheDir, version, webDir }) {
  const here = path.join(repoRoot, 'installers/linux/console');
  const at = (key) => path.join(stageRoot, CONSOLE_LAYOUT[key]);
  const lib = at('lib');
  const doc = at('doc');
  for (const dir of [lib, doc, ...['command', 'unit', 'settings', 'manPage'].map((key) => path.dirname(at(key)))]) mkdirSync(dir, { recursive: true });
  stageNodeBinary({ runtimeTarball, libDir: lib, docDir: doc });
  // The same bundles as `npm run build` (scripts/build.mjs), without source maps.
  await bundleNode(path.join(repoRoot, 'console/server/src/main.ts'), at('server'), { sourcemap: false });
  await bundleNode(path.join(repoRoot, 'console/server/src/cli/dlp.ts'), at('cli'), { sourcemap: false });
  copyFileSync(path.join(repoRoot, 'console/server/src/auth/common-passwords.txt'), at('passwords'));
  // The web UI (the console serves <its folder>/web): built by Vite straight into the package, or
  // taken from a build already made (`--web-dir dist/console/web` after `npm run build`).
  if (webDir === undefined) {
    run(process.execPath, [path.join(repoRoot, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn', '--outDir', at('web'), '--emptyOutDir'], { cwd: path.join(repoRoot, 'console/web') });
  } else {
    cpSync(webDir, at('web'), { recursive: true, filter: (entry) => !entry.endsWith('.map') });
  }
  if (!existsSync(path.join(at('web'), 'index.html'))) throw new Error('the web UI build left no index.html');
  // The bundles keep these external (scripts/bundle-node.mjs): sqlite3 (the default store and the
  // `dlp` commands), better-sqlite3 (the store's worker) and pg (PostgreSQL). ws's optional
  // bufferutil/utf-8-validate are left out: ws works without them.
  stageModules({ repoRoot, libDir: lib, docDir: doc, modules: [...SQLITE3_MODULES, BETTER_SQLITE3, ...pureJsModuleTree(repoRoot, 'pg')] });
  // Its addon, compiled for the bundled Node (the one in node_modules fits the build machine's Node).
  const addon = path.join(at('modules'), 'better-sqlite3/build/Release/better_sqlite3.node');
  mkdirSync(path.dirname(addon), { recursive: true });
  copyFileSync(betterSqliteForRuntime({ repoRoot, runtimeTarball, runtimeVersion, nodeArch, cacheDir }), addon);
  stripElf(addon);
  chmodSync(addon, 0o644);

  copyFileSync(path.join(here, 'files/console-start'), at('start'));
  copyFileSync(path.join(here, 'files/healthcheck.js'), at('healthcheck'));
  writeFileSync(at('version'), `${version}\n`);
  copyFileSync(path.join(here, 'files/dlp'), at('command'));
  copyFileSync(path.join(here, 'files/dlp-console.service'), at('unit'));
  copyFileSync(path.join(here, 'files/console.env'), at('settings'));
  copyFileSync(path.join(here, 'README.md'), path.join(doc, 'README.md'));
  writeFileSync(at('manPage'), gzipSync(readFileSync(path.join(here, 'files/dlp.1')), { level: 9 }));

  finishPermissions(stageRoot, [at('start'), at('command')]);
  // The settings may hold the database password: root only (systemd reads it before dropping to the
  // service's user). dpkg and rpm install the file with this mode.
  chmodSync(at('settings'), 0o600);
  assertStaged(stageRoot, Object.values(CONSOLE_LAYOUT));
}
