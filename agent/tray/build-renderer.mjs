// Bundles the tray's renderer pages (the main window and the watermark) for Chromium with esbuild:
// one script and one stylesheet per page, no inline code, so the pages' strict CSP holds.
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const trayRoot = path.dirname(fileURLToPath(import.meta.url));
const rendererSource = path.join(trayRoot, 'src/renderer');
const PAGES = [
  { name: 'main', entry: 'main.tsx', html: 'index.html' },
  { name: 'watermark', entry: 'watermark.tsx', html: 'watermark.html' },
];

/**
 * Builds index.html, main.js, main.css, watermark.html, watermark.js and watermark.css into `outdir`
 * (default agent/tray/dist/renderer), replacing what was there.
 * @param {{ outdir?: string, sourcemap?: boolean }} [options]
 * @returns {Promise<string>} the output folder
 */
export async function buildTrayRenderer(options = {}) {
  const outdir = options.outdir ?? path.join(trayRoot, 'dist/renderer');
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  await build({
    entryPoints: Object.fromEntries(PAGES.map((page) => [page.name, path.join(rendererSource, page.entry)])),
    outdir,
    bundle: true,
    platform: 'browser',
    // Electron 41 ships Chromium 14x; the test runs Debian's Chromium, also recent.
    target: ['chrome120'],
    format: 'iife',
    jsx: 'automatic',
    minify: true,
    sourcemap: options.sourcemap ?? false,
    define: { 'process.env.NODE_ENV': '"production"' },
    legalComments: 'none',
    logLevel: 'warning',
  });
  for (const page of PAGES) copyFileSync(path.join(rendererSource, page.html), path.join(outdir, page.html));
  return outdir;
}

const outdirFlag = process.argv.indexOf('--outdir');
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outdir = await buildTrayRenderer(outdirFlag > 0 ? { outdir: path.resolve(process.argv[outdirFlag + 1] ?? '') } : {});
  console.log(`tray renderer: built into ${path.relative(process.cwd(), outdir) || '.'}`);
}
