import { LIMITS, PROTOCOL_VERSION, type EventsMessage } from '@dlp/shared';
import type { Outbox } from '../outbox';

/** Room left in a frame for the envelope around the events. */
const ENVELOPE_BYTES = 1024;

export interface EventSenderOptions {
  outbox: Outbox;
  send: (message: EventsMessage) => void;
  maxInFlightBatches: number;
  now?: () => number;
}

/**
 * Sends the outbox over one connection: batches in seq order, at most `maxInFlightBatches` not yet
 * acked. A new connection starts a new sender from the console's acked seq, so everything unacked
 * is sent again (ingest is idempotent on agent and seq).
 */
export class EventSender {
  private sentUpTo: number;
  /** Last seq and send time of each batch not acked yet, oldest first. */
  private inFlight: Array<{ lastSeq: number; sentAt: number }> = [];
  private pumping = false;
  private pumpAgain = false;
  private closed = false;

  constructor(
    private readonly options: EventSenderOptions,
    ackedSeq: number,
  ) {
    this.sentUpTo = ackedSeq;
  }

  /** Sends more batches if the window allows. Safe to call at any time, from anywhere. */
  async pump(): Promise<void> {
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    this.pumping = true;
    try {
      do {
        this.pumpAgain = false;
        while (!this.closed && this.inFlight.length < this.options.maxInFlightBatches) {
          const events = await this.options.outbox.readAfter(this.sentUpTo, LIMITS.maxBatchEvents, LIMITS.maxMessageBytes - ENVELOPE_BYTES);
          const last = events.at(-1);
          if (this.closed || !last) break;
          this.options.send({ v: PROTOCOL_VERSION, type: 'events', events });
          this.sentUpTo = last.seq;
          this.inFlight.push({ lastSeq: last.seq, sentAt: this.now() });
        }
      } while (this.pumpAgain && !this.closed);
    } finally {
      this.pumping = false;
    }
  }

  /** The console committed everything up to `upTo`. */
  async acked(upTo: number): Promise<void> {
    await this.options.outbox.deleteUpTo(upTo);
    this.inFlight = this.inFlight.filter((b) => b.lastSeq > upTo);
    await this.pump();
  }

  /** Milliseconds the oldest unacked batch has waited (0 when none). */
  oldestUnackedAgeMs(): number {
    const oldest = this.inFlight[0];
    return oldest ? this.now() - oldest.sentAt : 0;
  }

  close(): void {
    this.closed = true;
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }
}
