import { z } from 'zod';
import { nonNegativeInt, shortString } from './primitives';

/** What an agent says about its host when it enrolls and on every connect. */
export const agentInfo = z.strictObject({
  hostname: shortString,
  os: z.enum(['linux', 'windows', 'macos']),
  osVersion: z.string().max(128),
  agentVersion: z.string().max(64),
  /** The user logged in at the console of the workstation, if any. */
  user: z.string().max(256).nullable(),
});
export type AgentInfo = z.infer<typeof agentInfo>;

/**
 * Residual limits an agent can name (issue 12 item 11): ways around a control that remain on this
 * host, each with the hardening switch that closes it where one exists. The console shows them as
 * information; only a requested control that is not in force is a problem.
 */
export const RESIDUAL_LIMITS = [
  /**
   * A script fed on stdin by a process that is no interpreter (`cat x.sh | sh`), or passed as text on
   * the command line (`bash -c "$(cat x.sh)"`): no interpreter opens the file, so nothing judges it
   * (`sh < x.sh` typed at a shell is judged: that shell opens it).
   */
  'stdin-scripts',
  /**
   * Code copied into memfd or anonymous memory and run from there. Exec of a memfd is closed by
   * `memfdNoexec` or by the helper's BPF LSM; code a process maps from anonymous memory itself (a JIT) stays open.
   */
  'anonymous-exec-memory',
  /** A filesystem created inside an unprivileged user namespace may run before it is marked. Closed by `restrictUserNamespaces` or the BPF LSM (refused until marked). */
  'userns-new-filesystem-race',
  /**
   * A process that maps a program's file as code itself (an ELF loader written in Python) runs it
   * without an exec. Closed where the BPF LSM runs: files the helper refused, and ELF files an
   * interpreter opens (judged then), cannot be mapped as code.
   */
  'self-mapped-code',
  /** The dynamic loader run directly on a file (`ld.so ./x`) maps it without an exec event. Closed while the pre-exec helper judges loader and interpreter opens. */
  'direct-loader',
  /** Allowlist mode: a script without any code marker (no execute bit, script extension, `#!`) read by an interpreter (`sh notes.txt`) is taken for data. */
  'allowlist-unmarked-scripts',
  /** A renamed copy of an interpreter is not known as one, so the scripts it opens are not judged. Closed by allowlist mode (the copy itself cannot run) or sha256 rules. */
  'renamed-interpreter-copy',
  /**
   * A write racing an exec to the microsecond: the kernel asks before it denies writes to the file it
   * executes, so bytes written (and the file closed) between the helper's answer and that denial run
   * unjudged, until the /proc scanner's next pass (keyed by ctime) kills them. Writes during the hash
   * are seen (hashed again, refused if the file keeps changing).
   */
  'write-before-exec',
  /** Another user's FUSE mount cannot be marked by root. Closed by `fuseSysAdminAccess`, or by the BPF LSM (programs there are refused, not judged). */
  'user-fuse-mounts',
  /** No API lets a window exclude itself from screen capture on Linux. */
  'window-capture-exclusion-linux',
  /** Name rules match the names standard program folders link to a file, not every name a copy may get. */
  'name-rules-by-resolved-name',
  /** Blocked programs are stopped after they start (/proc scan), not before. */
  'kill-after-start',
  /**
   * While the pre-exec helper is being replaced (it died, or the watchdog killed it after its
   * decision loop stayed silent past the limit), execs run unchecked until the new helper's marks
   * are in place: tens of milliseconds (docs/API.md has the figures). Ordinary CPU load does not
   * provoke it while the helper's decision thread goes SCHED_RR when starved (native/decision-priority.c);
   * where real-time is refused (a RestrictRealtime= unit, a container) it runs at nice -10, and enough busy processes could.
   */
  'helper-restart-window',
] as const;
export const residualLimitId = z.enum(RESIDUAL_LIMITS);
export type ResidualLimitId = z.infer<typeof residualLimitId>;

/** Host hardening switches of the policy's `hardening` section. */
export const HARDENING_SWITCHES = ['restrictUserNamespaces', 'memfdNoexec', 'fuseSysAdminAccess'] as const;
export const hardeningSwitch = z.enum(HARDENING_SWITCHES);
export type HardeningSwitch = z.infer<typeof hardeningSwitch>;

export const residualLimit = z.strictObject({
  id: residualLimitId,
  /** The hardening switch that closes it, if one exists. */
  closedBy: hardeningSwitch.optional(),
  /** `open`: the limit applies on this host now; `closed`: its switch is in force. */
  state: z.enum(['open', 'closed']),
});
export type ResidualLimit = z.infer<typeof residualLimit>;

export const hardeningStatus = z.strictObject({
  switch: hardeningSwitch,
  /** The policy in force asks for it (in enforce mode). */
  requested: z.boolean(),
  /** on: applied; off: not requested; would-apply: monitor mode; unavailable: this kernel lacks it; failed: could not be applied. */
  state: z.enum(['on', 'off', 'would-apply', 'unavailable', 'failed']),
  /** The sysctl (or module parameter) that carries it and its current value, e.g. `vm.memfd_noexec=2`. */
  value: z.string().max(120).nullable(),
});
export type HardeningStatus = z.infer<typeof hardeningStatus>;

/** How the agent came to trust the console: pinned by the admin's configuration or on first use. */
export const trustOrigin = z.enum(['config', 'first-use', 'none']);

/**
 * Honest capability report: which controls are really in force on this OS, and how. The console
 * shows it as-is; we never claim a control the agent does not enforce.
 */
export const capabilityReport = z.strictObject({
  apps: z.strictObject({
    method: z.enum(['fanotify', 'proc-scan', 'none']),
    preExec: z.boolean(),
    failMode: z.enum(['open', 'closed']),
    helper: z
      .strictObject({
        running: z.boolean(),
        restarts: nonNegativeInt,
        timeouts: nonNegativeInt,
        cacheHitRate: z.number().min(0).max(1),
      })
      .optional(),
    /**
     * The pre-exec helper's BPF LSM programs (Linux): `active` where the kernel runs the BPF LSM and
     * they loaded; `unavailable` (the kernel lacks it) or `failed` (it refused them) with the reason;
     * `off` when not asked for. Absent from older agents and without pre-exec blocking.
     */
    lsm: z.strictObject({ state: z.enum(['active', 'off', 'unavailable', 'failed']), message: z.string().max(200).optional() }).optional(),
  }),
  usb: z.strictObject({
    method: z.enum(['sysfs-authorized', 'none']),
    mountGuard: z.boolean(),
  }),
  screen: z.strictObject({
    captureToolBlocking: z.boolean(),
    windowCaptureExclusion: z.boolean(),
  }),
  notes: z.array(z.string().max(200)).max(16).default([]),
  /** Console signing key and TLS certificate: pinned by configuration or by first use. Absent from older agents. */
  trust: z.strictObject({ consoleKey: trustOrigin, consoleCert: trustOrigin }).optional(),
  /** The policy's hardening switches on this host. Absent from older agents and other OSes. */
  hardening: z.array(hardeningStatus).max(8).optional(),
  /** Every residual limit by name. Absent from older agents. */
  residuals: z.array(residualLimit).max(32).optional(),
});
export type CapabilityReport = z.infer<typeof capabilityReport>;
