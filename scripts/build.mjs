// Builds every runnable artifact into dist/: Node bundles with esbuild (fast, one file per process,
// native modules left external) and the web UI with Vite.
import { copyFileSync, existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { bundleNode } from './bundle-node.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const nodeBundles = [
  { entry: 'console/server/src/main.ts', out: 'dist/console/server.js' },
  { entry: 'console/server/src/cli/dlp.ts', out: 'dist/console/dlp.js' },
  { entry: 'agent/service/src/main.ts', out: 'dist/agent/service.js' },
];

const started = Date.now();
for (const bundle of nodeBundles) {
  const entry = path.join(root, bundle.entry);
  if (!existsSync(entry)) continue;
  await bundleNode(entry, path.join(root, bundle.out));
}

// Data files the console bundle reads at run time from its own folder.
const passwordList = path.join(root, 'console/server/src/auth/common-passwords.txt');
if (existsSync(passwordList)) copyFileSync(passwordList, path.join(root, 'dist/console/common-passwords.txt'));

if (existsSync(path.join(root, 'console/web/index.html'))) {
  const vite = spawnSync(process.execPath, [path.join(root, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], {
    cwd: path.join(root, 'console/web'),
    stdio: 'inherit',
  });
  if (vite.status !== 0) process.exit(vite.status ?? 1);
}

// The tray app (issue 15): main process and preload (esbuild, Node) and its React pages (esbuild, browser).
if (existsSync(path.join(root, 'agent/tray/build-main.mjs'))) {
  const { buildTrayMain } = await import('../agent/tray/build-main.mjs');
  const { buildTrayRenderer } = await import('../agent/tray/build-renderer.mjs');
  await buildTrayMain();
  await buildTrayRenderer();
}

if (existsSync(path.join(root, 'agent/service/native/Makefile'))) {
  const make = spawnSync('make', ['-s', '-C', path.join(root, 'agent/service/native')], { stdio: 'inherit' });
  if (make.status !== 0) process.exit(make.status ?? 1);
}
console.log(`build: done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
