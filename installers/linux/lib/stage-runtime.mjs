// What every Linux package stages the same way: the bundled Node binary, the node_modules its bundle
// leaves external (native and pure-JS), their licenses next to the package's documentation, and the
// final permissions. stage-agent.mjs and stage-console.mjs lay out their own files around these.
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { archOfElf, toolFor } from './cross-target.mjs';
import { run } from './run.mjs';

/**
 * sqlite3 with only the files it loads (through `bindings`), for the console (the agent uses the
 * runtime's node:sqlite); N-API, so the one binary loads in any Node major.
 */
export const SQLITE3_MODULES = [
  { name: 'sqlite3', license: 'LICENSE', files: ['package.json', 'lib/sqlite3.js', 'lib/sqlite3-binding.js', 'lib/trace.js', 'build/Release/node_sqlite3.node'] },
  { name: 'bindings', license: 'LICENSE.md', files: ['package.json', 'bindings.js'] },
  { name: 'file-uri-to-path', license: 'LICENSE', files: ['package.json', 'index.js'] },
];

/**
 * better-sqlite3 (the console's SQLite store, in a worker thread) is built against one Node ABI, not
 * N-API: the copy in node_modules fits the build machine's Node, not the bundled one. So it is
 * compiled here against the bundled runtime's own headers (its package ships include/node), once per
 * module and Node version, into the cache folder. Needs python3, make and a C++ compiler.
 * @param {{ repoRoot: string, runtimeTarball: string, runtimeVersion: string, nodeArch: string, cacheDir: string }} options
 * @returns {string} the compiled better_sqlite3.node
 */
export function betterSqliteForRuntime({ repoRoot, runtimeTarball, runtimeVersion, nodeArch, cacheDir }) {
  const source = path.join(repoRoot, 'node_modules/better-sqlite3');
  const moduleVersion = JSON.parse(readFileSync(path.join(source, 'package.json'), 'utf8')).version;
  const cached = path.join(cacheDir, `better-sqlite3-${moduleVersion}-node-${runtimeVersion}-linux-${nodeArch}.node`);
  if (existsSync(cached)) return cached;
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'dlp-better-sqlite3-'));
  try {
    run('tar', ['-xzf', runtimeTarball, '-C', scratch, 'package/include']);
    const moduleDir = path.join(scratch, 'better-sqlite3');
    cpSync(source, moduleDir, { recursive: true, filter: (entry) => path.relative(source, entry) !== 'build' });
    // An npm config's nodedir (set on some machines for the default Node) must not win over ours.
    const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_config_(nodedir|target|arch|runtime)$/i.test(name)));
    run(process.execPath, [path.join(repoRoot, 'node_modules/node-gyp/bin/node-gyp.js'), 'rebuild', '--release', `--nodedir=${path.join(scratch, 'package')}`, `--arch=${nodeArch}`, `--jobs=${os.availableParallelism()}`], { cwd: moduleDir, env, capture: true, quiet: true });
    mkdirSync(cacheDir, { recursive: true });
    copyFileSync(path.join(moduleDir, 'build/Release/better_sqlite3.node'), cached);
    return cached;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * Strips the symbol table of an ELF file; `.dynsym`, which native modules link against, stays. The
 * `strip` of the file's own architecture (the build machine's one does not know other machines').
 */
export function stripElf(file) {
  const arch = archOfElf(file);
  run(arch === undefined ? 'strip' : toolFor(arch, 'strip'), ['--strip-unneeded', '--remove-section=.comment', file]);
}

/**
 * Copies the runtime's `bin/node` (no npm, headers or docs) to `<libDir>/node`, stripped, and its
 * license to `<docDir>/node-LICENSE`.
 * @param {{ runtimeTarball: string, libDir: string, docDir: string }} options
 */
