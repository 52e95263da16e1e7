import type { EventSink } from './controls/agent-control';
import type { EventFactory, EventInput } from './event-factory';
import type { Logger } from './logger';
import type { EventDraft, Outbox } from './outbox';

/**
 * The one event sink every control writes to: stamps each event (EventFactory) and appends it to
 * the outbox, without making the control wait. `flush` resolves once everything recorded so far is
 * committed.
 */
export class EventRecorder {
  private readonly recording = new Set<Promise<void>>();
  private readonly listeners = new Set<(event: EventDraft) => void>();

  constructor(
    private readonly events: EventFactory,
    private readonly outbox: Outbox,
    private readonly log: Logger,
  ) {}

  readonly record: EventSink = (input: EventInput): void => {
    const job = this.events
      .create(input)
      .then(async (draft) => {
        await this.outbox.append(draft);
        for (const listener of this.listeners) listener(draft);
      })
      .catch((err: unknown) => this.log.error('could not record an event', { type: input.type, error: err instanceof Error ? err.message : String(err) }));
    this.recording.add(job);
    void job.finally(() => this.recording.delete(job));
  };

  /** Calls `listener` with each event once it is in the outbox (the tray's block notices). */
  onRecorded(listener: (event: EventDraft) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async flush(): Promise<void> {
    await Promise.all(this.recording);
    await this.outbox.flush();
  }
}
