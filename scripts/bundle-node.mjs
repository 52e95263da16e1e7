// One way to bundle a Node entry point, shared by the build, the simulator and the benchmarks.
import { build } from 'esbuild';

/** Native modules and optional drivers stay outside the bundle; Node loads them from node_modules. */
const EXTERNAL = ['sqlite3', 'better-sqlite3', 'bufferutil', 'pg', 'usb', 'pg-native'];

/**
 * Bundles `entry` (TypeScript) into one CommonJS file `outfile` for Node 20, as the product ships.
 * @param {string} entry absolute path of the entry point
 * @param {string} outfile absolute path of the bundle
 * @param {{ sourcemap?: boolean }} [options] sourcemap defaults to true
 */
export async function bundleNode(entry, outfile, options = {}) {
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: options.sourcemap ?? true,
    external: EXTERNAL,
    logLevel: 'warning',
  });
}
