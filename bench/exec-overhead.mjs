// Benchmark (not a test): what the pre-exec helper adds to every exec, against the same exec with
// no helper and, when Debian's fapolicyd is installed, against fapolicyd in the same run.
//
//   node bench/exec-overhead.mjs            (root; `npm run bench` runs it after the build)
//
// Prints one JSON line per figure: {"name","value","unit","baseline","ratio"}.
//
// Safety: everything that marks mounts (our helper, fapolicyd) runs inside a private mount
// namespace made for this run. Our helper places a filesystem mark on the tmpfs this run mounts
// (and nothing else); fapolicyd's mount marks land on that namespace's copies. The timed execs
// run inside it too. Execs anywhere else on the machine are never judged, even if a
// daemon hangs. The namespace, and every mount made in it, ends with the run.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { appendFileSync, chmodSync, chownSync, closeSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// DLP_BENCH_HELPER: another build of the helper, for A/B runs of a change to it.
const helperBinary = process.env.DLP_BENCH_HELPER ?? path.join(root, 'agent/service/native/build/dlp-exec-guard');
const EXECS = Number(process.env.DLP_BENCH_EXECS ?? 2000);
const WARMUP = 100;

// fork + execv + waitpid, timed with CLOCK_MONOTONIC in C, so Node's own spawn cost is not measured.
// It alternates the two files exec by exec, so both see the same machine (this one's exec time
// drifts by milliseconds from minute to minute on shared cores, far more than a decision adds).
const TIMER_SOURCE = `
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
static long long run(char *file, int *code) {
  struct timespec a, b;
  clock_gettime(CLOCK_MONOTONIC, &a);
  pid_t pid = fork();
  if (pid == 0) { char *args[] = {file, NULL}; execv(file, args); _exit(127); }
  int status = 0;
  waitpid(pid, &status, 0);
  clock_gettime(CLOCK_MONOTONIC, &b);
  *code = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
  return (long long)(b.tv_sec - a.tv_sec) * 1000000000LL + (b.tv_nsec - a.tv_nsec);
}
int main(int argc, char **argv) {
  if (argc != 3 && argc != 4) return 2;
  int n = atoi(argv[1]);
  for (int i = 0; i < n; i++) {
    int ca = 0, cb = 0;
    long long a = run(argv[2], &ca);
    long long b = argc == 4 ? run(argv[3], &cb) : 0;
    printf("%lld %d %lld %d\\n", a, ca, b, cb);
  }
  return 0;
}
`;

