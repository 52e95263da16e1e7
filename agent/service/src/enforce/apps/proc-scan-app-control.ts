import path from 'node:path';
import type { CapabilityReport } from '@dlp/shared';
import type { Logger } from '../logger';
import type { ProcessSnapshot, ProcessTable, SelfInfo } from './app-platform';
import type { AppControl, AppControlSink, AppDecisionReport, AppPolicy } from './app-control';
import { compileAppRules, decideLazily, type AppMatcher } from './app-matcher';
import { ExecutableHashCache } from './executable-hash-cache';
import { isInterpreter, scriptArgument } from './script-arguments';

export interface ProcScanOptions {
  processes: ProcessTable;
  self: SelfInfo;
  scanIntervalMs: number;
  sink: AppControlSink;
  log: Logger;
  /** Every how many scans known pids get the full start-time (pid reuse) check. */
  reuseCheckEvery?: number;
  /**
   * Runs behind pre-exec blocking (issue 12 item 10): only blocked content in enforce mode is acted
   * on (killed, reported with `secondLine`); would-block and exception reports are pre-exec's.
   */
  secondLine?: boolean;
}

interface JudgedProcess {
  startTime: string;
  exePath: string | null;
  /** Policy generation the judgment was made under; an older one is judged again. */
  generation: number;
}

const NO_RULES = compileAppRules({ enabled: false, defaultAction: 'allow', trustedPaths: [], rules: [] });

/**
 * App control after the fact: every `scanIntervalMs` it lists processes, judges the ones it has not
 * judged yet (or that exec'd another image, or whose pid was reused), and in enforce mode SIGKILLs
 * blocked ones. It cannot stop a process from starting, so it reports preExec: false.
 */
export class ProcScanAppControl implements AppControl {
  private policy: AppPolicy | null = null;
  private matcher: AppMatcher = NO_RULES;
  private generation = 0;
  private readonly judged = new Map<number, JudgedProcess>();
  private readonly inFlight = new Map<number, Promise<void>>();
  private readonly hashes: ExecutableHashCache;
  private readonly protectedPids: ReadonlySet<number>;
  private timer: NodeJS.Timeout | null = null;
  private currentScan: Promise<void> | null = null;
  private running = false;
  private scans = 0;
  private lastScanError: string | null = null;

  constructor(private readonly options: ProcScanOptions) {
    this.hashes = new ExecutableHashCache(options.processes);
    // Never ourselves, never whoever started us (a service manager or a test), never init.
    this.protectedPids = new Set([options.self.pid, options.self.ppid, 1]);
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    await this.scan();
    await Promise.all(this.inFlight.values());
    this.schedule();
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.currentScan;
    await Promise.all(this.inFlight.values());
  }

  applyPolicy(policy: AppPolicy | null): void {
    this.policy = policy;
    this.matcher = policy ? compileAppRules(policy.apps, policy.exceptions) : NO_RULES;
    this.generation++;
  }

  capabilities(): CapabilityReport['apps'] {
    // Processes always start before the scanner sees them: nothing waits on us, so fail-open.
    return { method: 'proc-scan', preExec: false, failMode: 'open' };
  }

  private schedule(delayMs = this.options.scanIntervalMs): void {
    if (!this.running) return;
    this.timer = setTimeout(() => {
      const started = Date.now();
      this.currentScan = this.scan()
        .catch((err: unknown) => this.options.log.error('process scan failed', { error: err instanceof Error ? err.message : String(err) }))
        .finally(() => {
          this.currentScan = null;
          // Keep the period close to scanIntervalMs without ever overlapping two scans.
          this.schedule(Math.max(0, this.options.scanIntervalMs - (Date.now() - started)));
        });
    }, delayMs);
  }

  /** One pass over the process table. Judgments run in the background so one slow hash delays only its own process. */
  private async scan(): Promise<void> {
    // Nothing can be blocked (no policy yet, or an allow-only one): spare the host the work.
    if (!this.matcher.canBlock) return;
    const { processes } = this.options;
    let pids: number[];
    try {
      pids = await processes.listPids();
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (message !== this.lastScanError) this.options.log.error('cannot list processes', { error: message });
      this.lastScanError = message;
      return;
    }
    this.lastScanError = null;
    this.scans++;
    const present = new Set(pids);
    for (const pid of this.judged.keys()) if (!present.has(pid)) this.judged.delete(pid);

    const reuseSweep = this.scans % (this.options.reuseCheckEvery ?? 20) === 0;
    const fresh: number[] = [];
    const known: number[] = [];
    for (const pid of pids) {
      if (this.inFlight.has(pid) || this.protectedPids.has(pid)) continue;
      const judged = this.judged.get(pid);
      if (!judged || judged.generation !== this.generation) fresh.push(pid);
      else if (judged.exePath !== null || reuseSweep) known.push(pid);
    }
    for (const pid of fresh) this.launchJudgment(pid);
    if (known.length === 0) return;

    // A judged process that exec'd another image has another exe link: judge it again.
    const exePaths = await processes.exePaths(known);
    const unchanged: number[] = [];
    for (const pid of known) {
      if (this.inFlight.has(pid)) continue;
      if (exePaths.get(pid) !== this.judged.get(pid)?.exePath) this.launchJudgment(pid);
      else unchanged.push(pid);
    }
    if (!reuseSweep) return;
    // Now and then the start time too: a reused pid running the same path is another process.
    await Promise.all(
      unchanged.map(async (pid) => {
        const startTime = await processes.startTime(pid);
        const judged = this.judged.get(pid);
        if (startTime !== null && judged && startTime !== judged.startTime && !this.inFlight.has(pid)) this.launchJudgment(pid);
      }),
    );
  }

