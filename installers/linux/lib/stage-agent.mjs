// Lays out the agent's installed files under a staging root, the same tree for every package format:
//   /usr/lib/dlp-agent/   node (bundled runtime), service.js (esbuild bundle), node_modules/ (the
//                         native modules the bundle leaves external), dlp-exec-guard, configure-agent,
//                         agent-status.js, VERSION
//   /usr/bin/dlp-agent    the command on PATH
//   /lib/systemd/system/dlp-agent.service
//   /usr/share/doc/dlp-agent/   README.md, agent.conf.example, <module>-LICENSE (Node's and each module's)
//   /usr/share/man/man1/dlp-agent.1.gz
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { bundleNode } from '../../../scripts/bundle-node.mjs';
import { archOfElf, isCross, TARGETS, toolFor } from './cross-target.mjs';
import { run } from './run.mjs';
import { assertStaged, finishPermissions, stageModules, stageNodeBinary, stageProgram } from './stage-runtime.mjs';

export const LIB_DIR = 'usr/lib/dlp-agent';

/**
 * What stageAgent puts in LIB_DIR (checked at the end of every build). The Windows and macOS package
 * definitions take the agent's platform-neutral files (service.js, VERSION) from this staged tree.
 */
export const AGENT_PROGRAM_FILES = ['node', 'service.js', 'node_modules', 'dlp-exec-guard', 'configure-agent', 'agent-status.js', 'VERSION'];

/**
 * Modules the agent bundle requires at run time (scripts/bundle-node.mjs keeps native modules
 * external), with only the files they load: usb (hotplug) through `node-gyp-build` with the
 * prebuilt binary of the target only. No SQLite module: on the bundled runtime (Node 22.23) the
 * agent's database and data-dir lock use Node's own `node:sqlite` (shared/src/node/sqlite.ts), so
 * the package carries no compiled module that would need a newer glibc than Node's own 2.28.
 * @param {string} arch amd64 or arm64
 */
function runtimeModules(arch) {
  const { nodeArch, usbPrebuild } = TARGETS[arch];
  return [
    { name: 'usb', license: 'LICENSE', files: ['package.json', 'dist', `prebuilds/linux-${nodeArch}/${usbPrebuild}`] },
    { name: 'node-gyp-build', license: 'LICENSE', files: ['package.json', 'index.js', 'node-gyp-build.js'] },
  ];
}

/** The C compiler flags Debian builds its own packages with for `arch` (stack protector, fortify, relro, now). */
function hardenedBuildFlags(arch) {
  const env = { ...process.env, DEB_BUILD_MAINT_OPTIONS: 'hardening=+all', DEB_HOST_ARCH: arch };
  const flag = (name) => run('dpkg-buildflags', ['--get', name], { env, capture: true }).trim();
  return { CFLAGS: `${flag('CFLAGS')} ${flag('CPPFLAGS')}`, LDFLAGS: flag('LDFLAGS') };
}

/**
 * Stages every installed file of the agent package for `arch` under `stageRoot`.
 * @param {{ repoRoot: string, stageRoot: string, runtimeTarball: string, arch: string, version: string, cc?: string }} options
 */
export async function stageAgent({ repoRoot, stageRoot, runtimeTarball, arch, version, cc }) {
  const here = path.join(repoRoot, 'installers/linux');
  const lib = path.join(stageRoot, LIB_DIR);
  const doc = path.join(stageRoot, 'usr/share/doc/dlp-agent');
  for (const dir of [lib, doc, path.join(stageRoot, 'usr/bin'), path.join(stageRoot, 'lib/systemd/system')]) mkdirSync(dir, { recursive: true });
  stageNodeBinary({ runtimeTarball, libDir: lib, docDir: doc });
  await bundleNode(path.join(repoRoot, 'agent/service/src/main.ts'), path.join(lib, 'service.js'), { sourcemap: false });
  stageModules({ repoRoot, libDir: lib, docDir: doc, modules: runtimeModules(arch) });
  // The native helper, compiled for the target from a clean object folder with Debian's flags.
  // Across architectures without the BPF LSM half: its static libbpf/libelf/zlib and the kernel's
  // BTF would have to be the target's (not installable beside the build machine's here); the
  // helper then blocks with fanotify and reports "BPF LSM: not built in" in its capability.
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'dlp-agent-native-'));
  try {
    const flags = hardenedBuildFlags(arch);
    const compiler = cc ?? (isCross(arch) ? toolFor(arch, 'gcc') : undefined);
    run('make', ['-s', '-C', path.join(repoRoot, 'agent/service/native'), `BUILD=${scratch}`], { env: { ...process.env, ...flags, ...(compiler ? { CC: compiler } : {}), ...(isCross(arch) ? { DLP_BPF_LSM: '0' } : {}) } });
    stageProgram(path.join(scratch, 'dlp-exec-guard'), path.join(lib, 'dlp-exec-guard'));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  // Every compiled file must be the target's: a stray build-machine binary would not start there.
  for (const file of [path.join(lib, 'node'), path.join(lib, 'dlp-exec-guard')]) {
    if (archOfElf(file) !== arch) throw new Error(`${file} is not an ${arch} ELF file`);
  }

  copyFileSync(path.join(here, 'files/agent-status.js'), path.join(lib, 'agent-status.js'));
  const responseFunctions = readFileSync(path.join(here, 'common/response-file.sh'), 'utf8');
  const configureMain = readFileSync(path.join(here, 'common/configure-agent-main.sh'), 'utf8');
  writeFileSync(path.join(lib, 'configure-agent'), `#!/bin/sh\nset -e\n${responseFunctions}\n${configureMain}`);
  writeFileSync(path.join(lib, 'VERSION'), `${version}\n`);
  copyFileSync(path.join(here, 'files/dlp-agent'), path.join(stageRoot, 'usr/bin/dlp-agent'));
  copyFileSync(path.join(here, 'files/dlp-agent.service'), path.join(stageRoot, 'lib/systemd/system/dlp-agent.service'));
  copyFileSync(path.join(here, 'README.md'), path.join(doc, 'README.md'));
  copyFileSync(path.join(here, 'files/agent.conf.example'), path.join(doc, 'agent.conf.example'));
  mkdirSync(path.join(stageRoot, 'usr/share/man/man1'), { recursive: true });
  writeFileSync(path.join(stageRoot, 'usr/share/man/man1/dlp-agent.1.gz'), gzipSync(readFileSync(path.join(here, 'files/dlp-agent.1')), { level: 9 }));

  finishPermissions(stageRoot, [path.join(lib, 'node'), path.join(lib, 'dlp-exec-guard'), path.join(lib, 'configure-agent'), path.join(stageRoot, 'usr/bin/dlp-agent')]);
  assertStaged(lib, AGENT_PROGRAM_FILES);
}
