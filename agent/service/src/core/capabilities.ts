import { canonicalJson, type CapabilityReport, type HardeningStatus, type PolicyMode, type ResidualLimit } from '@dlp/shared';
import type { PlatformOs } from '../platform/types';

/** What the running controls say about themselves, plus what the policy in force asks for. */
export interface CapabilityInputs {
  os: PlatformOs;
  /** The app control's own report (method, pre-exec, fail mode, helper health); `none` when not running. */
  apps: CapabilityReport['apps'];
  /** The app control's own notes (e.g. why pre-exec blocking is not in force). */
  appsNotes?: readonly string[];
  /** The USB control's own report; `none` when not running or without USB sysfs. */
  usb: CapabilityReport['usb'];
  /** The policy in force turns `screen.blockCaptureTools` on. */
  captureToolsRequested: boolean;
  /** Mode of the policy in force; null before the first policy. */
  mode: PolicyMode | null;
  /** The policy in force runs app control as an allowlist (`defaultAction: block`). */
  appsAllowlist?: boolean;
  /** The hardening switches as applied on this host (empty where the OS has none). */
  hardening?: readonly HardeningStatus[];
  /** How the console key and certificate came to be trusted. */
  trust?: CapabilityReport['trust'];
  /** The capture guards the logged-in user's tray reports (issue 15); null: no tray reports any. */
  trayGuards?: TrayCaptureGuards | null;
}

/** What a tray says of its capture guards on this OS (`captureGuard` of the IPC `tray-report`). */
export interface TrayCaptureGuards {
  windowCaptureExclusion: 'effective' | 'partial' | 'unavailable';
  clipboardGuard: 'on' | 'off';
  imagesCleared: number;
}

/** The policy's app section makes an allowlist: enabled, and what no rule names is blocked. */
export function isAppsAllowlist(apps: { enabled: boolean; defaultAction: 'allow' | 'block' } | undefined): boolean {
  return apps?.enabled === true && apps.defaultAction === 'block';
}

/** What decides which residual limits apply on a Linux host. */
export interface ResidualInputs {
  /** The app control's own report: pre-exec by fanotify judges loader and interpreter opens too. */
  apps: CapabilityReport['apps'];
  /** The policy in force runs app control as an allowlist. */
  allowlist: boolean;
  hardening: readonly HardeningStatus[];
}

/**
 * Every way around app control that remains on this Linux host, by name (issue 12 item 11), with
 * what closes it: a hardening switch (`closedBy`, `closed` only when that switch is really on), or
 * the pre-exec helper and the policy itself (`closed` without `closedBy`). docs/API.md lists them.
 */
export function linuxResiduals({ apps, allowlist, hardening }: ResidualInputs): ResidualLimit[] {
  const on = (name: HardeningStatus['switch']): 'open' | 'closed' => (hardening.some((h) => h.switch === name && h.state === 'on') ? 'closed' : 'open');
  const open = 'open' as const;
  // The fanotify helper judges the files the dynamic loader and known interpreters open (JUDGE_OPENS, always sent).
  const judgesOpens = apps.method === 'fanotify' && apps.preExec && apps.helper?.running !== false;
  // The helper's BPF LSM programs (native/bpf/dlp-lsm.bpf.c): in force only while that helper runs.
  const lsm = judgesOpens && apps.lsm?.state === 'active';
  // Closed by the LSM: no switch is needed, so none is named (the console then says "closed on this host").
  const bySwitchOrLsm = (id: ResidualLimit['id'], name: HardeningStatus['switch']): ResidualLimit => (lsm ? { id, state: 'closed' } : { id, closedBy: name, state: on(name) });
  const residuals: ResidualLimit[] = [
    { id: 'stdin-scripts', state: open },
    bySwitchOrLsm('anonymous-exec-memory', 'memfdNoexec'),
    bySwitchOrLsm('userns-new-filesystem-race', 'restrictUserNamespaces'),
    { id: 'self-mapped-code', state: lsm ? 'closed' : open },
    { id: 'direct-loader', state: judgesOpens ? 'closed' : open },
    // An allowlist refuses the copy itself (it is no trusted file), unless an allow rule names its content.
    { id: 'renamed-interpreter-copy', state: allowlist ? 'closed' : open },
  ];
  if (judgesOpens && allowlist) residuals.push({ id: 'allowlist-unmarked-scripts', state: open });
  if (apps.preExec) {
    residuals.push({ id: 'write-before-exec', state: open });
    if (apps.method === 'fanotify') {
      residuals.push(bySwitchOrLsm('user-fuse-mounts', 'fuseSysAdminAccess'));
      // A replaced helper's marks go with it; nothing judges execs until its successor's are placed.
      residuals.push({ id: 'helper-restart-window', state: open });
    }
  }
  residuals.push({ id: 'window-capture-exclusion-linux', state: open }, { id: 'name-rules-by-resolved-name', state: open });
  if (!apps.preExec) residuals.push({ id: 'kill-after-start', state: open });
  return residuals;
}

