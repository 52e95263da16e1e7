// Turns a staged tree into a .deb with dpkg-deb (no debhelper needed on the build machine): control
// file, maintainer scripts with their shared shell functions inlined, conffiles, md5sums, changelog,
// copyright, lintian overrides. The same code builds every package of packages.mjs.
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { foreignSharedLibraryDepends } from './foreign-depends.mjs';
import { expandIncludes } from './packages.mjs';
import { run } from './run.mjs';
import { filesUnder } from './stage-runtime.mjs';

const MAINTAINER_SCRIPTS = ['preinst', 'postinst', 'prerm', 'postrm'];

/** Files of the staged tree relative to its root. */
function stagedFiles(stageRoot) {
  return filesUnder(stageRoot).map((file) => path.relative(stageRoot, file));
}

/** True for an ELF file (a program or a native module), by its first four bytes. */
function isElf(file) {
  const head = readFileSync(file).subarray(0, 4);
  return head.length === 4 && head[0] === 0x7f && head.toString('latin1', 1, 4) === 'ELF';
}

/**
 * The shared-library dependencies of the package's ELF files (node, the helper, native modules) as
 * Debian package relations, from the symbol versions the files really need (foreign-depends.mjs),
 * e.g. `libc6 (>= 2.28), libgcc-s1 (>= 3.0), libstdc++6 (>= 5), libudev1 (>= 183)`. Not
 * dpkg-shlibdeps: on a Debian 12 build machine it asks libc6 (>= 2.34) of anything linked to
 * libpthread.so.0 or libdl.so.2 (glibc 2.34 merged them into libc, and bookworm's shlibs say so
 * for the whole library), the bundled Node included, which needs 2.28; that alone would keep the
 * package off UOS 20 and Kylin V10. The same reading serves every architecture.
 */
function sharedLibraryDepends(stageRoot, arch) {
  const elfFiles = stagedFiles(stageRoot).filter((file) => isElf(path.join(stageRoot, file)));
  return foreignSharedLibraryDepends(arch, elfFiles.map((file) => path.join(stageRoot, file)));
}

/**
 * A package that promises a glibc (`pkg.glibcFloor`: the agent's 2.28, for UOS 20 and Kylin V10)
 * must not need a newer one: a compiled file built against this machine's glibc that asks for its
 * newer symbol versions would not start there, and the package would not even install.
 * @param {import('./packages.mjs').PackageDescription} pkg
 * @param {string} depends the Depends computed from the package's ELF files
 */
export function assertGlibcFloor(pkg, depends) {
  if (!pkg.glibcFloor) return;
  const needed = /(?:^|,\s*)libc6 \(>= (\d+)\.(\d+)\)/.exec(depends);
  const [floorMajor, floorMinor] = pkg.glibcFloor.split('.').map(Number);
  if (needed && (Number(needed[1]) > floorMajor || (Number(needed[1]) === floorMajor && Number(needed[2]) > floorMinor))) {
    throw new Error(`${pkg.name} promises glibc ${pkg.glibcFloor} but its compiled files need ${needed[1]}.${needed[2]} (Depends: ${depends}); build them static or against an older glibc`);
  }
}

/**
 * Builds `<outDir>/<name>_<version>_<arch>.deb` from the staged tree and returns its path.
 * @param {{ repoRoot: string, pkg: import('./packages.mjs').PackageDescription, stageRoot: string, outDir: string, version: string, arch: string, maintainer: string, commit: string }} options
 */
export function buildDeb({ repoRoot, pkg, stageRoot, outDir, version, arch, maintainer, commit }) {
  const here = path.join(repoRoot, pkg.templates, 'debian');
  const doc = path.join(stageRoot, 'usr/share/doc', pkg.name);
  copyFileSync(path.join(here, 'copyright'), path.join(doc, 'copyright'));
  // Accepted lintian tags, each with its reason (the package's README lists them too).
  mkdirSync(path.join(stageRoot, 'usr/share/lintian/overrides'), { recursive: true });
  copyFileSync(path.join(here, 'lintian-overrides'), path.join(stageRoot, 'usr/share/lintian/overrides', pkg.name));
  const date = new Date(Number(process.env.SOURCE_DATE_EPOCH ?? Math.floor(Date.now() / 1000)) * 1000).toUTCString().replace('GMT', '+0000');
  const changelog = `${pkg.name} (${version}) unstable; urgency=medium\n\n  * Built from commit ${commit}.\n\n -- ${maintainer}  ${date}\n`;
  writeFileSync(path.join(doc, 'changelog.gz'), gzipSync(changelog, { level: 9 }));

  const control = path.join(stageRoot, 'DEBIAN');
  mkdirSync(control, { recursive: true });
  const files = stagedFiles(stageRoot).filter((file) => !file.startsWith('DEBIAN/'));
  const installedKiB = Math.ceil(files.reduce((sum, file) => sum + statSync(path.join(stageRoot, file)).size, 0) / 1024);
  const depends = sharedLibraryDepends(stageRoot, arch);
  assertGlibcFloor(pkg, depends);
  const fields = { VERSION: version, ARCH: arch, MAINTAINER: maintainer, INSTALLED_SIZE: String(installedKiB), SHLIBS_DEPENDS: depends };
  const fill = (text) => text.replace(/#([A-Z_]+)#/g, (whole, name) => fields[name] ?? whole);
  writeFileSync(path.join(control, 'control'), fill(readFileSync(path.join(here, 'control.in'), 'utf8')));
  for (const script of MAINTAINER_SCRIPTS.filter((name) => existsSync(path.join(here, name)))) {
    writeFileSync(path.join(control, script), fill(expandIncludes(repoRoot, pkg, readFileSync(path.join(here, script), 'utf8'))));
    chmodSync(path.join(control, script), 0o755);
  }
  // Configuration files the admin edits: dpkg keeps their changes on upgrade and asks (or, with
  // --force-confold/confdef, decides) when the package's version changed too.
  if (existsSync(path.join(here, 'conffiles'))) copyFileSync(path.join(here, 'conffiles'), path.join(control, 'conffiles'));
  const md5sums = files.sort().map((file) => `${createHash('md5').update(readFileSync(path.join(stageRoot, file))).digest('hex')}  ${file}\n`);
  writeFileSync(path.join(control, 'md5sums'), md5sums.join(''));

  mkdirSync(outDir, { recursive: true });
  const deb = path.join(outDir, `${pkg.name}_${version}_${arch}.deb`);
  // xz at level 9: the node binary is most of the package; -9 takes it well under the 60 MB target.
  run('dpkg-deb', ['--root-owner-group', '-Zxz', '-z9', '--build', stageRoot, deb]);
  return deb;
}
