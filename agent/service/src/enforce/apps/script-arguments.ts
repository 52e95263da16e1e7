/**
 * Which script an interpreter process runs, from its command line (issue 12 item 10: the /proc
 * scanner judges `sh blocked.sh` like `./blocked.sh`). Pure, so it is tested without processes.
 */

import { AWK_NAME, isInterpreterName } from './interpreter-names';

/** Options after which the code is on the command line or a module, not in a file: nothing to judge. */
const INLINE_CODE = new Set(['-c', '-e', '-E', '-m', '-r', '--eval', '--print', '-p', '--command', '-Command', '-EncodedCommand']);

/** The same list the pre-exec helper's interpreters come from (interpreter-names.ts). */
export function isInterpreter(name: string): boolean {
  return isInterpreterName(name);
}

/**
 * The script operand of an interpreter's argv (argv[0] is the interpreter), or null: inline code
 * (`-c`, `-e`, `-m`…), stdin (`-`, no operand) or no interpreter. `busybox sh x` skips the applet;
 * awk runs a file only with `-f` (its first operand is program text); `deno run x`/`bun run x` skip `run`.
 */
export function scriptArgument(argv: readonly string[]): string | null {
  const name = (argv[0] ?? '').split('/').pop() ?? '';
  if (!isInterpreter(name)) return null;
  let rest = argv.slice(1);
  const program = name === 'busybox' ? (rest[0] ?? '') : name;
  if (name === 'busybox') rest = rest.slice(1);
  if (AWK_NAME.test(program)) {
    const file = rest.indexOf('-f');
    return file >= 0 ? (rest[file + 1] ?? null) : null;
  }
  if ((program === 'deno' || program === 'bun') && rest[0] === 'run') rest = rest.slice(1);
  for (const arg of rest) {
    if (arg === '--') continue;
    if (INLINE_CODE.has(arg)) return null;
    if (arg === '-' || arg.length === 0) return null;
    if (arg.startsWith('-')) continue;
    return arg;
  }
  return null;
}