  private launchJudgment(pid: number): void {
    const job = this.judge(pid)
      .catch((err: unknown) => this.options.log.warn('judging a process failed', { pid, error: err instanceof Error ? err.message : String(err) }))
      .finally(() => this.inFlight.delete(pid));
    this.inFlight.set(pid, job);
  }

  private async judge(pid: number): Promise<void> {
    const { processes } = this.options;
    const generation = this.generation;
    const policy = this.policy;
    const matcher = this.matcher;
    const snap = await processes.inspect(pid);
    if (!snap) return; // gone
    this.judged.set(pid, { startTime: snap.startTime, exePath: snap.exePath, generation });
    if (snap.kernelThread || snap.exePath === null) return;

    const exePath = snap.exePath;
    const name = path.posix.basename(exePath);
    let decision = await decideLazily(matcher, { exePath, name }, () => this.hashes.sha256Of(pid));
    // An allowed interpreter running a script: the script is judged like an executable.
    let judgedPath = exePath;
    let judgedName = name;
    if (decision.action === 'allow' && !decision.exceptionId && isInterpreter(name)) {
      const script = await this.scriptOf(pid);
      if (script) {
        const scriptDecision = await decideLazily(matcher, { exePath: script, name: path.posix.basename(script) }, () => processes.hashFile(script));
        if (scriptDecision.action === 'block' || scriptDecision.exceptionId) {
          decision = scriptDecision;
          judgedPath = script;
          judgedName = path.posix.basename(script);
        }
      }
    }
    const secondLine = this.options.secondLine === true;
    if (secondLine && (decision.action === 'allow' || policy?.mode !== 'enforce')) return;
    if (decision.action === 'allow') {
      // Officers want to see an exception being used, not just granted.
      if (decision.exceptionId) {
        this.options.sink.report({
          action: 'allowed',
          ruleId: decision.ruleId,
          exceptionId: decision.exceptionId,
          policySerial: policy?.serial ?? null,
          method: 'proc-scan',
          process: { pid, ppid: snap.ppid, uid: snap.uid, exePath: judgedPath, name: judgedName, ...(decision.sha256 ? { sha256: decision.sha256 } : {}) },
        });
      }
      return;
    }

    // The hash is evidence officers use to identify the program, so blocked events carry it even
    // when a path or name rule decided; a binary is hashed once (cache), never before a kill.
    const report = (action: AppDecisionReport['action'], sha256: string | null) =>
      this.options.sink.report({
        action,
        ruleId: decision.ruleId,
        policySerial: policy?.serial ?? null,
        method: 'proc-scan',
        ...(secondLine ? { secondLine } : {}),
        process: { pid, ppid: snap.ppid, uid: snap.uid, exePath: judgedPath, name: judgedName, ...(sha256 ? { sha256 } : {}) },
      });

    if (policy?.mode !== 'enforce') {
      report('would-block', decision.sha256 ?? (judgedPath === exePath ? await this.hashes.sha256Of(pid) : await processes.hashFile(judgedPath)));
      return;
    }
    // Taken before the kill: afterwards the image is no longer reachable through /proc.
    const identity = decision.sha256 ? null : await processes.executableIdentity(pid);
    const outcome = await this.killIfStillSame(snap);
    if (outcome === 'changed') return;
    const sha256 = decision.sha256 ?? (judgedPath !== exePath ? await processes.hashFile(judgedPath) : identity ? await this.hashes.sha256OfFile(exePath, identity) : null);
    if (outcome === 'killed') {
      report('blocked', sha256);
    } else if (outcome === 'gone') {
      // It exited before we could stop it: it ran, so claiming "blocked" would be dishonest.
      report('would-block', sha256);
    } else {
      this.options.log.warn('not allowed to kill a blocked process', { pid, exePath: judgedPath });
      report('would-block', sha256);
    }
  }

  /** The script file an interpreter process runs (absolute), or null (inline code, stdin, unknown cwd). */
  private async scriptOf(pid: number): Promise<string | null> {
    const line = await this.options.processes.commandLine?.(pid);
    const script = line ? scriptArgument(line.argv) : null;
    if (!line || script === null) return null;
    if (script.startsWith('/')) return path.posix.normalize(script);
    return line.cwd === null ? null : path.posix.resolve(line.cwd, script);
  }

  /**
   * Kills only if the pid still runs the judged image and is the same process: a pid reused or a
   * process that exec'd something else in the meantime must not be killed for the old decision.
   */
  private async killIfStillSame(snap: ProcessSnapshot): Promise<'killed' | 'gone' | 'denied' | 'changed'> {
    const { processes } = this.options;
    const [startTime, exePath] = await Promise.all([processes.startTime(snap.pid), processes.exePath(snap.pid)]);
    if (startTime === null) return 'gone';
    if (startTime !== snap.startTime || exePath !== snap.exePath) {
      // Another process got the pid, or this one exec'd: judge what runs there now on the next scan.
      this.judged.delete(snap.pid);
      return startTime !== snap.startTime ? 'gone' : 'changed';
    }
    return processes.kill(snap.pid);
  }
}
