// `npm run package`: builds the Linux agent package(s) into dist/packages/ from a fresh staging tree.
//   node installers/linux/build-packages.mjs [--arch amd64] [--format deb]
// Needs: dpkg-deb, dpkg-buildflags, make, a C compiler, strip, objdump; `npm ci` done (native modules
// are taken from node_modules). The pinned Node runtime is fetched once into dist/packages/cache/.
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildDeb } from './lib/deb.mjs';
import { nodeRuntimeTarball } from './lib/node-runtime.mjs';
import { stageAgent } from './lib/stage-agent.mjs';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** Debian architecture → the registry's Node package suffix and node-usb prebuild folder. */
const NODE_ARCH = { amd64: 'x64', arm64: 'arm64' };

const { values } = parseArgs({ options: { arch: { type: 'string', default: 'amd64' }, format: { type: 'string', default: 'deb' } } });
const arch = values.arch;
if (!(arch in NODE_ARCH)) throw new Error(`--arch must be one of ${Object.keys(NODE_ARCH).join(', ')}`);
if (values.format !== 'deb') throw new Error('--format: only deb is built so far (rpm: see installers/linux/README.md)');

const started = Date.now();
const version = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')).version;
const outDir = path.join(repoRoot, 'dist/packages');
const stageRoot = path.join(outDir, 'stage', `dlp-agent-${arch}`);
rmSync(stageRoot, { recursive: true, force: true });

const runtime = nodeRuntimeTarball({ pinFile: path.join(repoRoot, 'installers/linux/node-runtime.json'), arch, cacheDir: path.join(outDir, 'cache') });
await stageAgent({ repoRoot, stageRoot, runtimeTarball: runtime.tarball, nodeArch: NODE_ARCH[arch], version, cc: process.env.CC });
const commit = (() => {
  try {
    return execFileSync('git', ['-C', repoRoot, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
})();
const maintainer = process.env.DLP_PACKAGE_MAINTAINER ?? 'Endpoint DLP team <dlp-packages@example.invalid>';
const deb = buildDeb({ repoRoot, stageRoot, outDir, version, arch, maintainer, commit });
const megabytes = (statSync(deb).size / 1e6).toFixed(1);
console.log(`package: ${path.relative(repoRoot, deb)} (${megabytes} MB, Node ${runtime.version}) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
