import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const repoRoot = path.resolve(__dirname, '../..');
const checker = path.join(repoRoot, 'scripts/check-lockfile.mjs');

type Json = Record<string, unknown>;
type Lock = { packages: Record<string, Json> };

function runChecker(rootDir: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [checker, '--root', rootDir], (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** A small project shaped like ours: one workspace, vite with a Windows-only optional dependency. */
function writeProject(dir: string, edit: (manifest: Json, workspace: Json, lock: Lock) => void = () => {}): void {
  const manifest: Json = { name: 'demo', version: '1.0.0', workspaces: ['agent/service'], devDependencies: { vite: '8.4.0' } };
  const workspace: Json = { name: '@demo/agent', version: '0.1.0', dependencies: { ws: '8.23.0' } };
  const lock: Lock = {
    packages: {
      '': { name: 'demo', version: '1.0.0', workspaces: ['agent/service'], devDependencies: { vite: '8.4.0' } },
      'agent/service': { name: '@demo/agent', version: '0.1.0', dependencies: { ws: '8.23.0' } },
      'node_modules/@demo/agent': { resolved: 'agent/service', link: true },
      'node_modules/ws': { version: '8.23.0', peerDependencies: { bufferutil: '^4.0.1' }, peerDependenciesMeta: { bufferutil: { optional: true } } },
      'node_modules/vite': { version: '8.4.0', dependencies: { picomatch: '^4.0.7' }, optionalDependencies: { 'napi-windows-process-start-time': '^0.1.0' } },
      'node_modules/vite/node_modules/picomatch': { version: '4.0.7' },
      'node_modules/napi-windows-process-start-time': { version: '0.1.0', optional: true, os: ['win32'] },
    },
  };
  edit(manifest, workspace, lock);
  mkdirSync(path.join(dir, 'agent/service'), { recursive: true });
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify(manifest));
  writeFileSync(path.join(dir, 'agent/service/package.json'), JSON.stringify(workspace));
  writeFileSync(path.join(dir, 'package-lock.json'), JSON.stringify({ name: 'demo', lockfileVersion: 3, requires: true, ...lock }));
}

describe('scripts/check-lockfile.mjs (npm ci must work on a fresh clone)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'check-lockfile-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("passes on this repository's own package.json files and lockfile", async () => {
    const copy = path.join(dir, 'repo');
    for (const file of ['package.json', 'package-lock.json']) cpSync(path.join(repoRoot, file), path.join(copy, file));
    const manifest = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { workspaces: string[] };
    for (const workspace of manifest.workspaces) cpSync(path.join(repoRoot, workspace, 'package.json'), path.join(copy, workspace, 'package.json'));
    const result = await runChecker(copy);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  it('passes on a consistent project (optional peers may be absent)', async () => {
    writeProject(dir);
    const result = await runChecker(dir);
    expect(result).toEqual({ code: 0, stdout: 'check-lockfile: package.json and package-lock.json agree\n', stderr: '' });
  });

  it("names a dependency's optional dependency missing from the lockfile (the vite case of issue 14)", async () => {
    writeProject(dir, (_m, _w, lock) => delete lock.packages['node_modules/napi-windows-process-start-time']);
    const result = await runChecker(dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Missing: napi-windows-process-start-time (optional dependency ^0.1.0 of node_modules/vite) from package-lock.json');
    expect(result.stderr).toContain('npm install --package-lock-only');
  });

  it('finds a workspace dependency changed, added or removed in package.json but not in the lockfile', async () => {
    writeProject(dir, (_m, workspace) => {
      workspace.dependencies = { ws: '8.24.0', zod: '4.6.7' };
    });
    const changed = await runChecker(dir);
    expect(changed.code).toBe(1);
    expect(changed.stderr).toContain('agent/service/package.json dependencies.ws is 8.24.0 but package-lock.json has 8.23.0');
    expect(changed.stderr).toContain('agent/service/package.json dependencies.zod (4.6.7) is not in package-lock.json');

    writeProject(dir, (manifest) => {
      manifest.devDependencies = {};
    });
    const removed = await runChecker(dir);
    expect(removed.stderr).toContain('package-lock.json lists devDependencies.vite that package.json no longer has');
  });

  it('finds a locked package whose version no longer satisfies an exact spec, and a missing workspace link', async () => {
    writeProject(dir, (_m, _w, lock) => {
      lock.packages['node_modules/ws'] = { version: '8.22.0' };
      delete lock.packages['node_modules/@demo/agent'];
    });
    const result = await runChecker(dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Invalid: node_modules/ws@8.22.0 does not satisfy ws@8.23.0 (dependency of agent/service)');
    expect(result.stderr).toContain('Missing: workspace link node_modules/@demo/agent → agent/service from package-lock.json');
  });

  it('resolves nested dependencies the way Node does (own node_modules first, then the parents)', async () => {
    writeProject(dir, (_m, _w, lock) => delete lock.packages['node_modules/vite/node_modules/picomatch']);
    const result = await runChecker(dir);
    expect(result.stderr).toContain('Missing: picomatch (dependency ^4.0.7 of node_modules/vite) from package-lock.json');
    writeProject(dir, (_m, _w, lock) => {
      lock.packages['node_modules/picomatch'] = lock.packages['node_modules/vite/node_modules/picomatch'] ?? {};
      delete lock.packages['node_modules/vite/node_modules/picomatch'];
    });
    expect((await runChecker(dir)).code).toBe(0);
  });
});