/**
 * The honest capability report (handbook principle 6), built from the controls' own capabilities:
 * a control that is not running, or a policy feature no running control carries out, is never
 * claimed; the notes say what the flags cannot.
 */
export function buildCapabilityReport(inputs: CapabilityInputs): CapabilityReport {
  const { apps, usb } = inputs;
  const notes: string[] = [];
  const appsRunning = apps.method !== 'none';
  if (!appsRunning) notes.push('apps: no application control is running');
  else if (!apps.preExec && apps.method === 'proc-scan') notes.push('apps: blocked programs are killed after they start (/proc scan), not prevented from starting');
  // A helper that is down has taken its fanotify marks with it: the kernel then lets every exec run.
  if (apps.helper && !apps.helper.running) notes.push('apps: the pre-exec helper is not running; programs start unchecked until it is back');
  notes.push(...(inputs.appsNotes ?? []));
  if (apps.lsm && (apps.lsm.state === 'unavailable' || apps.lsm.state === 'failed')) notes.push(`apps: BPF LSM not in force (${apps.lsm.message ?? apps.lsm.state}); fanotify alone judges programs`);

  if (usb.method === 'none') notes.push('usb: USB storage is not controlled on this host (no USB sysfs, or USB control not running)');

  const captureToolBlocking = inputs.captureToolsRequested && appsRunning;
  if (inputs.captureToolsRequested && !appsRunning) notes.push('screen: the policy asks for capture-tool blocking, but no app control is running to do it');
  if (captureToolBlocking && !apps.preExec) notes.push('screen: capture tools are stopped after they start; tools run as scripts (kazam, shutter) are not recognised by name');
  if (inputs.os === 'linux') notes.push('screen: no window-exclusion API exists on Linux');
  const tray = inputs.trayGuards;
  // No tray at all is the watermark watch's business (an event when the policy wants a watermark).
  if (tray) notes.push(`screen: tray clipboard guard ${tray.clipboardGuard}${tray.imagesCleared > 0 ? ` (${tray.imagesCleared} captured images cleared)` : ''}; its windows' capture exclusion: ${tray.windowCaptureExclusion}`);
  if (inputs.mode === 'monitor') notes.push('policy: monitor mode, controls report what they would block and block nothing');
  for (const h of inputs.hardening ?? []) {
    if (h.requested && (h.state === 'failed' || h.state === 'unavailable')) notes.push(`hardening: ${h.switch} is requested but ${h.state === 'failed' ? 'could not be applied' : 'not available on this kernel'}`);
  }
  if (inputs.trust?.consoleKey === 'first-use') notes.push('trust: the console signing key was pinned on first use (set consoleSigningKeySha256 to pin it before first contact)');

  return {
    apps,
    usb,
    // Only a tray whose own windows the OS really keeps out of captures (Windows) counts.
    screen: { captureToolBlocking, windowCaptureExclusion: inputs.trayGuards?.windowCaptureExclusion === 'effective' },
    // The schema's bounds: a report that failed validation would not reach the console at all.
    notes: notes.slice(0, 16).map((text) => (text.length <= 200 ? text : `${text.slice(0, 199)}…`)),
    ...(inputs.trust ? { trust: inputs.trust } : {}),
    ...(inputs.os === 'linux'
      ? { hardening: [...(inputs.hardening ?? [])], residuals: linuxResiduals({ apps, allowlist: inputs.appsAllowlist === true, hardening: inputs.hardening ?? [] }) }
      : {}),
  };
}

/**
 * Remembers the last report and calls `send` only when it changed, so every change reaches the
 * console once (principle 6) without a message per policy push.
 */
export class CapabilityTracker {
  private last: string | null = null;
  private report: CapabilityReport;

  constructor(
    private readonly build: () => CapabilityReport,
    private readonly send: (report: CapabilityReport) => void,
  ) {
    this.report = build();
    this.last = canonicalJson(this.report);
  }

  /** The current report (as last built). */
  current(): CapabilityReport {
    return this.report;
  }

  /** Rebuilds the report and sends it if it differs from the last one. */
  refresh(): void {
    const report = this.build();
    const text = canonicalJson(report);
    this.report = report;
    if (text === this.last) return;
    this.last = text;
    this.send(report);
  }
}
