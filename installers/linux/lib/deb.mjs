// Turns a staged tree into a .deb with dpkg-deb (no debhelper needed on the build machine): control
// file, maintainer scripts with the response-file checks inlined, md5sums, changelog, copyright.
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { filesUnder, LIB_DIR, withResponseFunctions } from './stage-agent.mjs';
import { run } from './run.mjs';

const MAINTAINER_SCRIPTS = ['preinst', 'postinst', 'prerm', 'postrm'];

/** Files of the staged tree relative to its root. */
function stagedFiles(stageRoot) {
  return filesUnder(stageRoot).map((file) => path.relative(stageRoot, file));
}

/** Highest GLIBC_x.y version our compiled files require (their ELF version references): the libc6 dependency. */
function glibcNeeded(stageRoot) {
  const binaries = [`${LIB_DIR}/node`, `${LIB_DIR}/dlp-exec-guard`, ...stagedFiles(stageRoot).filter((file) => file.endsWith('.node'))];
  let highest = '2.17';
  for (const binary of binaries) {
    const symbols = run('objdump', ['-p', path.join(stageRoot, binary)], { capture: true });
    for (const match of symbols.matchAll(/GLIBC_(\d+)\.(\d+)/g)) {
      const version = `${match[1]}.${match[2]}`;
      const [a, b] = [version, highest].map((v) => v.split('.').map(Number));
      if (a[0] > b[0] || (a[0] === b[0] && a[1] > b[1])) highest = version;
    }
  }
  return highest;
}

/**
 * Builds `<outDir>/dlp-agent_<version>_<arch>.deb` from the staged tree and returns its path.
 * @param {{ repoRoot: string, stageRoot: string, outDir: string, version: string, arch: string, maintainer: string, commit: string }} options
 */
export function buildDeb({ repoRoot, stageRoot, outDir, version, arch, maintainer, commit }) {
  const here = path.join(repoRoot, 'installers/linux/debian');
  const doc = path.join(stageRoot, 'usr/share/doc/dlp-agent');
  copyFileSync(path.join(here, 'copyright'), path.join(doc, 'copyright'));
  const date = new Date(Number(process.env.SOURCE_DATE_EPOCH ?? Math.floor(Date.now() / 1000)) * 1000).toUTCString().replace('GMT', '+0000');
  const changelog = `dlp-agent (${version}) unstable; urgency=medium\n\n  * Built from commit ${commit}.\n\n -- ${maintainer}  ${date}\n`;
  writeFileSync(path.join(doc, 'changelog.gz'), gzipSync(changelog, { level: 9 }));

  const control = path.join(stageRoot, 'DEBIAN');
  mkdirSync(control, { recursive: true });
  const files = stagedFiles(stageRoot).filter((file) => !file.startsWith('DEBIAN/'));
  const installedKiB = Math.ceil(files.reduce((sum, file) => sum + statSync(path.join(stageRoot, file)).size, 0) / 1024);
  const fields = { VERSION: version, ARCH: arch, MAINTAINER: maintainer, INSTALLED_SIZE: String(installedKiB), GLIBC: glibcNeeded(stageRoot) };
  const fill = (text) => text.replace(/#([A-Z_]+)#/g, (whole, name) => fields[name] ?? whole);
  writeFileSync(path.join(control, 'control'), fill(readFileSync(path.join(here, 'control.in'), 'utf8')));
  for (const script of MAINTAINER_SCRIPTS) {
    writeFileSync(path.join(control, script), fill(withResponseFunctions(repoRoot, readFileSync(path.join(here, script), 'utf8'))));
    chmodSync(path.join(control, script), 0o755);
  }
  const md5sums = files.sort().map((file) => `${createHash('md5').update(readFileSync(path.join(stageRoot, file))).digest('hex')}  ${file}\n`);
  writeFileSync(path.join(control, 'md5sums'), md5sums.join(''));

  mkdirSync(outDir, { recursive: true });
  const deb = path.join(outDir, `dlp-agent_${version}_${arch}.deb`);
  // xz at level 9: the node binary is most of the package; -9 takes it well under the 60 MB target.
  run('dpkg-deb', ['--root-owner-group', '-Zxz', '-z9', '--build', stageRoot, deb]);
  return deb;
}
