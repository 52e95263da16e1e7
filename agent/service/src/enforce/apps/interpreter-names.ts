/**
 * The one list of programs that run other files as code (issue 12 item 4): shells, script
 * languages and awk variants. The pre-exec helper judges the files they open like execs
 * (platform/linux/fanotify/interpreters.ts finds them on the host); the /proc scanner judges the
 * script on their command line (script-arguments.ts). The dynamic loader is not here: the helper
 * recognises it by itself.
 */
export const INTERPRETER_NAME =
  /^(sh|dash|bash|rbash|zsh|ksh|ksh93|mksh|fish|csh|tcsh|busybox|node|nodejs|deno|bun|luajit|pwsh|Rscript|(python|pypy|perl|ruby|php|lua|tclsh|wish|jruby)[0-9.]*|[gmn]?awk)$/;

/** awk variants: their first operand is program text; a program file comes only with `-f`. */
export const AWK_NAME = /^[gmn]?awk$/;

/** A program name (a file's base name) that belongs to a known interpreter. */
export function isInterpreterName(name: string): boolean {
  return INTERPRETER_NAME.test(name);
}
