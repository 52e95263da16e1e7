import path from 'node:path';
import type { EventSubject } from '@dlp/shared';
import type { HelperDecisionMessage, HelperLsmMessage, HelperStatsMessage, LsmRefusalReason } from './helper-messages';

export interface ExecGuardOptions {
  /** The helper binary; defaults to locateExecGuardHelper(). */
  helperPath?: string;
  /**
   * What to watch: 'all' marks every mount (and new ones as they appear) — the production setting;
   * a list marks exactly those mount points (each must be a mount point; tests use a tmpfs).
   */
  marks: 'all' | readonly string[];
  /** Execs by this pid are always allowed (default: this process). */
  agentPid?: number;
  /**
   * Load the helper's BPF LSM programs where the kernel runs the BPF LSM (native/bpf/dlp-lsm.bpf.c):
   * memfd execs, file systems not yet marked and known-refused files mapped as code are refused
   * in the kernel too. Default: on with `marks: 'all'` (production), off with a list (tests that
   * mark a tmpfs of their own must not change how the rest of the host runs).
   */
  bpfLsm?: boolean;
  /** Threads hashing executables in the helper (default 2). */
  hashThreads?: number;
  /** How often the helper sends stats unasked, ms (default 10000; 0 = only on request). */
  statsIntervalMs?: number;
  /**
   * Judge files the dynamic loader (run directly) or an interpreter opens like execs (FAN_OPEN_PERM
   * on the same marks; default true). Every other open is allowed at once by the helper.
   */
  judgeOpens?: boolean;
  /** Real paths of the interpreters whose opens are judged (default: discoverInterpreters()). */
  interpreters?: readonly string[];
  /** Window of the helper's per (rule, path) report rate limit, ms (default 1000; 0 = no limit). */
  reportIntervalMs?: number;
  /**
   * The watchdog allows the helper's heartbeat to be as old as the policy's decision timeout (plus
   * one heartbeat period), but never less than this (ms, default 1000). The decision timeout is the
   * helper's own business (it answers late events by the fail mode itself); the watchdog is only for
   * a helper that stopped. A short floor killed healthy helpers on a loaded machine (a 10 ms policy
   * gave 100 ms, less than a busy 2-core scheduler can promise), and every kill lets the events
   * waiting in the kernel through: under load that was an allow of a blocked program.
   */
  watchdogFloorMs?: number;
  /** The main-thread-independent backstop never kills sooner than this (ms, default 1000). */
  backstopFloorMs?: number;
  /** Delay before restarting a helper that exited by itself: doubles per failure (ms, default 100 → 10000). */
  restartBackoffMs?: { initial: number; max: number };
  /** How long start(), applyPolicy() and stats() wait for the helper (ms, default 5000). */
  commandTimeoutMs?: number;
}

/** One exec decision worth reporting, as the helper made it. */
export interface ExecDecision {
  /** What the kernel was told. */
  verdict: 'allow' | 'deny';
  /**
   * blocked (enforce), would-block (monitor), timeout (no decision in time; verdict from the fail
   * mode), allowed (an exception rule, id `exception:<id>`, let it run).
   */
  report: 'blocked' | 'would-block' | 'timeout' | 'allowed';
  pid: number;
  ppid: number | null;
  uid: number | null;
  exePath: string;
  name: string;
  sha256: string | null;
  ruleId: string | null;
  /** Identical decisions folded into this one by rate limiting. */
  suppressed: number;
  /** The rule-set generation that decided (ExecGuard.applyPolicy's return value). */
  generation: number;
  /**
   * exec; loader/script: the file was opened by the dynamic loader or an interpreter
   * (`interpreter`); mapped: a process (`interpreter`) tried to map it as code (BPF LSM).
   */
  via: 'exec' | 'loader' | 'script' | 'mapped';
  interpreter: string | null;
  /** fanotify (the helper's content decision) or bpf-lsm (the helper's BPF LSM programs refused it in the kernel). */
  method: 'fanotify' | 'bpf-lsm';
  lsmReason: LsmRefusalReason | null;
}

export type ExecGuardStats = Omit<HelperStatsMessage, 'type'>;

export interface ExecGuardRestart {
  /** Why the previous helper went away (watchdog, backstop, exit code and stderr). */
  reason: string;
  /** Restarts since this ExecGuard started. */
  restarts: number;
  pid: number;
}

/** The helper went away (exit, or killed by the watchdog or backstop); a restart is scheduled. */
export interface ExecGuardDown {
  /** Why, as in ExecGuardRestart.reason. */
  reason: string;
  /** When the replacement starts: 0 for a hung helper, a growing backoff for one that keeps exiting. */
  restartInMs: number;
}

/** What the agent's capability report needs (CapabilityReport.apps.helper). */
export interface ExecGuardStatus {
  running: boolean;
  /** The BPF LSM half as the running helper reported it at start; null before it did. */
  lsm: { state: HelperLsmMessage['state']; message?: string } | null;
  restarts: number;
  timeouts: number;
  cacheHitRate: number;
  helperPid: number | null;
}

export interface ExecGuardEvents {
  decision: [ExecDecision];
  stats: [ExecGuardStats];
  /** The helper is gone: until `restarted`, marked execs are not judged (the kernel lets them run). */
  down: [ExecGuardDown];
  /** A new helper is running with the rules and marks in force again. */
  restarted: [ExecGuardRestart];
  /** Something worth logging: helper errors, protocol problems, a failed restart. Never thrown. */
  problem: [string];
}

export function toExecDecision(message: HelperDecisionMessage): ExecDecision {
  return {
    verdict: message.verdict,
    report: message.report,
    pid: message.pid,
    ppid: message.ppid ?? null,
    uid: message.uid ?? null,
    exePath: message.path,
    name: path.posix.basename(message.path),
    sha256: message.sha256,
    // The LSM's own refusals (memfd, a file system not yet marked) have no policy rule: their rule is the LSM's.
    ruleId: message.ruleId ?? (message.lsmReason && message.lsmReason !== 'known-blocked' ? `lsm:${message.lsmReason}` : null),
    suppressed: message.suppressed,
    generation: message.generation,
    via: message.via ?? 'exec',
    interpreter: message.interpreter ?? null,
    method: message.method ?? 'fanotify',
    lsmReason: message.lsmReason ?? null,
  };
}

/** The event subject for a decision (handbook: events say how the decision was made). */
export function processSubjectOf(decision: ExecDecision): Extract<EventSubject, { kind: 'process' }> {
  // Event names are short strings without control characters; file names may contain anything.
  // eslint-disable-next-line no-control-regex -- replacing control characters is the point
  const printableName = decision.name.replace(/[\u0000-\u001f\u007f]/g, '?').slice(0, 256) || '?';
  return {
    kind: 'process',
    pid: decision.pid,
    ...(decision.ppid !== null ? { ppid: decision.ppid } : {}),
    ...(decision.uid !== null ? { uid: decision.uid } : {}),
    exePath: decision.exePath,
    name: printableName,
    ...(decision.sha256 ? { sha256: decision.sha256 } : {}),
    method: decision.method,
    ...(decision.suppressed > 0 ? { suppressed: decision.suppressed } : {}),
    // The helper sends these only for loader/script opens; a path it could not print stays out.
    ...(decision.via !== 'exec' ? { via: decision.via } : {}),
    ...(decision.via !== 'exec' && decision.interpreter?.startsWith('/') ? { interpreter: decision.interpreter } : {}),
  };
}