export function stageNodeBinary({ runtimeTarball, libDir, docDir }) {
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'dlp-node-runtime-'));
  try {
    run('tar', ['-xzf', runtimeTarball, '-C', scratch, 'package/bin/node', 'package/LICENSE']);
    copyFileSync(path.join(scratch, 'package/bin/node'), path.join(libDir, 'node'));
    stripElf(path.join(libDir, 'node'));
    copyFileSync(path.join(scratch, 'package/LICENSE'), path.join(docDir, 'node-LICENSE'));
    chmodSync(path.join(libDir, 'node'), 0o755);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Files of a pure-JS package that are not needed at run time (types, sources, maps, docs, tests, its authors' tool settings such as .travis.yml). */
const NOT_RUNTIME = /(^\..+|\.d\.ts|\.ts|\.map|\.md|^Makefile|^test|^bench\.js|^license(\.\w+)?|^licence(\.\w+)?)$/i;

/**
 * A pure-JS package and every package it depends on (dependencies and optional ones present in
 * node_modules), resolved the way Node resolves them, as entries for stageModules: whole folders
 * without types, sources, maps and docs.
 * @param {string} repoRoot
 * @param {string} name
 */
export function pureJsModuleTree(repoRoot, name) {
  const found = new Map();
  const visit = (moduleName, fromDir) => {
    // Node looks in <dir>/node_modules from the requiring package upwards.
    for (let dir = fromDir; ; dir = path.dirname(dir)) {
      const candidate = path.join(dir, 'node_modules', moduleName);
      if (existsSync(path.join(candidate, 'package.json'))) {
        const relative = path.relative(path.join(repoRoot, 'node_modules'), candidate);
        if (found.has(relative)) return;
        const manifest = JSON.parse(readFileSync(path.join(candidate, 'package.json'), 'utf8'));
        const license = readdirSync(candidate).find((file) => /^licen[cs]e(\.\w+)?$/i.test(file));
        found.set(relative, { name: relative, license, licenseName: manifest.license, files: ['.'] });
        for (const dependency of Object.keys({ ...manifest.dependencies, ...manifest.optionalDependencies })) visit(dependency, candidate);
        return;
      }
      if (dir === repoRoot || path.dirname(dir) === dir) throw new Error(`${moduleName} (needed by ${fromDir}) is not in node_modules: run npm ci`);
    }
  };
  visit(name, repoRoot);
  return [...found.values()];
}

/**
 * Copies `modules` from the repository's node_modules into `<libDir>/node_modules` (only the listed
 * files), each license to `<docDir>/<name>-LICENSE` (Debian policy), and strips native addons.
 * @param {{ repoRoot: string, libDir: string, docDir: string, modules: { name: string, license?: string, licenseName?: string, files: string[] }[] }} options
 */
export function stageModules({ repoRoot, libDir, docDir, modules }) {
  for (const module of modules) {
    const source = path.join(repoRoot, 'node_modules', module.name);
    for (const file of module.files) {
      const from = path.join(source, file);
      if (!existsSync(from)) throw new Error(`${from} is missing: run npm ci (the package takes its modules from node_modules)`);
      cpSync(from, path.join(libDir, 'node_modules', module.name, file), {
        recursive: true,
        filter: (entry) => !NOT_RUNTIME.test(path.basename(entry)) && !path.relative(source, entry).split(path.sep).includes('node_modules'),
      });
    }
    const licenseFile = path.join(docDir, `${module.name.replaceAll('/', '-')}-LICENSE`);
    if (module.license !== undefined) copyFileSync(path.join(source, module.license), licenseFile);
    else writeFileSync(licenseFile, `${module.name}: license ${module.licenseName ?? 'unknown'} (package.json); the package ships no license text.\n`);
  }
  removeEmptyFolders(path.join(libDir, 'node_modules'));
  for (const addon of filesUnder(path.join(libDir, 'node_modules')).filter((file) => file.endsWith('.node'))) {
    stripElf(addon);
    chmodSync(addon, 0o644);
  }
}

/** Deletes the folders under `dir` that the file filter left empty (sources of a module, e.g.). */
function removeEmptyFolders(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const sub = path.join(dir, entry.name);
    removeEmptyFolders(sub);
    if (readdirSync(sub).length === 0) rmSync(sub, { recursive: true });
  }
}

/** Strips a compiled program of ours and makes it executable. */
export function stageProgram(from, to) {
  copyFileSync(from, to);
  stripElf(to);
  chmodSync(to, 0o755);
}

/** Makes `executables` 0755 and everything else in the tree readable by all, writable by root only. */
export function finishPermissions(stageRoot, executables) {
  for (const executable of executables) chmodSync(executable, 0o755);
  run('chmod', ['-R', 'u+rwX,go+rX,go-w', stageRoot]);
}

/** Throws when a path a package's layout promises was not staged (the layout and the build agree). */
export function assertStaged(root, relativePaths) {
  const missing = relativePaths.filter((relative) => !existsSync(path.join(root, relative)));
  if (missing.length > 0) throw new Error(`staged tree ${root} lacks ${missing.join(', ')}`);
}

/** Every regular file under `dir`, as absolute paths. */
export function filesUnder(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return filesUnder(full);
    return entry.isFile() ? [full] : [];
  });
}
