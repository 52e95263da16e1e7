import { EventEmitter } from 'node:events';
import { appsSection, describeIssues, type AppsSection, type PolicyMode } from '@dlp/shared';
import {
  toExecDecision,
  type ExecGuardEvents,
  type ExecGuardOptions,
  type ExecGuardStats,
  type ExecGuardStatus,
} from './exec-guard-types';
import { locateExecGuardHelper, probeExecGuard, type ExecGuardAvailability } from './helper-location';
import type { HelperMessage, SuperblockMark } from './helper-messages';
import { HelperProcess, type HelperExit } from './helper-process';
import { percentEncode, compileRuleSet } from './rule-compiler';
import { discoverInterpreters } from './interpreters';
import { HelperWatchdog } from './watchdog';
import { WatchdogBackstop } from './watchdog-backstop';

const DEFAULT_DECISION_TIMEOUT_MS = 250;
/** A helper that stayed up this long has recovered: the next failure starts the backoff anew. */
const HEALTHY_UPTIME_MS = 10_000;

interface AppliedPolicy {
  apps: AppsSection;
  mode: PolicyMode;
  generation: number;
}

interface Waiter<T> {
  resolve: (value: T) => void;
  reject: (error: Error) => void;
}

/**
 * Drives the native pre-exec helper (dlp-exec-guard): starts it, hands it the policy's app rules,
 * relays its decisions and stats, and keeps it alive. Decisions never pass through here — the helper
 * answers the kernel itself — so this class is about supervision:
 * - a watchdog reads the helper's heartbeat every ~timeout/3 and kills a helper whose decision loop
 *   was silent for the decision timeout plus one heartbeat period (the kernel releases its pending
 *   execs when its fanotify fd closes), then restarts it;
 * - a backstop process does the same when this thread is itself blocked (see WatchdogBackstop);
 * - a helper that exits is restarted with exponential backoff; rules and marks are re-sent.
 */
export class ExecGuard extends EventEmitter<ExecGuardEvents> {
  /** Whether pre-exec blocking can work on this machine (root, helper built, kernel support). */
  static available(helperPath?: string): Promise<ExecGuardAvailability> {
    return probeExecGuard(helperPath);
  }

  private readonly helperPath: string;
  private readonly watchdog: HelperWatchdog;
  private readonly backstop: WatchdogBackstop;
  private helper: HelperProcess | null = null;
  private helperStartedAt = 0;
  private markAcks: Array<Waiter<void> & { path: string }> = [];
  private readyWaiters = new Map<number, Waiter<number>>();
  private statsWaiters: Array<Waiter<ExecGuardStats>> = [];
  private marksWaiters: Array<Waiter<SuperblockMark[]>> = [];
  private superblockLines: SuperblockMark[] = [];
  private interpreters: readonly string[] | null = null;
  private policy: AppliedPolicy | null = null;
  private nextGeneration = 1;
  private restartCount = 0;
  private consecutiveFailures = 0;
  private restartTimer: NodeJS.Timeout | null = null;
  private killReason: string | null = null;
  /** Set when we killed a hung helper: its replacement starts at once, without backoff. */
  private restartAtOnce = false;
  private inForce = false;
  private stopping = false;
  private stopped: Promise<void> | null = null;
  private lastStats: ExecGuardStats | null = null;
  private lsm: ExecGuardStatus['lsm'] = null;
  private timeoutsOfEarlierHelpers = 0;
  private backstopKillsSeen = 0;

  constructor(private readonly options: ExecGuardOptions) {
    super();
    this.helperPath = options.helperPath ?? locateExecGuardHelper();
    this.watchdog = new HelperWatchdog(
      () => this.backstop.readHeartbeatNs(),
      (silentMs) => this.killHung(`watchdog: no heartbeat from the helper's decision loop for ${silentMs} ms`),
    );
    this.backstop = new WatchdogBackstop(this.helperPath, Math.max(10, Math.floor(this.backstopLimitMs() / 4)), (problem) => this.emit('problem', problem));
  }

  /** Starts the helper and resolves once its marks are in place (rules first, if a policy was applied). */
  async start(): Promise<void> {
    if (this.helper || this.stopping) throw new Error('ExecGuard already started or stopped');
    try {
      await this.launch();
    } catch (error) {
      // A guard that never came up must not linger restarting in the background.
      await this.stop();
      throw error;
    }
  }

