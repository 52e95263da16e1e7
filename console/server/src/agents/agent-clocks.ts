import type { StoredEvent } from '@dlp/shared';

/** A sample this far from the smoothed offset means the agent's clock was set: start again from it. */
const CLOCK_JUMP_MS = 30_000;
/** Weight of a new sample in the smoothed offset (exponential moving average). */
const SMOOTHING = 0.25;

/**
 * Offsets smaller than this are left uncorrected: they are within the measurement's own error (the
 * one-way network delay of the sample) and moving every event by them would only churn stored times.
 */
export const CORRECTION_DEAD_BAND_MS = 2000;
/** A corrected time later than the receive time by more than this cannot be true (events are sent after they happen). */
export const FUTURE_TOLERANCE_MS = 2 * 60_000;
/** A corrected time older than this before the receive time is implausible too (a reset clock, 1970). */
export const PAST_LIMIT_MS = 366 * 24 * 3_600_000;

/** One agent's measured clock: offset = agent clock − console clock, in ms. */
export interface AgentClock {
  offsetMs: number;
  measuredAt: string;
}

/** The smoothed offset after one more sample. */
export function smoothOffset(previousMs: number | undefined, sampleMs: number): number {
  if (previousMs === undefined || Math.abs(sampleMs - previousMs) > CLOCK_JUMP_MS) return Math.round(sampleMs);
  return Math.round(previousMs + SMOOTHING * (sampleMs - previousMs));
}

/**
 * Clock offsets of the agents connected to this node, measured from the agent's clock in its hello
 * and heartbeats against this node's clock at receipt. The sample is low by the one-way delay of
 * the frame, which is far below the dead band. Ingest reads the offset once per batch.
 */
export class AgentClocks {
  private readonly offsets = new Map<string, number>();

  /** Records a sample (the agent's clock `agentClock` seen at `consoleNowMs`); returns the smoothed clock. */
  observe(agentId: string, agentClock: string, consoleNowMs: number): AgentClock | undefined {
    const agentMs = Date.parse(agentClock);
    if (!Number.isFinite(agentMs)) return undefined;
    const offsetMs = smoothOffset(this.offsets.get(agentId), agentMs - consoleNowMs);
    this.offsets.set(agentId, offsetMs);
    return { offsetMs, measuredAt: new Date(consoleNowMs).toISOString() };
  }

  /** The agent's smoothed offset; 0 when it never reported its clock (an older agent). */
  offsetOf(agentId: string): number {
    return this.offsets.get(agentId) ?? 0;
  }

  /** A new connection without a clock sample: the old measurement may no longer hold. */
  forget(agentId: string): void {
    this.offsets.delete(agentId);
  }
}

/**
 * Sets `placedAt` on the events of one agent's batch that the console places elsewhere than their
 * occurredAt: corrected by the agent's clock offset, or at the receive time when the corrected time
 * is implausible (in the future beyond FUTURE_TOLERANCE_MS, or more than PAST_LIMIT_MS back). Events
 * that stay get none. Per event this is one Date.parse and two comparisons; a time string is built
 * only for events that move.
 */
export function placeEvents(events: readonly StoredEvent[], offsetMs: number, receivedAtMs: number, receivedAt: string): void {
  const correction = Math.abs(offsetMs) < CORRECTION_DEAD_BAND_MS ? 0 : offsetMs;
  const latest = receivedAtMs + FUTURE_TOLERANCE_MS;
  const earliest = receivedAtMs - PAST_LIMIT_MS;
  for (const event of events) {
    const placedMs = Date.parse(event.occurredAt) - correction;
    if (!(placedMs <= latest && placedMs >= earliest)) event.placedAt = receivedAt;
    else if (correction !== 0) event.placedAt = new Date(placedMs).toISOString();
  }
}
