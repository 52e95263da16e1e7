/**
 * Which script an interpreter process runs, from its command line (issue 12 item 10: the /proc
 * scanner judges `sh blocked.sh` like `./blocked.sh`). Pure, so it is tested without processes.
 */

/** Shells and language runtimes whose first operand is a script file. */
const INTERPRETER = /^(sh|bash|dash|zsh|ksh|mksh|fish|busybox|python[0-9.]*|perl[0-9.]*|ruby[0-9.]*|node|nodejs|php[0-9.]*|lua[0-9.]*|tclsh[0-9.]*|Rscript)$/;

/** Options after which the code is on the command line or a module, not in a file: nothing to judge. */
const INLINE_CODE = new Set(['-c', '-e', '-E', '-m', '-r', '--eval', '--print', '-p', '--command']);

export function isInterpreter(name: string): boolean {
  return INTERPRETER.test(name);
}

/**
 * The script operand of an interpreter's argv (argv[0] is the interpreter), or null: inline code
 * (`-c`, `-e`, `-m`…), stdin (`-`, no operand) or no interpreter. `busybox sh x` skips the applet.
 */
export function scriptArgument(argv: readonly string[]): string | null {
  const name = (argv[0] ?? '').split('/').pop() ?? '';
  if (!isInterpreter(name)) return null;
  let rest = argv.slice(1);
  if (name === 'busybox') rest = rest.slice(1);
  for (const arg of rest) {
    if (arg === '--') continue;
    if (INLINE_CODE.has(arg)) return null;
    if (arg === '-' || arg.length === 0) return null;
    if (arg.startsWith('-')) continue;
    return arg;
  }
  return null;
}
