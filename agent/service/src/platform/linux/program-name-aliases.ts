import { lstat, readlink } from 'node:fs/promises';
import path from 'node:path';
import type { AppsSection } from '@dlp/shared';

/** The standard program folders whose symlinks a name rule follows (issue 12 item 5). */
export const PROGRAM_DIRS = ['/usr/bin', '/bin', '/usr/sbin', '/sbin', '/usr/local/bin'] as const;

/** Most links followed from one name (`/usr/bin/x` → `/etc/alternatives/x` → …), like the kernel's limit. */
const MAX_HOPS = 40;

/**
 * The file names a program name reaches through symlinks in the standard program folders under
 * `hostRoot` (`python3` → `python3.11`; `editor` → `/etc/alternatives/editor` → `vim.basic`).
 * Absolute link targets are read under `hostRoot`, so tests use a fake tree. Never throws.
 */
export async function resolveProgramNameAliases(name: string, hostRoot = '/'): Promise<string[]> {
  const found = new Set<string>();
  for (const dir of PROGRAM_DIRS) {
    let current = path.posix.join(dir, name);
    for (let hop = 0; hop < MAX_HOPS; hop++) {
      let target: string;
      try {
        if (!(await lstat(path.join(hostRoot, current))).isSymbolicLink()) break;
        target = await readlink(path.join(hostRoot, current));
      } catch {
        break;
      }
      current = path.posix.resolve(path.posix.dirname(current), target);
      const base = path.posix.basename(current);
      if (base !== name && base.length > 0) found.add(base);
    }
  }
  return [...found].sort();
}

/**
 * A copy of `apps` where each name rule is followed by the same rule (same id, so events name the
 * admin's rule) for every name it resolves to: what the user runs matches, though the kernel and
 * /proc only ever show the resolved file.
 */
export async function withResolvedNameRules(
  apps: AppsSection,
  hostRoot = '/',
  resolve: (name: string) => Promise<readonly string[]> = (name) => resolveProgramNameAliases(name, hostRoot),
): Promise<AppsSection> {
  if (!apps.rules.some((r) => r.kind === 'name')) return apps;
  const rules: AppsSection['rules'] = [];
  for (const rule of apps.rules) {
    rules.push(rule);
    if (rule.kind !== 'name') continue;
    for (const alias of await resolve(rule.value)) rules.push({ ...rule, value: alias });
  }
  return { ...apps, rules };
}