  /**
   * Replaces the helper's rules with the policy's `apps` section. Resolves with the rule-set
   * generation (the n-th call gets generation n, so callers may key what they sent by it before
   * the helper answers) once the helper has swapped it in; rejects (keeping the previous rules) when the
   * helper refuses it. Before start(), the rules are only remembered and sent at start.
   */
  async applyPolicy(apps: AppsSection, mode: PolicyMode): Promise<number> {
    const parsed = appsSection.safeParse(apps);
    if (!parsed.success) throw new Error(`invalid apps section: ${describeIssues(parsed.error)}`);
    const previous = this.policy;
    const generation = this.nextGeneration++;
    this.policy = { apps: parsed.data, mode, generation };
    this.retuneWatchdog();
    const helper = this.helper;
    if (!helper) return generation;
    const ready = this.waitFor(this.readyWaiters, generation, `rule set ${generation}`);
    helper.send(compileRuleSet(parsed.data, mode, generation));
    try {
      return await ready;
    } catch (error) {
      // Refused: the helper kept the previous rules, so restarts must send those, not these.
      if (this.policy.generation === generation && /rejected|abandoned/.test(String(error))) this.policy = previous;
      throw error;
    }
  }

  /** Asks the helper for fresh counters. */
  stats(): Promise<ExecGuardStats> {
    const helper = this.helper;
    if (!helper) return Promise.reject(new Error('helper not running'));
    return new Promise<ExecGuardStats>((resolve, reject) => {
      const waiter: Waiter<ExecGuardStats> = { resolve, reject };
      this.statsWaiters.push(waiter);
      helper.send('STATS\n');
      this.expire(waiter, () => {
        this.statsWaiters = this.statsWaiters.filter((w) => w !== waiter);
      }, 'stats');
    });
  }

  /** Which file systems the helper marked (or the kernel refused), across every mount namespace. */
  superblocks(): Promise<SuperblockMark[]> {
    const helper = this.helper;
    if (!helper) return Promise.reject(new Error('helper not running'));
    return new Promise<SuperblockMark[]>((resolve, reject) => {
      const waiter: Waiter<SuperblockMark[]> = { resolve, reject };
      this.marksWaiters.push(waiter);
      helper.send('MARKS\n');
      this.expire(waiter, () => {
        this.marksWaiters = this.marksWaiters.filter((w) => w !== waiter);
      }, 'marks');
    });
  }

  /** For the capability report. */
  status(): ExecGuardStatus {
    const stats = this.lastStats;
    const lookups = stats ? stats.cacheHits + stats.cacheMisses : 0;
    return {
      running: this.inForce,
      lsm: this.lsm,
      restarts: this.restartCount,
      timeouts: this.timeoutsOfEarlierHelpers + (stats?.timeouts ?? 0),
      cacheHitRate: stats && lookups > 0 ? stats.cacheHits / lookups : 0,
      helperPid: this.helper?.pid ?? null,
    };
  }

  /**
   * How old the helper's heartbeat is (ms): what the watchdog judges. Null without a helper. For
   * diagnostics and the CPU-starvation test, which records the worst age under load.
   */
  heartbeatAgeMs(): number | null {
    if (!this.helper) return null;
    // The clock first: a heartbeat written after it makes a negative age, never a stale one.
    const now = process.hrtime.bigint();
    const heartbeat = this.backstop.readHeartbeatNs();
    return heartbeat === null ? null : Math.max(0, Number((now - heartbeat) / 1_000_000n));
  }

  /** Stops supervising and lets the helper exit (its marks go with it). Safe to call again. */
  stop(): Promise<void> {
    this.stopped ??= this.shutDown();
    return this.stopped;
  }

  private async shutDown(): Promise<void> {
    this.stopping = true;
    this.watchdog.stop();
    if (this.restartTimer) clearTimeout(this.restartTimer);
    const helper = this.helper;
    if (helper) {
      helper.closeInput();
      const timer = setTimeout(() => helper.kill('SIGKILL'), 2000);
      await helper.waitForExit();
      clearTimeout(timer);
    }
    await this.backstop.close();
  }

  private decisionTimeoutMs(): number {
    return this.policy?.apps.decisionTimeoutMs ?? DEFAULT_DECISION_TIMEOUT_MS;
  }

  private watchdogTimeoutMs(): number {
    return Math.max(this.decisionTimeoutMs(), this.options.watchdogFloorMs ?? 1000);
  }