function print(name, value, unit, baseline, ratio, extra = {}) {
  const round = (x) => (typeof x === 'number' ? Math.round(x * 100) / 100 : x);
  // Exec times here move with the machine's load; the 1-minute load average says how much to trust a line.
  const load1 = round(os.loadavg()[0]);
  console.log(JSON.stringify({ name, value: round(value), unit, baseline: round(baseline), ratio: round(ratio), ...extra, load1 }));
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function summarize(samplesUs) {
  const sorted = [...samplesUs].sort((a, b) => a - b);
  return { median: percentile(sorted, 50), p99: percentile(sorted, 99) };
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A private mount namespace kept alive by a sleeping process; commands enter it with nsenter. */
async function startNamespace() {
  const holder = spawn('unshare', ['--mount', '--propagation', 'private', '--', 'sleep', '3600'], { stdio: 'ignore' });
  const ours = readlinkSync('/proc/self/ns/mnt');
  const deadline = Date.now() + 5000;
  // Until unshare has run, the holder is still in our namespace: entering it then would be unsafe.
  while (readNamespace(holder.pid) === ours || readNamespace(holder.pid) === null) {
    if (Date.now() > deadline) throw new Error('could not create a private mount namespace');
    await sleep(10);
  }
  return holder;
}

function readNamespace(pid) {
  try {
    return readlinkSync(`/proc/${pid}/ns/mnt`);
  } catch {
    return null;
  }
}

function inNamespace(holder, command, options = {}) {
  return spawnSync('nsenter', ['-t', String(holder.pid), '-m', '--', ...command], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...options });
}

/** Times `count` fork+execs of `file` (alternating with `other` when given) inside the namespace; µs per exec. */
function timeExecPairs(holder, timer, file, count, other) {
  const result = inNamespace(holder, [timer, String(count), file, ...(other ? [other] : [])]);
  if (result.status !== 0) throw new Error(`exec timer failed: ${result.stderr}`);
  const rows = result.stdout.trim().split('\n').map((line) => line.split(' ').map(Number));
  const failed = rows.filter(([, a, , b]) => a !== 0 || b !== 0).length;
  if (failed) throw new Error(`${failed} of ${count} exec rounds of ${file} did not exit 0`);
  return { first: rows.map(([ns]) => ns / 1000), second: rows.map(([, , ns]) => ns / 1000) };
}

function timeExecs(holder, timer, file, count) {
  return timeExecPairs(holder, timer, file, count).first;
}

/**
 * The baseline copy lives on a ramfs that nothing marks, the target copy on the tmpfs that is
 * marked; the timer alternates them exec by exec, so drift hits both alike and the difference of
 * their medians (and of their 99th percentiles) is what the marks add.
 */
function interleaved(holder, timer, baselineFile, targetFile, total) {
  const { first, second } = timeExecPairs(holder, timer, baselineFile, total, targetFile);
  const baseline = summarize(first);
  const target = summarize(second);
  return { baseline, target, addedMedian: target.median - baseline.median };
}

/** Starts the helper inside the namespace and waits until `lines` are answered. */
async function startHelper(holder, commands) {
  const helper = spawn('nsenter', ['-t', String(holder.pid), '-m', '--', helperBinary, '--agent-pid', '0', '--stats-interval-ms', '0'], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const messages = [];
  let pending = '';
  helper.stdout.setEncoding('utf8');
  helper.stdout.on('data', (chunk) => {
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) messages.push(JSON.parse(line));
  });
  helper.stdin.write(commands);
  const deadline = Date.now() + 10_000;
  while (!messages.some((m) => m.type === 'marked')) {
    const problem = messages.find((m) => m.type === 'error');
    if (problem || Date.now() > deadline) throw new Error(`helper did not start: ${problem?.message ?? 'timeout'}`);
    await sleep(10);
  }
  return { helper, messages };
}

async function stopProcess(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.stdin?.end();
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
  await exited;
  clearTimeout(timer);
}

function ruleSet(generation, extraLines = [], timeoutMs = 5000) {
  // A policy of realistic size: the warm path must stay cheap however many rules there are.
  const rules = [];
  for (let i = 0; i < 40; i++) rules.push(`RULE p${i} block path /opt/vendor${i}/**/bin/*`);
  for (let i = 0; i < 40; i++) rules.push(`RULE n${i} block name tool-${i}`);
  for (let i = 0; i < 20; i++) rules.push(`RULE s${i} block sha256 ${createHash('sha256').update(`x${i}`).digest('hex')}`);
  return [`BEGIN ${generation}`, 'MODE enforce', 'DEFAULT allow', 'FAILMODE open', `TIMEOUT_MS ${timeoutMs}`, ...rules, ...extraLines, 'END', ''].join('\n');
}

function makeBinary(dir, name, totalBytes) {
  const file = path.join(dir, name);
  copyFileSync('/bin/true', file);
  const pad = totalBytes - readFileSync(file).length;
  if (pad > 0) appendFileSync(file, randomBytes(pad));
  chmodSync(file, 0o755);
  return file;
}

/** fapolicyd in the namespace, with its own /etc/fapolicyd, /var/lib/fapolicyd and /run. */
async function startFapolicyd(holder, scratch, mountPoint, blockedPath) {
  const etc = path.join(scratch, 'fapolicyd-etc');
  const lib = path.join(scratch, 'fapolicyd-lib');
  const run = path.join(scratch, 'fapolicyd-run');
  for (const dir of [etc, lib, run, path.join(etc, 'rules.d'), path.join(etc, 'trust.d'), path.join(run, 'fapolicyd')]) mkdirSync(dir, { recursive: true });
  writeFileSync(
    path.join(etc, 'fapolicyd.conf'),
    [
      'permissive = 1',
      'nice_val = 0',
      'q_size = 640',
      'uid = root',
      'gid = root',
      'do_stat_report = 0',
      'detailed_report = 0',
      'db_max_size = 50',
      'subj_cache_size = 1549',
      'obj_cache_size = 8191',
      'watch_fs = tmpfs',
      'trust = file',
      'integrity = none',
      'syslog_format = rule,dec,perm,pid,exe,:,path',
      'rpm_sha256_only = 0',
      'allow_filesystem_mark = 0',
      '',
    ].join('\n'),
  );
  // Three simple rules, comparable in spirit to ours: one deny by path, then allow the rest.
  writeFileSync(
    path.join(etc, 'compiled.rules'),
    [`deny_audit perm=execute all : path=${blockedPath}`, `allow perm=execute all : dir=${mountPoint}/`, 'allow perm=any all : all', ''].join('\n'),
  );
  writeFileSync(path.join(etc, 'fapolicyd.trust'), '');
  for (const [source, target] of [[etc, '/etc/fapolicyd'], [lib, '/var/lib/fapolicyd'], [run, '/run']]) {
    const bind = inNamespace(holder, ['mount', '--bind', source, target]);
    if (bind.status !== 0) throw new Error(`cannot bind ${target}: ${bind.stderr}`);
  }
  // Its log goes to a file: a pipe we do not drain while timing would fill and stall its decisions.
  // --debug-deny keeps it in the foreground but logs only denials, so logging does not inflate its cost.
  const logFile = path.join(scratch, 'fapolicyd.log');
  const logFd = openSync(logFile, 'w');
  const daemon = spawn('nsenter', ['-t', String(holder.pid), '-m', '--', 'fapolicyd', '--debug-deny', '--permissive'], { stdio: ['ignore', logFd, logFd] });
  closeSync(logFd);
  const deadline = Date.now() + 60_000;
  let log = '';
  while (!/Starting to listen for events/.test(log)) {
    if (daemon.exitCode !== null || Date.now() > deadline) {
      await stopProcess(daemon);
      throw new Error(`fapolicyd did not start: ${log.split('\n').slice(-5).join(' | ')}`);
    }
    await sleep(50);
    log = readFileSync(logFile, 'utf8');
  }
  return daemon;
}

function fapolicydInstalled() {
  return spawnSync('sh', ['-c', 'command -v fapolicyd'], { encoding: 'utf8' }).status === 0;
}

export async function main() {
  if (process.getuid?.() !== 0) {
    print('exec-guard', null, '', null, null, { note: 'skipped: needs root (fanotify permission marks)' });
    return;
  }
  if (!existsSync(helperBinary)) execFileSync('make', ['-s', '-C', path.join(root, 'agent/service/native')], { stdio: 'inherit' });
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'dlp-bench-exec-'));
  const mountPoint = path.join(scratch, 'mnt');
  mkdirSync(mountPoint);
  const timer = path.join(scratch, 'exec-timer');
  writeFileSync(`${timer}.c`, TIMER_SOURCE);
  execFileSync('cc', ['-O2', '-o', timer, `${timer}.c`]);
  // Mounted before the namespace exists, so the namespace gets a copy of it: files written here
  // are visible inside, while marks placed inside stay on the namespace's copy.
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1g,mode=0755', 'dlp-bench-exec', mountPoint]);
  const ramfsPoint = path.join(scratch, 'ramfs');
  mkdirSync(ramfsPoint);
  execFileSync('mount', ['-t', 'ramfs', '-o', 'mode=0755', 'dlp-bench-ramfs', ramfsPoint]);
  let holder;
  const children = [];
  try {
    holder = await startNamespace();
    const target = makeBinary(mountPoint, 'true', 0);
    const untouched = makeBinary(ramfsPoint, 'true', 0);
    const blocked = makeBinary(mountPoint, 'blocked', 0);
    appendFileSync(blocked, 'different');

    // With nothing marked, ramfs and tmpfs execs should cost the same; what differs is subtracted.
    const calibration = interleaved(holder, timer, untouched, target, EXECS);
    const floor = { median: calibration.addedMedian, p99: calibration.target.p99 - calibration.baseline.p99 };
    print('exec.unmarked-tmpfs-vs-ramfs.calibration', floor.median, 'us', calibration.baseline.median, calibration.target.median / calibration.baseline.median, { execs: EXECS });

    // A copy owned by an ordinary user: the helper never lets the kernel cache its allow (see
    // native/kernel-cache.h), so every exec of it is a round trip through the helper's own cache.
    const userOwned = makeBinary(mountPoint, 'true-user-owned', 0);
    chownSync(userOwned, 1000, 1000);

    // Scripts (shebang, so the exec timer can start them): the kernel opens /bin/sh, which opens the
    // script: with JUDGE_OPENS that open is judged like an exec (issue 12). Baseline: the same on ramfs.
    const script = path.join(mountPoint, 'script.sh');
    const scriptUserOwned = path.join(mountPoint, 'script-user-owned.sh');
    const scriptUntouched = path.join(ramfsPoint, 'script.sh');
    for (const file of [script, scriptUserOwned, scriptUntouched]) {
      writeFileSync(file, '#!/bin/sh\nexit 0\n');
      chmodSync(file, 0o755);
    }
    chownSync(scriptUserOwned, 1000, 1000);
    const scriptCalibration = interleaved(holder, timer, scriptUntouched, script, EXECS);
    const scriptFloor = { median: scriptCalibration.addedMedian, p99: scriptCalibration.target.p99 - scriptCalibration.baseline.p99 };

    const interpreters = ['/usr/bin/dash', '/usr/bin/bash'].map((file) => `INTERPRETER ${file}\n`).join('');
    // The helper reuses a digest only of a file that had been still for 3 s before it was hashed
    // (native/decision-cache.h): warm figures are of files at rest, as installed programs are.
    await sleep(3100);
    const { helper } = await startHelper(holder, `${ruleSet(1)}${interpreters}JUDGE_OPENS\nMARK ${mountPoint}\n`);
    children.push(helper);
    timeExecs(holder, timer, target, WARMUP);
    timeExecs(holder, timer, userOwned, WARMUP);
    const ours = interleaved(holder, timer, untouched, target, EXECS);
    const oursAdded = { median: ours.addedMedian - floor.median, p99: ours.target.p99 - ours.baseline.p99 - floor.p99 };
    const none = ours.baseline;
    print('exec-guard.warm.added-median', oursAdded.median, 'us', none.median, (none.median + oursAdded.median) / none.median, { execs: EXECS, file: 'root-owned (kernel-cached allow)' });
    print('exec-guard.warm.added-p99', oursAdded.p99, 'us', none.p99, (none.p99 + oursAdded.p99) / none.p99, { execs: EXECS, file: 'root-owned (kernel-cached allow)' });
    const roundTrip = interleaved(holder, timer, untouched, userOwned, EXECS);
    const roundTripAdded = { median: roundTrip.addedMedian - floor.median, p99: roundTrip.target.p99 - roundTrip.baseline.p99 - floor.p99 };
    print('exec-guard.warm-user-owned.added-median', roundTripAdded.median, 'us', roundTrip.baseline.median, (roundTrip.baseline.median + roundTripAdded.median) / roundTrip.baseline.median, { execs: EXECS, file: 'user-owned (helper answers every exec)' });
    print('exec-guard.warm-user-owned.added-p99', roundTripAdded.p99, 'us', roundTrip.baseline.p99, (roundTrip.baseline.p99 + roundTripAdded.p99) / roundTrip.baseline.p99, { execs: EXECS, file: 'user-owned (helper answers every exec)' });

    timeExecs(holder, timer, script, WARMUP);
    timeExecs(holder, timer, scriptUserOwned, WARMUP);
    const scriptFigures = {};
    for (const [label, file] of [['root-owned', script], ['user-owned', scriptUserOwned]]) {
      const run = interleaved(holder, timer, scriptUntouched, file, EXECS);
      const added = { median: run.addedMedian - scriptFloor.median, p99: run.target.p99 - run.baseline.p99 - scriptFloor.p99 };
      scriptFigures[label] = added;
      print(`exec-guard.script-open.${label}.added-median`, added.median, 'us', run.baseline.median, (run.baseline.median + added.median) / run.baseline.median, { execs: EXECS, file: `${label} #!/bin/sh script (exec + the interpreter's open judged)` });
      print(`exec-guard.script-open.${label}.added-p99`, added.p99, 'us', run.baseline.p99, (run.baseline.p99 + added.p99) / run.baseline.p99, { execs: EXECS });
    }

    // Cold: a binary the helper has never seen, under a policy whose sha256 rules force a hash.
    for (const [label, bytes, trials] of [['1mb', 1 << 20, 9], ['50mb', 50 << 20, 5]]) {
      const cold = [];
      for (let i = 0; i < trials; i++) {
        const file = makeBinary(mountPoint, `cold-${label}-${i}`, bytes);
        cold.push(timeExecs(holder, timer, file, 1)[0]);
        rmSync(file);
      }
      const coldMedian = summarize(cold).median;
      print(`exec-guard.cold-${label}.decision`, coldMedian - none.median, 'us', none.median, coldMedian / none.median, { trials });
    }
    await stopProcess(helper);

    if (!fapolicydInstalled()) {
      print('fapolicyd.warm.added-median', null, 'us', null, null, { note: 'fapolicyd is not installed (apt-get install -y fapolicyd); no comparison in this run' });
      return;
    }
    let daemon;
    try {
      daemon = await startFapolicyd(holder, scratch, mountPoint, blocked);
    } catch (error) {
      print('fapolicyd.warm.added-median', null, 'us', null, null, { note: `fapolicyd could not run: ${error.message}` });
      return;
    }
    children.push(daemon);
    timeExecs(holder, timer, target, WARMUP);
    const fap = interleaved(holder, timer, untouched, target, EXECS);
    // fapolicyd's `perm=any` rule makes it watch opens too: the same scripts, measured the same way.
    timeExecs(holder, timer, script, WARMUP);
    const fapScript = interleaved(holder, timer, scriptUntouched, script, EXECS);
    await stopProcess(daemon);
    const fapScriptAdded = fapScript.addedMedian - scriptFloor.median;
    print('fapolicyd.script-open.added-median', fapScriptAdded, 'us', fapScript.baseline.median, (fapScript.baseline.median + fapScriptAdded) / fapScript.baseline.median, { execs: EXECS });
    for (const label of ['root-owned', 'user-owned']) {
      print(`exec-guard-vs-fapolicyd.script-open.${label}.added-median`, scriptFigures[label].median, 'us', fapScriptAdded, scriptFigures[label].median / fapScriptAdded);
    }
    const fapAdded = { median: fap.addedMedian - floor.median, p99: fap.target.p99 - fap.baseline.p99 - floor.p99 };
    print('fapolicyd.warm.added-median', fapAdded.median, 'us', fap.baseline.median, (fap.baseline.median + fapAdded.median) / fap.baseline.median, { execs: EXECS });
    print('fapolicyd.warm.added-p99', fapAdded.p99, 'us', fap.baseline.p99, (fap.baseline.p99 + fapAdded.p99) / fap.baseline.p99, { execs: EXECS });
    // Our added cost as a ratio of fapolicyd's (below 1: we add less).
    print('exec-guard-vs-fapolicyd.added-median', oursAdded.median, 'us', fapAdded.median, oursAdded.median / fapAdded.median);
    print('exec-guard-vs-fapolicyd.added-p99', oursAdded.p99, 'us', fapAdded.p99, oursAdded.p99 / fapAdded.p99);
    print('exec-guard-vs-fapolicyd.user-owned.added-median', roundTripAdded.median, 'us', fapAdded.median, roundTripAdded.median / fapAdded.median);
  } finally {
    for (const child of children) await stopProcess(child);
    holder?.kill('SIGKILL');
    await sleep(100);
    spawnSync('umount', [mountPoint]);
    spawnSync('umount', [ramfsPoint]);
    rmSync(scratch, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((error) => {
    console.error(error);
    process.exitCode = 1;
  });
}
