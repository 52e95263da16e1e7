import { execFileSync, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { NOBODY } from './kernel-fixtures';

/** An employee's repeated tries to run a blocked program, as nobody, in shells of their own. */
export interface ExecAttempts {
  /** Starts the tries (the shells are up and waiting before, so starting them is not under load). */
  go(): void;
  /** Ends them after the current try: writes the stop file and closes their stdin. */
  stop(): void;
  /** Everything they printed, once they all ended (or `timeout` killed them at the hard limit). */
  output: Promise<string>;
}

export interface ExecAttemptOptions {
  /** Printed by the program when it runs (it never should). */
  marker: string;
  shells: number;
  triesPerShell: number;
  /** A path nobody can see but not write: its existence ends the tries. */
  stopFile: string;
  hardLimitMs: number;
}

/**
 * Each of `shells` bash processes waits for its go line on stdin, then tries `exec PROGRAM MARKER`
 * with `execfail` set, so a refused exec costs no fork and the shell goes on (printing `rc=126`);
 * one that is not refused replaces that shell by the program, which prints the marker. Tries are
 * half a second apart (a `read -t` on a FIFO the shell holds open itself), so they span the load.
 * No fork per try matters: under a burst of process starts and exits on a starved CPU, every fork
 * and exec on the host can wait seconds for the locks of shared libraries' mappings
 * (`unlink_file_vma`), and shells forking per try made a handful of tries a minute. (Separate bash
 * processes, not `&` subshells: a subshell exits on a failed exec whatever `execfail` says.)
 */
export function startExecAttempts(program: string, options: ExecAttemptOptions): ExecAttempts {
  const pacer = `${options.stopFile}.pacer`;
  execFileSync('mkfifo', ['-m', '0666', pacer]);
  const attempt = `shopt -s execfail
read -r _ || exit
exec 4<>"$2"
for ((i = 0; i < ${options.triesPerShell}; i++)); do
  [ -e "$1" ] && exit
  exec "$0" ${options.marker}
  echo "rc=$?"
  read -r -u 4 -t 0.5 _
done`;
  const script = `for ((shell = 0; shell < ${options.shells}; shell++)); do /bin/bash -c "$3" "$0" "$1" "$2" <&0 & done
wait`;
  const seconds = String(Math.ceil(options.hardLimitMs / 1000));
  // `timeout` puts itself and the shells in a process group of their own and kills it at the limit.
  const child = spawn('timeout', ['-s', 'KILL', seconds, '/bin/bash', '-c', script, program, options.stopFile, pacer, attempt], { ...NOBODY, cwd: '/', stdio: ['pipe', 'pipe', 'ignore'] });
  child.stdin.on('error', () => undefined); // EPIPE: they already ended
  const output = new Promise<string>((resolve, reject) => {
    let stdout = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => (stdout += chunk));
    child.once('error', reject);
    child.stdout.once('close', () => resolve(stdout));
  });
  return {
    go: () => child.stdin.write('\n'.repeat(options.shells)),
    stop() {
      writeFileSync(options.stopFile, '');
      child.stdin.end();
    },
    output,
  };
}
