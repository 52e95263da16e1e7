// `npm run package` (the agent) and `npm run package:console`: builds a Linux package's .deb and .rpm
// into dist/packages/ from a fresh staging tree.
//   node installers/linux/build-packages.mjs [--package agent|console] [--arch amd64|arm64] [--format deb,rpm] [--stage-only] [--web-dir DIR]
// Needs: dpkg-deb, dpkg-shlibdeps, strip, and rpmbuild for the .rpm; for the agent also make, a C
// compiler and dpkg-buildflags; `npm ci` done (modules are taken from node_modules). The pinned Node
// runtime is fetched once into dist/packages/cache/. Without --format: the .deb, and the .rpm when
// rpmbuild is there. --stage-only stops after dist/packages/stage/<name>-<arch>/ (the container
// image copies the console from there). --web-dir takes the console's web UI from a build already
// made (dist/console/web after `npm run build`) instead of building it.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { assertCrossTools, BUILD_ARCH, isCross, TARGETS } from './lib/cross-target.mjs';
import { buildDeb } from './lib/deb.mjs';
import { nodeRuntimeTarball } from './lib/node-runtime.mjs';
import { PACKAGES } from './lib/packages.mjs';
import { buildRpm } from './lib/rpm.mjs';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const { values } = parseArgs({
  options: { package: { type: 'string', default: 'agent' }, arch: { type: 'string', default: 'amd64' }, format: { type: 'string' }, 'stage-only': { type: 'boolean' }, 'web-dir': { type: 'string' } },
});
const pkg = PACKAGES[values.package];
if (!pkg) throw new Error(`--package must be one of ${Object.keys(PACKAGES).join(', ')}`);
const arch = values.arch;
if (!(arch in TARGETS)) throw new Error(`--arch must be one of ${Object.keys(TARGETS).join(', ')}`);
// The console's better-sqlite3 is compiled with the build machine's compiler (stage-runtime.mjs).
if (values.package === 'console' && isCross(arch)) throw new Error(`the console package is built for this machine's architecture only (${BUILD_ARCH}), not ${arch}`);
assertCrossTools(arch);
const hasRpmbuild = spawnSync('rpmbuild', ['--version'], { stdio: 'ignore' }).status === 0;
const formats = values['stage-only'] ? [] : (values.format ?? (hasRpmbuild ? 'deb,rpm' : 'deb')).split(',');
for (const format of formats) if (format !== 'deb' && format !== 'rpm') throw new Error(`--format: deb or rpm, not ${format}`);
if (!values.format && !values['stage-only'] && !hasRpmbuild) console.log('package: no rpmbuild here (apt-get install rpm); building the .deb only');

const started = Date.now();
const version = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')).version;
const outDir = path.join(repoRoot, 'dist/packages');
const stageRoot = path.join(outDir, 'stage', `${pkg.name}-${arch}`);
rmSync(stageRoot, { recursive: true, force: true });

const runtime = nodeRuntimeTarball({ pinFile: path.join(repoRoot, 'installers/linux/node-runtime.json'), arch, cacheDir: path.join(outDir, 'cache') });
await pkg.stage({ repoRoot, stageRoot, runtimeTarball: runtime.tarball, runtimeVersion: runtime.version, arch, nodeArch: TARGETS[arch].nodeArch, cacheDir: path.join(outDir, 'cache'), version, cc: process.env.CC, webDir: values['web-dir'] && path.resolve(values['web-dir']) });
const commit = (() => {
  try {
    return execFileSync('git', ['-C', repoRoot, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
})();
const maintainer = process.env.DLP_PACKAGE_MAINTAINER ?? 'Endpoint DLP team <dlp-packages@example.invalid>';
const staged = Date.now();
console.log(`package: ${pkg.name} staged in ${path.relative(repoRoot, stageRoot)} in ${((staged - started) / 1000).toFixed(1)} s (Node ${runtime.version})`);
// The .rpm first: buildDeb adds Debian-only files (DEBIAN/, lintian overrides) to the staged tree.
for (const format of ['rpm', 'deb'].filter((f) => formats.includes(f))) {
  const formatStarted = Date.now();
  const options = { repoRoot, pkg, stageRoot, outDir, version, arch, maintainer, commit };
  const file = format === 'deb' ? buildDeb(options) : buildRpm(options);
  console.log(`package: ${path.relative(repoRoot, file)} (${(statSync(file).size / 1e6).toFixed(1)} MB) in ${((Date.now() - formatStarted) / 1000).toFixed(1)} s`);
}