  private backstopLimitMs(): number {
    return Math.max(4 * this.watchdogTimeoutMs(), this.options.backstopFloorMs ?? 1000);
  }

  private retuneWatchdog(): void {
    this.backstop.setLimit(this.backstopLimitMs());
    if (this.watchdog.running) this.watchdog.start(this.watchdogTimeoutMs());
  }

  private helperArgs(): string[] {
    // The heartbeat file is the helper's fd 3 (see launch).
    const args = ['--agent-pid', String(this.options.agentPid ?? process.pid), '--heartbeat-fd', '3'];
    if (this.options.hashThreads !== undefined) args.push('--hash-threads', String(this.options.hashThreads));
    args.push('--stats-interval-ms', String(this.options.statsIntervalMs ?? 10_000));
    args.push('--report-interval-ms', String(this.options.reportIntervalMs ?? 1000));
    args.push('--bpf-lsm', (this.options.bpfLsm ?? this.options.marks === 'all') ? 'on' : 'off');
    return args;
  }

  /** Spawns a helper, sends the rules in force and the marks, and waits for the marks to be placed. */
  private async launch(): Promise<number> {
    const helper = new HelperProcess(this.helperPath, this.helperArgs(), [this.backstop.heartbeatFd]);
    this.helper = helper;
    this.helperStartedAt = Date.now();
    this.killReason = null;
    this.restartAtOnce = false;
    helper.on('message', (message) => this.onMessage(helper, message));
    helper.on('problem', (problem) => this.emit('problem', problem));
    helper.on('exit', (info) => this.onExit(helper, info));
    const pid = helper.pid;
    if (pid === undefined) {
      const exit = await helper.waitForExit();
      throw new Error(`cannot start ${this.helperPath}: ${exit.detail}`);
    }
    this.backstop.watch(pid, this.backstopLimitMs());
    this.watchdog.start(this.watchdogTimeoutMs());
    if (this.policy) helper.send(compileRuleSet(this.policy.apps, this.policy.mode, this.policy.generation));
    // Before the marks, so they carry FAN_OPEN_PERM from the start.
    if (this.options.judgeOpens ?? true) {
      this.interpreters ??= this.options.interpreters ?? discoverInterpreters();
      helper.send(`${this.interpreters.map((file) => `INTERPRETER ${percentEncode(file)}\n`).join('')}JUDGE_OPENS\n`);
    }
    const targets = this.options.marks === 'all' ? ['*'] : [...this.options.marks];
    const placed = targets.map((path) => new Promise<void>((resolve, reject) => this.markAcks.push({ path, resolve, reject })));
    helper.send(targets.map((path) => (path === '*' ? 'MARK_ALL\n' : `MARK ${percentEncode(path)}\n`)).join(''));
    const deadline = new Promise<never>((_, reject) => {
      const timer = setTimeout(() => reject(new Error('helper did not confirm its marks in time')), this.commandTimeoutMs());
      timer.unref();
    });
    try {
      await Promise.race([Promise.all(placed), deadline]);
    } catch (error) {
      this.killReason = `helper could not place its marks: ${error instanceof Error ? error.message : String(error)}`;
      helper.kill('SIGKILL');
      throw error;
    }
    this.inForce = true;
    return pid;
  }

  private commandTimeoutMs(): number {
    return this.options.commandTimeoutMs ?? 5000;
  }

  private onMessage(helper: HelperProcess, message: HelperMessage): void {
    if (helper !== this.helper) return; // a line from a helper we already replaced
    switch (message.type) {
      case 'superblock':
        this.superblockLines.push(message);
        return;
      case 'marks':
        for (const waiter of this.marksWaiters.splice(0)) waiter.resolve(this.superblockLines);
        this.superblockLines = [];
        return;
      case 'lsm':
        this.lsm = { state: message.state, ...(message.message ? { message: message.message } : {}) };
        if (message.state === 'failed') this.emit('problem', `helper: BPF LSM not loaded: ${message.message ?? 'unknown reason'}`);
        return;
      case 'opens':
      case 'pong':
        return; // we no longer PING (the watchdog reads the heartbeat), but the protocol still has it
      case 'decision':
        this.emit('decision', toExecDecision(message));
        return;
      case 'stats': {
        const { type: _type, ...stats } = message;
        this.lastStats = stats;
        for (const waiter of this.statsWaiters.splice(0)) waiter.resolve(stats);
        this.emit('stats', stats);
        return;
      }
      case 'ready':
        this.readyWaiters.get(message.generation)?.resolve(message.generation);
        this.readyWaiters.delete(message.generation);
        return;
      case 'marked':
      case 'unmarked':
        this.settleMark(message.path, null);
        return;
      case 'error':
        if (message.generation !== undefined && this.readyWaiters.has(message.generation)) {
          this.readyWaiters.get(message.generation)?.reject(new Error(message.message));
          this.readyWaiters.delete(message.generation);
        } else if (message.path !== undefined) {
          this.settleMark(message.path, new Error(message.message));
        } else {
          this.emit('problem', `helper: ${message.message}`);
        }
        return;
    }
  }

