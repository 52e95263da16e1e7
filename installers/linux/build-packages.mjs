// `npm run package`: builds the Linux agent package(s) into dist/packages/ from a fresh staging tree.
//   node installers/linux/build-packages.mjs [--arch amd64] [--format deb,rpm]
// Needs: dpkg-deb, dpkg-buildflags, make, a C compiler, strip, objdump, and rpmbuild for the .rpm;
// `npm ci` done (native modules are taken from node_modules). The pinned Node runtime is fetched
// once into dist/packages/cache/. Without --format: the .deb, and the .rpm when rpmbuild is there.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildDeb } from './lib/deb.mjs';
import { nodeRuntimeTarball } from './lib/node-runtime.mjs';
import { buildRpm } from './lib/rpm.mjs';
import { stageAgent } from './lib/stage-agent.mjs';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** Debian architecture → the registry's Node package suffix and node-usb prebuild folder. */
const NODE_ARCH = { amd64: 'x64', arm64: 'arm64' };

const { values } = parseArgs({ options: { arch: { type: 'string', default: 'amd64' }, format: { type: 'string' } } });
const arch = values.arch;
if (!(arch in NODE_ARCH)) throw new Error(`--arch must be one of ${Object.keys(NODE_ARCH).join(', ')}`);
const hasRpmbuild = spawnSync('rpmbuild', ['--version'], { stdio: 'ignore' }).status === 0;
const formats = (values.format ?? (hasRpmbuild ? 'deb,rpm' : 'deb')).split(',');
for (const format of formats) if (format !== 'deb' && format !== 'rpm') throw new Error(`--format: deb or rpm, not ${format}`);
if (!values.format && !hasRpmbuild) console.log('package: no rpmbuild here (apt-get install rpm); building the .deb only');

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
const staged = Date.now();
console.log(`package: staged in ${((staged - started) / 1000).toFixed(1)} s (Node ${runtime.version})`);
// The .rpm first: buildDeb adds Debian-only files (DEBIAN/, lintian overrides) to the staged tree.
for (const format of ['rpm', 'deb'].filter((f) => formats.includes(f))) {
  const formatStarted = Date.now();
  const file = format === 'deb' ? buildDeb({ repoRoot, stageRoot, outDir, version, arch, maintainer, commit }) : buildRpm({ repoRoot, stageRoot, outDir, version, arch, maintainer, commit });
  console.log(`package: ${path.relative(repoRoot, file)} (${(statSync(file).size / 1e6).toFixed(1)} MB) in ${((Date.now() - formatStarted) / 1000).toFixed(1)} s`);
}
