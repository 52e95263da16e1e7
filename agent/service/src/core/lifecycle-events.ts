import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { AGENT_VERSION } from '../version';
import { writeFileAtomic } from './atomic-file';
import type { EventSink } from './controls/agent-control';
import type { EventInput } from './event-factory';
import type { Logger } from './logger';

/** In the data dir while an agent runs on it; a clean stop removes it, so one found at start means the last run ended without one. */
export const RUNNING_MARKER_FILE = 'agent-running.json';
/**
 * Why the coming stop happens, written by whoever stops the agent on purpose (the package's
 * prerm/%preun: `package-removal`); read and removed at stop, and removed at start if left over.
 */
export const STOP_REASON_FILE = 'stop-reason';
/** Longest a stop waits for the console to ack its stop event; what is not acked goes out at the next start. */
export const STOP_DELIVERY_MS = 2000;

const KNOWN_STOP_REASONS = ['package-removal'] as const;
/** Why, and for a removal the uninstall code that allowed it (its nonce: the console knows which code that was). */
interface StopReason {
  reason: (typeof KNOWN_STOP_REASONS)[number];
  uninstallCode?: string;
}

interface RunningMarker {
  pid?: unknown;
  startedAt?: unknown;
  agentVersion?: unknown;
}

/** How a stop gets its event to the console: commit it to the outbox, then wait (bounded) for the ack. */
export interface StopDelivery {
  flush(): Promise<void>;
  /** Resolves true once the console acked everything in the outbox, false when `timeoutMs` passed first. */
  drain(timeoutMs: number): Promise<boolean>;
}

export interface LifecycleOptions {
  dataDir: string;
  record: EventSink;
  log: Logger;
  now?: () => number;
}

/**
 * The agent's own starts and stops as events (issue 14: every stop or uninstall is an event the
 * console shows). A clean stop says so before the agent goes; a run that ended any other way
 * (crash, kill -9, power loss, systemd's watchdog) is reported by the next start, from the marker
 * it left behind. A stop the console never heard of shows at the console as the agent going
 * offline (the `agent-offline` alert rule, docs/ALERTS.md).
 */
export class AgentLifecycle {
  private constructor(
    private readonly options: LifecycleOptions,
    private readonly startedAtMs: number,
  ) {}

  /** Reports an unclean end of the previous run, if the marker says so, and marks this run as running. */
  static async begin(options: LifecycleOptions): Promise<AgentLifecycle> {
    const now = options.now ?? Date.now;
    const markerFile = path.join(options.dataDir, RUNNING_MARKER_FILE);
    const previous = await readMarker(markerFile);
    if (previous) {
      options.log.warn('the previous agent run ended without a clean stop', previous);
      options.record(uncleanStopEvent(previous));
    }
    const startedAtMs = now();
    try {
      await rm(path.join(options.dataDir, STOP_REASON_FILE), { force: true });
      await writeFileAtomic(markerFile, `${JSON.stringify({ pid: process.pid, startedAt: new Date(startedAtMs).toISOString(), agentVersion: AGENT_VERSION })}\n`);
    } catch (err) {
      // Enforcement does not wait on this (principle 1): only the report of a crash of this run is lost.
      options.log.error('cannot write the running marker', { file: markerFile, error: err instanceof Error ? err.message : String(err) });
    }
    return new AgentLifecycle(options, startedAtMs);
  }

  /**
   * Records the stop event and gives the console up to STOP_DELIVERY_MS to ack it (the link and
   * the controls still run meanwhile). Returns whether it was acked.
   */
  async stopping(signal: string, delivery: StopDelivery): Promise<boolean> {
    const uptimeS = Math.max(0, Math.round(((this.options.now ?? Date.now)() - this.startedAtMs) / 1000));
    try {
      this.options.record(stopEvent(signal, uptimeS, await this.takeStopReason()));
      await delivery.flush();
      const delivered = await delivery.drain(STOP_DELIVERY_MS);
      if (delivered) this.options.log.info('the console acked the stop event', { signal });
      else this.options.log.warn('the console did not ack the stop event in time: it stays in the outbox and goes out at the next start', { signal, waitedMs: STOP_DELIVERY_MS });
      return delivered;
    } catch (err) {
      // The rest of the stop (controls, sysctls, database) must happen regardless.
      this.options.log.error('could not deliver the stop event', { error: err instanceof Error ? err.message : String(err) });
      return false;
    }
  }

  /** The last step of a clean stop, once everything is committed: the next start will not report this run. */
  async ended(): Promise<void> {
    await rm(path.join(this.options.dataDir, RUNNING_MARKER_FILE), { force: true });
  }

  private async takeStopReason(): Promise<StopReason | null> {
    const file = path.join(this.options.dataDir, STOP_REASON_FILE);
    const text = await readFile(file, 'utf8').catch(() => null);
    if (text === null) return null;
    await rm(file, { force: true }).catch(() => undefined);
    const [first = '', ...rest] = text.split('\n').map((line) => line.trim());
    const reason = KNOWN_STOP_REASONS.find((known) => known === first);
    if (!reason) return null;
    const code = rest.map((line) => /^uninstall-code ([0-9a-f]{8})$/.exec(line)?.[1]).find((nonce) => nonce !== undefined);
    return code ? { reason, uninstallCode: code } : { reason };
  }
}

async function readMarker(file: string): Promise<Record<string, string | number> | null> {
  // Absent (the last run stopped cleanly, or this is the first) or unreadable: nothing to report.
  const text = await readFile(file, 'utf8').catch(() => null);
  if (text === null) return null;
  let marker: RunningMarker = {};
  try {
    marker = JSON.parse(text) as RunningMarker;
  } catch {
    // Torn by a power loss while written (writeFileAtomic makes that unlikely): still an unclean end.
  }
  const details: Record<string, string | number> = {};
  if (Number.isSafeInteger(marker.pid)) details.previousPid = marker.pid as number;
  if (typeof marker.startedAt === 'string') details.previousStartedAt = marker.startedAt.slice(0, 40);
  if (typeof marker.agentVersion === 'string') details.previousVersion = marker.agentVersion.slice(0, 40);
  return details;
}

function uncleanStopEvent(previous: Record<string, string | number>): EventInput {
  return {
    type: 'agent',
    action: 'info',
    severity: 'high',
    subject: { kind: 'agent', message: 'agent restarted after an unclean stop (crash, kill -9 or power loss)', details: previous },
  };
}

function stopEvent(signal: string, uptimeS: number, stop: StopReason | null): EventInput {
  const removal = stop?.reason === 'package-removal';
  const code = stop?.uninstallCode;
  return {
    type: 'agent',
    action: 'info',
    // An uninstall leaves the workstation unprotected for good; a stop is usually followed by a start.
    severity: removal ? 'high' : 'medium',
    subject: {
      kind: 'agent',
      message: `agent stopping${removal ? ' for package removal' : ''}${code ? ' allowed by an uninstall code' : ''} (${signal})`,
      details: { signal, uptimeS, packageRemoval: removal, ...(code ? { uninstallCodeNonce: code } : {}) },
    },
  };
}