  private settleMark(path: string, error: Error | null): void {
    const index = this.markAcks.findIndex((ack) => ack.path === path);
    if (index < 0) return; // a re-scan after a mount change: nothing waits for it
    const [ack] = this.markAcks.splice(index, 1);
    if (error) ack?.reject(error);
    else ack?.resolve();
  }

  private killHung(reason: string): void {
    const helper = this.helper;
    if (!helper) return;
    this.killReason = reason;
    this.restartAtOnce = true;
    helper.kill('SIGKILL');
  }

  private onExit(helper: HelperProcess, exit: HelperExit): void {
    if (helper !== this.helper) return;
    const backstopKillsBefore = this.backstopKillsSeen;
    this.backstopKillsSeen = this.backstop.kills;
    this.helper = null;
    this.inForce = false;
    this.watchdog.stop();
    this.backstop.unwatch();
    this.timeoutsOfEarlierHelpers += this.lastStats?.timeouts ?? 0;
    this.lastStats = null;
    for (const ack of this.markAcks.splice(0)) ack.reject(new Error('helper exited'));
    for (const waiter of this.statsWaiters.splice(0)) waiter.reject(new Error('helper exited'));
    for (const waiter of this.marksWaiters.splice(0)) waiter.reject(new Error('helper exited'));
    this.superblockLines = [];
    if (this.stopping) return;
    const killedByBackstop = this.backstop.kills > backstopKillsBefore;
    let reason = this.killReason;
    if (!reason && killedByBackstop) reason = `backstop: no heartbeat from the helper's decision loop for ${this.backstopLimitMs()} ms`;
    if (!reason) reason = `helper exited (${exit.signal ?? `code ${exit.code}`})${exit.detail ? `: ${exit.detail}` : ''}`;
    let delay = 0;
    // A hung helper is replaced at once; one that keeps failing by itself is retried ever more slowly.
    if (!this.restartAtOnce && !killedByBackstop) {
      if (Date.now() - this.helperStartedAt >= HEALTHY_UPTIME_MS) this.consecutiveFailures = 0;
      const backoff = this.options.restartBackoffMs ?? { initial: 100, max: 10_000 };
      delay = Math.min(backoff.max, backoff.initial * 2 ** this.consecutiveFailures);
      this.consecutiveFailures += 1;
    }
    this.emit('down', { reason, restartInMs: delay });
    this.emit('problem', `${reason}; restarting${delay ? ` in ${delay} ms` : ''}`);
    this.restartTimer = setTimeout(() => void this.restart(reason), delay);
  }

  private async restart(reason: string): Promise<void> {
    this.restartTimer = null;
    if (this.stopping) return;
    this.restartCount += 1;
    try {
      const pid = await this.launch();
      this.emit('restarted', { reason, restarts: this.restartCount, pid });
    } catch (error) {
      // The failed helper's exit schedules the next attempt with a longer backoff.
      this.emit('problem', `restart failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private waitFor<T>(table: Map<number, Waiter<T>>, key: number, what: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const waiter: Waiter<T> = { resolve, reject };
      table.set(key, waiter);
      this.expire(waiter, () => table.delete(key), what);
    });
  }

  /** Rejects a waiter that got no answer within the command timeout. */
  private expire<T>(waiter: Waiter<T>, forget: () => void, what: string): void {
    const timer = setTimeout(() => {
      forget();
      waiter.reject(new Error(`helper did not answer (${what}) within ${this.commandTimeoutMs()} ms`));
    }, this.commandTimeoutMs());
    timer.unref();
    const { resolve, reject } = waiter;
    waiter.resolve = (value) => {
      clearTimeout(timer);
      resolve(value);
    };
    waiter.reject = (error) => {
      clearTimeout(timer);
      reject(error);
    };
  }
}
