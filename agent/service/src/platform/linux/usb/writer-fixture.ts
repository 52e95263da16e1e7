import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Test and bench helper (not used by the agent): a python program that plays an employee writing
 * to a USB stick, run as `nobody`. Before every write it reads the token to write from a "phase"
 * file outside the stick, so a test can switch the token at the enforcement point and then look for
 * the new token on the device. It prints `ready` once its first write reached the disk.
 *
 * Modes: `fd` (a file kept open for writing), `mmap` (a shared writable mapping, fd closed),
 * `fork` (a parent that keeps forking children which inherit the open file and write),
 * `hidden` (the fd parked in flight in a unix socket, invisible in /proc, taken back to write after
 * the phase changes), `cwd` (no file open, just the working directory on the stick), `reopen`
 * (opens, appends and closes in a tight loop), `late` (opens the file only after the phase changes;
 * with `unshare` it does so in its own copy of the mount namespace).
 */
const WRITER_SCRIPT = String.raw`
import mmap, os, socket, sys, time
mode, target, phase_file = sys.argv[1], sys.argv[2], sys.argv[3]
def token():
    with open(phase_file, 'rb') as f:
        return f.read().strip() + b'\n'
def say(line):
    sys.stdout.write(line + '\n'); sys.stdout.flush()
if mode == 'cwd':
    os.chdir(target); say('ready')
    while True: time.sleep(1)
if mode == 'mmap':
    fd = os.open(target, os.O_RDWR | os.O_CREAT, 0o644)
    os.ftruncate(fd, 4096)
    m = mmap.mmap(fd, 4096, mmap.MAP_SHARED, mmap.PROT_READ | mmap.PROT_WRITE)
    os.close(fd)
    first = True
    while True:
        t = token(); m[0:len(t)] = t; m.flush()
        if first: say('ready'); first = False
        time.sleep(0.005)
fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
def write_once():
    os.write(fd, token()); os.fsync(fd)
if mode == 'fd':
    write_once(); say('ready')
    while True: write_once(); time.sleep(0.005)
if mode == 'fork':
    write_once()
    children, ready = [], False
    while True:
        pid = os.fork()
        if pid == 0:
            for _ in range(20):
                try: write_once()
                except OSError: os._exit(1)
                time.sleep(0.005)
            os._exit(0)
        children.append(pid)
        children = [c for c in children if os.waitpid(c, os.WNOHANG)[0] == 0]
        if not ready and len(children) >= 3: say('ready'); ready = True
        time.sleep(0.002 if len(children) < 30 else 0.05)
if mode == 'reopen':
    # Never keeps the file open for long: open, append, close, again and again.
    os.close(fd); first = True
    while True:
        try:
            f = os.open(target, os.O_WRONLY | os.O_APPEND); os.write(f, token()); os.fsync(f); os.close(f)
        except OSError:
            pass
        if first: say('ready'); first = False
if mode == 'late':
    # Holds nothing on the stick until the phase changes, then opens and writes.
    os.close(fd)
    first = token(); say('ready')
    while token() == first: time.sleep(0.005)
    try:
        f = os.open(target, os.O_WRONLY | os.O_APPEND); os.write(f, token()); os.fsync(f); say('wrote')
    except OSError as e:
        say('write-failed ' + os.strerror(e.errno))
    while True: time.sleep(1)
if mode == 'hidden':
    write_once()
    first = token()
    a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    socket.send_fds(a, [b'x'], [fd]); os.close(fd)
    say('ready')
    while token() == first: time.sleep(0.005)
    _, fds, _, _ = socket.recv_fds(b, 1, 1)
    try:
        os.write(fds[0], token()); os.fsync(fds[0]); say('wrote')
    except OSError as e:
        say('write-failed ' + (os.strerror(e.errno) if e.errno else str(e)))
    while True: time.sleep(1)
`;

export type WriterMode = 'fd' | 'mmap' | 'fork' | 'hidden' | 'cwd' | 'reopen' | 'late';

/** Writes the script and an initial phase token into `dir` (which `nobody` must be able to read). */
export function prepareWriter(dir: string, firstToken: string): { script: string; phaseFile: string } {
  const script = path.join(dir, 'usb-writer.py');
  const phaseFile = path.join(dir, 'phase');
  writeFileSync(script, WRITER_SCRIPT);
  writeFileSync(phaseFile, firstToken);
  chmodSync(script, 0o644);
  chmodSync(phaseFile, 0o644);
  return { script, phaseFile };
}

/** Starts the writer as `nobody`; resolves once it printed `ready`, with everything it prints collected. */
export async function startWriter(
  script: string,
  phaseFile: string,
  mode: WriterMode,
  target: string,
  options: { ownMountNamespace?: boolean } = {},
): Promise<{ child: ChildProcess; output: string[] }> {
  // `unshare -Urm`: the employee's own user and mount namespace, holding a copy of every mount.
  const python = ['/usr/bin/python3', script, mode, target, phaseFile];
  const command = options.ownMountNamespace ? ['unshare', '-Urm', ...python] : python;
  const child = spawn('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', ...command], { stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => output.push(...chunk.toString('utf8').split('\n').filter(Boolean)));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  await new Promise<void>((resolve, reject) => {
    const check = () => {
      if (output.includes('ready')) resolve();
    };
    child.stdout?.on('data', check);
    child.once('exit', (code, signal) => reject(new Error(`writer ${mode} exited early (${code ?? signal}): ${stderr}`)));
  });
  return { child, output };
}

/** Switches the token every later write uses. */
export function setPhase(phaseFile: string, token: string): void {
  writeFileSync(phaseFile, token);
}
