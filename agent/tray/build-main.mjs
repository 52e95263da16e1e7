// Bundles the tray's main process and preload with esbuild: dist/main.js and dist/preload.js, CommonJS
// for Electron's Node, 'electron' left to the runtime. The React renderer is built separately into
// dist/renderer/ (index.html, watermark.html), which main.js loads from beside itself.
import { build } from 'esbuild';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const trayDir = path.dirname(fileURLToPath(import.meta.url));

/**
 * `@dlp/shared/node` re-exports helpers the tray never calls (SQLite, content extraction); their
 * native module must not be required when main.js loads, since the tray package does not ship it.
 * The stub throws only if something really tries to use it.
 */
const nativeModulesNotShipped = {
  name: 'native-modules-not-shipped',
  setup(build) {
    build.onResolve({ filter: /^(sqlite3|better-sqlite3)$/ }, (args) => ({ path: args.path, namespace: 'not-shipped' }));
    build.onLoad({ filter: /.*/, namespace: 'not-shipped' }, (args) => ({
      contents: `module.exports = new Proxy({}, { get(_t, key) { if (key === '__esModule') return false; throw new Error(${JSON.stringify(`${args.path} is not part of the tray package`)}); } });`,
      loader: 'js',
    }));
  },
};

/**
 * Builds dist/main.js and dist/preload.js.
 * @param {{ outDir?: string, sourcemap?: boolean }} [options] outDir defaults to agent/tray/dist
 * @returns {Promise<{ main: string, preload: string }>} the two bundles' paths
 */
export async function buildTrayMain(options = {}) {
  const outDir = options.outDir ?? path.join(trayDir, 'dist');
  const common = {
    bundle: true,
    platform: 'node',
    format: 'cjs',
    // Electron 41 runs Node 24; node20 keeps the output readable by the repository's own Node for tests.
    target: 'node20',
    external: ['electron'],
    sourcemap: options.sourcemap ?? true,
    logLevel: 'warning',
    plugins: [nativeModulesNotShipped],
  };
  const main = path.join(outDir, 'main.js');
  const preload = path.join(outDir, 'preload.js');
  await build({ ...common, entryPoints: [path.join(trayDir, 'src/main/main.ts')], outfile: main });
  // A sandboxed preload can require only 'electron' and a few Node polyfills: one self-contained file.
  await build({ ...common, entryPoints: [path.join(trayDir, 'src/preload/preload.ts')], outfile: preload });
  return { main, preload };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const started = Date.now();
  const { main, preload } = await buildTrayMain();
  console.log(`tray: ${path.relative(process.cwd(), main)}, ${path.relative(process.cwd(), preload)} in ${Date.now() - started} ms`);
}
