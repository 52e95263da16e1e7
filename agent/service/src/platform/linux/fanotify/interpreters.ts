import { readdirSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { isInterpreterName } from '../../../enforce/apps/interpreter-names';

// Programs that run other files as code (the one list, enforce/apps/interpreter-names.ts): a file
// one of them opens is judged like an exec by the helper (`INTERPRETER <path>`, native/README.md).

/** Where interpreters are installed (symlinks in them are followed). */
export const INTERPRETER_DIRS = ['/usr/bin', '/bin', '/usr/local/bin', '/usr/sbin', '/sbin'];

/**
 * The real paths of the interpreters installed on this host, deduplicated: `python3` → the
 * `python3.11` it links to. The helper matches a process by its executable's device and inode,
 * so hard links are covered too. Renamed copies of an interpreter are not (README: residuals).
 */
export function discoverInterpreters(dirs: readonly string[] = INTERPRETER_DIRS): string[] {
  const found = new Set<string>();
  for (const dir of dirs) {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      continue; // not on this host
    }
    for (const name of names) {
      if (!isInterpreterName(name)) continue;
      try {
        const real = realpathSync(path.join(dir, name));
        if (statSync(real).isFile()) found.add(real);
      } catch {
        // a dangling link
      }
    }
  }
  return [...found].sort();
}
