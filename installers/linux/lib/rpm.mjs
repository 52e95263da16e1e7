// Turns the staged tree into an .rpm with rpmbuild (Debian's `rpm` package has it): the package's
// spec (<templates>/rpm/<name>.spec.in) with the scriptlets of <templates>/rpm/*.sh, which inline the
// same shell functions as the .deb's maintainer scripts.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expandIncludes } from './packages.mjs';
import { run } from './run.mjs';

/** Debian architecture → RPM architecture. */
const RPM_ARCH = { amd64: 'x86_64', arm64: 'aarch64' };
const SCRIPTLETS = ['pre', 'post', 'preun', 'postun'];

/**
 * Builds `<outDir>/<name>-<version>-1.<arch>.rpm` from the staged tree and returns its path.
 * @param {{ repoRoot: string, pkg: import('./packages.mjs').PackageDescription, stageRoot: string, outDir: string, version: string, arch: string, maintainer: string, commit: string }} options
 */
export function buildRpm({ repoRoot, pkg, stageRoot, outDir, version, arch, maintainer, commit }) {
  const here = path.join(repoRoot, pkg.templates, 'rpm');
  const rpmArch = RPM_ARCH[arch];
  // Scriptlet text goes into the spec, where rpmbuild would expand `%…`: every % is doubled.
  const scriptlet = (name) => {
    const file = path.join(here, `${name}.sh`);
    if (!existsSync(file)) return 'exit 0';
    return expandIncludes(repoRoot, pkg, readFileSync(file, 'utf8')).replaceAll('#VERSION#', version).replaceAll('%', '%%').trimEnd();
  };
  // %changelog wants "Sun Dec 06 2026".
  const [weekday, month, day, year] = new Date().toDateString().split(' ');
  const fields = { VERSION: version, RPM_ARCH: rpmArch, STAGE: stageRoot, MAINTAINER: maintainer, COMMIT: commit, CHANGELOG_DATE: `${weekday} ${month} ${day} ${year}` };
  for (const name of SCRIPTLETS) fields[name.toUpperCase()] = scriptlet(name);
  const spec = readFileSync(path.join(here, `${pkg.name}.spec.in`), 'utf8').replace(/#([A-Z_]+)#/g, (whole, name) => fields[name] ?? whole);
  const topdir = mkdtempSync(path.join(os.tmpdir(), `${pkg.name}-rpm-`));
  try {
    const specFile = path.join(topdir, `${pkg.name}.spec`);
    writeFileSync(specFile, spec);
    mkdirSync(outDir, { recursive: true });
    run('rpmbuild', [
      '-bb', specFile, '--quiet',
      '--define', `_topdir ${topdir}`,
      '--define', `_rpmdir ${outDir}`,
      '--define', '_build_name_fmt %%{NAME}-%%{VERSION}-%%{RELEASE}.%%{ARCH}.rpm',
      '--target', rpmArch,
    ]);
  } finally {
    rmSync(topdir, { recursive: true, force: true });
  }
  return path.join(outDir, `${pkg.name}-${version}-1.${rpmArch}.rpm`);
}
