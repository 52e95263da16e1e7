import { readdirSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * Programs that run other files as code: a file one of them opens is judged like an exec by the
 * helper (`INTERPRETER <path>`, see agent/service/native/README.md). Shells, script languages and
 * awk variants; the loader (ld-linux*.so*) the helper recognises by itself.
 */
export const INTERPRETER_NAME =
  /^(sh|dash|bash|rbash|zsh|ksh|ksh93|mksh|fish|csh|tcsh|busybox|node|nodejs|deno|bun|luajit|pwsh|Rscript|(python|pypy|perl|ruby|php|lua|tclsh|wish|jruby)[0-9.]*|[gmn]?awk)$/;

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
      if (!INTERPRETER_NAME.test(name)) continue;
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
