// The Node runtime the agent package brings along: one pinned version from the registry's
// node-linux-<arch> packages (node-runtime.json), fetched once into a cache and checked against the
// pinned integrity, so every build ships the very same binary.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { run } from './run.mjs';

/**
 * Returns the tarball of the pinned runtime for `arch` (Debian name), downloading it with `npm pack`
 * into `cacheDir` when absent; throws when its integrity differs from the pinned one.
 * @param {{ pinFile: string, arch: string, cacheDir: string }} options
 * @returns {{ tarball: string, version: string, name: string }}
 */
export function nodeRuntimeTarball({ pinFile, arch, cacheDir }) {
  const pin = JSON.parse(readFileSync(pinFile, 'utf8'));
  const pkg = pin.packages[arch];
  if (!pkg) throw new Error(`${pinFile}: no Node runtime pinned for ${arch} (pinned: ${Object.keys(pin.packages).join(', ')})`);
  return pinnedRuntimeTarball({ name: pkg.name, version: pin.version, integrity: pkg.integrity, cacheDir });
}

/**
 * The tarball of `name@version` from the registry, fetched with `npm pack` into `cacheDir` when absent;
 * throws when its integrity differs from `integrity`. Also used by scripts/node-majors-smoke.mjs.
 * @param {{ name: string, version: string, integrity: string, cacheDir: string }} options
 * @returns {{ tarball: string, version: string, name: string }}
 */
export function pinnedRuntimeTarball({ name, version, integrity: pinned, cacheDir }) {
  mkdirSync(cacheDir, { recursive: true });
  const tarball = path.join(cacheDir, `${name}-${version}.tgz`);
  if (!existsSync(tarball)) run('npm', ['pack', `${name}@${version}`, '--pack-destination', cacheDir, '--silent']);
  const integrity = `sha512-${createHash('sha512').update(readFileSync(tarball)).digest('base64')}`;
  if (integrity !== pinned) {
    throw new Error(`${tarball}: integrity ${integrity} is not the pinned ${pinned}; delete the file to fetch it again, or pin the new version on purpose`);
  }
  return { tarball, version, name };
}
