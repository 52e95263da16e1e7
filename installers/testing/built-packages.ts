import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './staged-layout';

/** What a package is built from: a change to any of these makes a built package stale. */
const AGENT_INPUTS = ['installers/linux', 'agent/service/src', 'agent/service/native', 'shared/src', 'scripts/bundle-node.mjs', 'package.json', 'package-lock.json'];

/** Build outputs and tests inside the inputs: they do not change what is packaged. */
const NOT_INPUT = /(^|\/)(build|test|node_modules)(\/|$)|\.test\.ts$/;

function newestMtimeMs(relative: string): number {
  const full = path.join(REPO_ROOT, relative);
  if (!existsSync(full) || NOT_INPUT.test(relative)) return 0;
  const info = statSync(full);
  if (!info.isDirectory()) return info.mtimeMs;
  return Math.max(0, ...readdirSync(full).map((entry) => newestMtimeMs(path.join(relative, entry))));
}

export interface AgentPackages { deb: string; rpm: string; built: boolean }

/**
 * The agent's .deb and .rpm for `arch` in dist/packages: the ones there when both are newer than
 * every file they are built from, else built now with `npm run package -- --arch <arch>` (minutes:
 * xz compressing the Node binary; the runtime and compiled modules come from dist/packages/cache).
 */
export function agentPackages(arch: 'amd64' | 'arm64', rpmArch: string): AgentPackages {
  const version = (JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  const deb = path.join(REPO_ROOT, 'dist/packages', `dlp-agent_${version}_${arch}.deb`);
  const rpm = path.join(REPO_ROOT, 'dist/packages', `dlp-agent-${version}-1.${rpmArch}.rpm`);
  const builtAt = Math.min(...[deb, rpm].map((file) => (existsSync(file) ? statSync(file).mtimeMs : 0)));
  const inputsAt = Math.max(...AGENT_INPUTS.map(newestMtimeMs));
  if (builtAt > inputsAt) return { deb, rpm, built: false };
  execFileSync(process.execPath, [path.join(REPO_ROOT, 'installers/linux/build-packages.mjs'), '--arch', arch, '--format', 'deb,rpm'], { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  return { deb, rpm, built: true };
}
