// Turns the staged tree into an .rpm with rpmbuild (Debian's `rpm` package has it): the spec in
// rpm/dlp-agent.spec.in with the scriptlets of rpm/*.sh, which inline the same response-file checks.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { withResponseFunctions } from './stage-agent.mjs';
import { run } from './run.mjs';

/** Debian architecture → RPM architecture. */
const RPM_ARCH = { amd64: 'x86_64', arm64: 'aarch64' };

/**
 * Builds `<outDir>/dlp-agent-<version>-1.<arch>.rpm` from the staged tree and returns its path.
 * @param {{ repoRoot: string, stageRoot: string, outDir: string, version: string, arch: string, maintainer: string, commit: string }} options
 */
export function buildRpm({ repoRoot, stageRoot, outDir, version, arch, maintainer, commit }) {
  const here = path.join(repoRoot, 'installers/linux/rpm');
  const rpmArch = RPM_ARCH[arch];
  // Scriptlet text goes into the spec, where rpmbuild would expand `%…`: every % is doubled.
  const scriptlet = (name) => withResponseFunctions(repoRoot, readFileSync(path.join(here, `${name}.sh`), 'utf8')).replaceAll('#VERSION#', version).replaceAll('%', '%%').trimEnd();
  // %changelog wants "Sun Dec 06 2026".
  const [weekday, month, day, year] = new Date().toDateString().split(' ');
  const fields = { VERSION: version, RPM_ARCH: rpmArch, STAGE: stageRoot, MAINTAINER: maintainer, COMMIT: commit, CHANGELOG_DATE: `${weekday} ${month} ${day} ${year}`, PRE: scriptlet('pre'), POST: scriptlet('post'), PREUN: scriptlet('preun'), POSTUN: scriptlet('postun') };
  const spec = readFileSync(path.join(here, 'dlp-agent.spec.in'), 'utf8').replace(/#([A-Z_]+)#/g, (whole, name) => fields[name] ?? whole);
  const topdir = mkdtempSync(path.join(os.tmpdir(), 'dlp-agent-rpm-'));
  try {
    const specFile = path.join(topdir, 'dlp-agent.spec');
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
  return path.join(outDir, `dlp-agent-${version}-1.${rpmArch}.rpm`);
}
