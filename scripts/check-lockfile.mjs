// Fails when package.json (root and workspaces) and package-lock.json disagree, the way `npm ci`
// would refuse them on a fresh clone ("Missing: X from lock file", "does not satisfy"), but offline
// and in a fraction of a second, so `npm test` catches a stale lockfile before CI does.
// Usage: node scripts/check-lockfile.mjs [--root DIR]    exit 0: consistent, 1: problems listed.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const DEPENDENCY_FIELDS = ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies'];
const FIX_HINT = 'fix: run `npm install --package-lock-only` and commit package-lock.json';

/**
 * Lists every disagreement between the manifests under `rootDir` and its lockfile (empty when none).
 * @param {string} rootDir folder holding package.json and package-lock.json
 * @returns {string[]}
 */
export function lockfileProblems(rootDir) {
  const manifest = readJson(path.join(rootDir, 'package.json'));
  const lock = readJson(path.join(rootDir, 'package-lock.json'));
  if (!lock.packages || typeof lock.packages !== 'object') {
    return [`package-lock.json has no "packages" map (lockfileVersion ${lock.lockfileVersion}); npm ci needs lockfileVersion 2 or 3`];
  }
  const packages = lock.packages;
  const problems = [];
  problems.push(...manifestProblems('package.json', manifest, packages['']));
  for (const workspace of manifest.workspaces ?? []) {
    if (/[*?{]/.test(workspace)) {
      problems.push(`workspace pattern ${JSON.stringify(workspace)}: only literal workspace folders are checked`);
      continue;
    }
    const workspaceManifest = readJson(path.join(rootDir, workspace, 'package.json'));
    problems.push(...manifestProblems(`${workspace}/package.json`, workspaceManifest, packages[workspace]));
    const link = packages[`node_modules/${workspaceManifest.name}`];
    if (!link || link.link !== true || link.resolved !== workspace) {
      problems.push(`Missing: workspace link node_modules/${workspaceManifest.name} → ${workspace} from package-lock.json`);
    }
  }
  problems.push(...resolutionProblems(packages));
  return problems;
}

/** The manifest's name, version and dependency specs must be what the lockfile recorded for it. */
function manifestProblems(label, manifest, entry) {
  if (!entry) return [`Missing: ${label} (${manifest.name}) has no entry in package-lock.json`];
  const problems = [];
  for (const key of ['name', 'version']) {
    if (manifest[key] !== undefined && entry[key] !== undefined && manifest[key] !== entry[key]) {
      problems.push(`${label} ${key} is ${JSON.stringify(manifest[key])} but package-lock.json has ${JSON.stringify(entry[key])}`);
    }
  }
  for (const field of DEPENDENCY_FIELDS) {
    const wanted = manifest[field] ?? {};
    const locked = entry[field] ?? {};
    for (const [name, spec] of Object.entries(wanted)) {
      if (!(name in locked)) problems.push(`${label} ${field}.${name} (${spec}) is not in package-lock.json`);
      else if (locked[name] !== spec) problems.push(`${label} ${field}.${name} is ${spec} but package-lock.json has ${locked[name]}`);
    }
    for (const name of Object.keys(locked)) {
      if (!(name in wanted)) problems.push(`package-lock.json lists ${field}.${name} that ${label} no longer has`);
    }
  }
  return problems;
}

/** Every dependency of every locked package must resolve (Node's walk up the folders) to a locked package. */
function resolutionProblems(packages) {
  const problems = [];
  for (const [location, entry] of Object.entries(packages)) {
    if (entry.link) {
      if (!(entry.resolved in packages)) problems.push(`Missing: ${entry.resolved} (target of the link ${location}) from package-lock.json`);
      continue;
    }
    const optionalPeers = entry.peerDependenciesMeta ?? {};
    const required = [
      ...Object.entries(entry.dependencies ?? {}).map(([name, spec]) => ({ name, spec, kind: 'dependency' })),
      ...Object.entries(entry.optionalDependencies ?? {}).map(([name, spec]) => ({ name, spec, kind: 'optional dependency' })),
      ...Object.entries(entry.peerDependencies ?? {})
        .filter(([name]) => optionalPeers[name]?.optional !== true)
        .map(([name, spec]) => ({ name, spec, kind: 'peer dependency' })),
    ];
    for (const { name, spec, kind } of required) {
      const found = resolve(packages, location, name);
      const owner = location === '' ? 'the root package' : location;
      if (!found) {
        problems.push(`Missing: ${name} (${kind} ${spec} of ${owner}) from package-lock.json`);
      } else if (isExactVersion(spec) && found.entry.version !== undefined && found.entry.version !== spec) {
        problems.push(`Invalid: ${found.location}@${found.entry.version} does not satisfy ${name}@${spec} (${kind} of ${owner})`);
      }
    }
  }
  return problems;
}

/** Node's lookup: `<location>/node_modules/<name>`, then each parent folder's, up to the root. */
function resolve(packages, location, name) {
  let dir = location;
  for (;;) {
    const candidate = dir === '' ? `node_modules/${name}` : `${dir}/node_modules/${name}`;
    if (candidate in packages) {
      const entry = packages[candidate];
      return { location: candidate, entry: entry.link ? (packages[entry.resolved] ?? entry) : entry };
    }
    if (dir === '') return null;
    dir = parentPackageDir(dir);
  }
}

/** `node_modules/a/node_modules/b` → `node_modules/a`; `agent/service` → `` (workspaces sit under the root). */
function parentPackageDir(dir) {
  const cut = dir.lastIndexOf('/node_modules/');
  return cut === -1 ? '' : dir.slice(0, cut);
}

function isExactVersion(spec) {
  return /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(spec);
}

function readJson(file) {
  return JSON.parse(readFileSync(file, 'utf8'));
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { root: { type: 'string' } } });
  const rootDir = path.resolve(values.root ?? path.join(path.dirname(fileURLToPath(import.meta.url)), '..'));
  const problems = lockfileProblems(rootDir);
  if (problems.length === 0) {
    console.log('check-lockfile: package.json and package-lock.json agree');
  } else {
    for (const problem of problems) console.error(`check-lockfile: ${problem}`);
    console.error(`check-lockfile: ${FIX_HINT}`);
    process.exit(1);
  }
}
