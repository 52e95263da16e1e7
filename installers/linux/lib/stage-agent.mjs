// Lays out the agent's installed files under a staging root, the same tree for every package format:
//   /usr/lib/dlp-agent/   node (bundled runtime), service.js (esbuild bundle), node_modules/ (the
//                         native modules the bundle leaves external), dlp-exec-guard, configure-agent,
//                         agent-status.js, VERSION
//   /usr/bin/dlp-agent    the command on PATH
//   /lib/systemd/system/dlp-agent.service
//   /usr/share/doc/dlp-agent/   README.md, agent.conf.example, <module>-LICENSE (Node's and each module's)
//   /usr/share/man/man1/dlp-agent.1.gz
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { bundleNode } from '../../../scripts/bundle-node.mjs';
import { run } from './run.mjs';

export const LIB_DIR = 'usr/lib/dlp-agent';

/**
 * Modules the agent bundle requires at run time (scripts/bundle-node.mjs keeps native modules
 * external), with only the files they load: sqlite3 (outbox, data dir lock) through `bindings`, and
 * usb (hotplug) through `node-gyp-build` with the prebuilt binary of the target only.
 * @param {string} nodeArch x64 or arm64
 */
function runtimeModules(nodeArch) {
  return [
    { name: 'sqlite3', license: 'LICENSE', files: ['package.json', 'lib/sqlite3.js', 'lib/sqlite3-binding.js', 'lib/trace.js', 'build/Release/node_sqlite3.node'] },
    { name: 'bindings', license: 'LICENSE.md', files: ['package.json', 'bindings.js'] },
    { name: 'file-uri-to-path', license: 'LICENSE', files: ['package.json', 'index.js'] },
    { name: 'usb', license: 'LICENSE', files: ['package.json', 'dist', `prebuilds/linux-${nodeArch}/node.napi.glibc.node`] },
    { name: 'node-gyp-build', license: 'LICENSE', files: ['package.json', 'index.js', 'node-gyp-build.js'] },
  ];
}

/** The C compiler flags Debian builds its own packages with (stack protector, fortify, relro, now). */
function hardenedBuildFlags() {
  const env = { ...process.env, DEB_BUILD_MAINT_OPTIONS: 'hardening=+all' };
  const flag = (name) => run('dpkg-buildflags', ['--get', name], { env, capture: true }).trim();
  return { CFLAGS: `${flag('CFLAGS')} ${flag('CPPFLAGS')}`, LDFLAGS: flag('LDFLAGS') };
}

/**
 * Stages every installed file of the agent package under `stageRoot`.
 * @param {{ repoRoot: string, stageRoot: string, runtimeTarball: string, nodeArch: string, version: string, cc?: string }} options
 */
export async function stageAgent({ repoRoot, stageRoot, runtimeTarball, nodeArch, version, cc }) {
  const here = path.join(repoRoot, 'installers/linux');
  const lib = path.join(stageRoot, LIB_DIR);
  const doc = path.join(stageRoot, 'usr/share/doc/dlp-agent');
  for (const dir of [lib, doc, path.join(stageRoot, 'usr/bin'), path.join(stageRoot, 'lib/systemd/system')]) mkdirSync(dir, { recursive: true });
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'dlp-agent-stage-'));
  try {
    // The runtime: only the node binary (no npm, headers or docs), without its debug sections.
    run('tar', ['-xzf', runtimeTarball, '-C', scratch, 'package/bin/node', 'package/LICENSE']);
    copyFileSync(path.join(scratch, 'package/bin/node'), path.join(lib, 'node'));
    // Only the symbol table goes: native modules link against .dynsym, which strip keeps.
    run('strip', ['--strip-unneeded', '--remove-section=.comment', path.join(lib, 'node')]);
    copyFileSync(path.join(scratch, 'package/LICENSE'), path.join(doc, 'node-LICENSE'));

    await bundleNode(path.join(repoRoot, 'agent/service/src/main.ts'), path.join(lib, 'service.js'), { sourcemap: false });

    for (const module of runtimeModules(nodeArch)) {
      for (const file of module.files) {
        const from = path.join(repoRoot, 'node_modules', module.name, file);
        if (!existsSync(from)) throw new Error(`${from} is missing: run npm ci (the package takes native modules from node_modules)`);
        cpSync(from, path.join(lib, 'node_modules', module.name, file), { recursive: true, filter: (source) => !source.endsWith('.map') && !source.endsWith('.d.ts') });
      }
      // Licenses live with the package's documentation (Debian policy), one file per module.
      copyFileSync(path.join(repoRoot, 'node_modules', module.name, module.license), path.join(doc, `${module.name}-LICENSE`));
    }
    for (const addon of filesUnder(path.join(lib, 'node_modules')).filter((file) => file.endsWith('.node'))) {
      run('strip', ['--strip-unneeded', '--remove-section=.comment', addon]);
      chmodSync(addon, 0o644);
    }

    // The native helper, compiled for the target from a clean object folder with Debian's flags.
    const flags = hardenedBuildFlags();
    const build = path.join(scratch, 'native');
    run('make', ['-s', '-C', path.join(repoRoot, 'agent/service/native'), `BUILD=${build}`], { env: { ...process.env, ...flags, ...(cc ? { CC: cc } : {}) } });
    copyFileSync(path.join(build, 'dlp-exec-guard'), path.join(lib, 'dlp-exec-guard'));
    run('strip', ['--strip-unneeded', '--remove-section=.comment', path.join(lib, 'dlp-exec-guard')]);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
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

  for (const executable of [path.join(lib, 'node'), path.join(lib, 'dlp-exec-guard'), path.join(lib, 'configure-agent'), path.join(stageRoot, 'usr/bin/dlp-agent')]) chmodSync(executable, 0o755);
  run('chmod', ['-R', 'u+rwX,go+rX,go-w', stageRoot]);
}

/** Every regular file under `dir`, as absolute paths. */
export function filesUnder(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return filesUnder(full);
    return entry.isFile() ? [full] : [];
  });
}

/** Inlines the response-file functions into a maintainer script template. */
export function withResponseFunctions(repoRoot, template) {
  const functions = readFileSync(path.join(repoRoot, 'installers/linux/common/response-file.sh'), 'utf8');
  return template.replace('#RESPONSE_FILE_FUNCTIONS#', () => functions);
}
