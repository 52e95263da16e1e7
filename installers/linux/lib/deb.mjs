// Turns a staged tree into a .deb with dpkg-deb (no debhelper needed on the build machine): control
// file, maintainer scripts with their shared shell functions inlined, conffiles, md5sums, changelog,
// copyright, lintian overrides. The same code builds every package of packages.mjs.
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { isCross } from './cross-target.mjs';
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
 * The shared-library dependencies of the package's ELF files (node, helpers, native modules) as
 * Debian package relations, computed by dpkg-shlibdeps from the build machine's package database,
 * e.g. `libc6 (>= 2.34), libgcc-s1 (>= 3.4), libstdc++6 (>= 11), libudev1 (>= 183)`.
 */
function sharedLibraryDepends(name, stageRoot, arch) {
  const elfFiles = stagedFiles(stageRoot).filter((file) => isElf(path.join(stageRoot, file)));
  // Another architecture's libraries are not installed here: the ELF files name them (foreign-depends.mjs).
  if (isCross(arch)) return foreignSharedLibraryDepends(arch, elfFiles.map((file) => path.join(stageRoot, file)));
  // dpkg-shlibdeps wants a source tree: a minimal debian/control in a scratch folder is enough.
  const scratch = mkdtempSync(path.join(os.tmpdir(), `${name}-shlibs-`));
  try {
    mkdirSync(path.join(scratch, 'debian'));
    writeFileSync(path.join(scratch, 'debian/control'), `Source: ${name}\n\nPackage: ${name}\nArchitecture: any\n`);
    // Its warnings are about N-API symbols the addons get from node at load time (plugins): expected.
    const output = run('dpkg-shlibdeps', ['-O', ...elfFiles.map((file) => `-e${path.join(stageRoot, file)}`)], { cwd: scratch, capture: true, quiet: true });
    const depends = /^shlibs:Depends=(.*)$/m.exec(output)?.[1];
    if (!depends) throw new Error(`dpkg-shlibdeps gave no dependencies: ${output}`);
    return depends;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
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
  const fields = { VERSION: version, ARCH: arch, MAINTAINER: maintainer, INSTALLED_SIZE: String(installedKiB), SHLIBS_DEPENDS: sharedLibraryDepends(pkg.name, stageRoot, arch) };
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
