// The Linux packages `build-packages.mjs` can build, each described once: its name, the folder of its
// templates (debian/, rpm/), the shell files the build inlines into its maintainer scripts, and the
// function that stages its installed files. deb.mjs and rpm.mjs work from these descriptions alone.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { stageAgent } from './stage-agent.mjs';
import { stageConsole } from './stage-console.mjs';

/**
 * @typedef {{ repoRoot: string, stageRoot: string, runtimeTarball: string, runtimeVersion: string, arch: string, nodeArch: string, cacheDir: string, version: string, cc?: string, webDir?: string }} StageOptions
 * @typedef {{ name: string, templates: string, includes: Record<string, string>, stage: (options: StageOptions) => Promise<void>, glibcFloor?: string }} PackageDescription
 */

/** @type {Record<string, PackageDescription>} */
export const PACKAGES = {
  agent: {
    name: 'dlp-agent',
    templates: 'installers/linux',
    includes: { RESPONSE_FILE_FUNCTIONS: 'installers/linux/common/response-file.sh', PACKAGE_VERSION_FUNCTIONS: 'installers/linux/common/package-version.sh' },
    stage: stageAgent,
    // The oldest glibc of the desktops it installs on (UOS 20, Kylin V10; the bundled Node needs the
    // same): the build fails when a compiled file needs a newer one (deb.mjs, assertGlibcFloor).
    glibcFloor: '2.28',
  },
  console: {
    name: 'dlp-console',
    templates: 'installers/linux/console',
    includes: { CONSOLE_SETUP_FUNCTIONS: 'installers/linux/console/common/console-setup.sh', PACKAGE_VERSION_FUNCTIONS: 'installers/linux/common/package-version.sh' },
    stage: stageConsole,
  },
};

/**
 * Replaces each `#NAME#` of `pkg.includes` in a maintainer-script template by that file's text, so
 * a check written once runs the same in the .deb's and the .rpm's scripts.
 * @param {string} repoRoot
 * @param {PackageDescription} pkg
 * @param {string} template
 */
export function expandIncludes(repoRoot, pkg, template) {
  let text = template;
  for (const [placeholder, file] of Object.entries(pkg.includes)) {
    const included = readFileSync(path.join(repoRoot, file), 'utf8');
    text = text.replaceAll(`#${placeholder}#`, () => included);
  }
  return text;
}
