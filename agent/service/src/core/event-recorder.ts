import type { EventSink } from './controls/agent-control';
import type { EventFactory, EventInput } from './event-factory';
import type { Logger } from './logger';
import type { Outbox } from './outbox';

/**
 * The one event sink every control writes to: stamps each event (EventFactory) and appends it to
 * the outbox, without making the control wait. `flush` resolves once everything recorded so far is
 * committed.
 */
export class EventRecorder {
  private readonly recording = new Set<Promise<void>>();

  constructor(
    private readonly events: EventFactory,
    private readonly outbox: Outbox,
    private readonly log: Logger,
  ) {}

  readonly record: EventSink = (input: EventInput): void => {
    const job = this.events
      .create(input)
      .then((draft) => this.outbox.append(draft))
      .then(() => undefined)
      .catch((err: unknown) => this.log.error('could not record an event', { type: input.type, error: err instanceof Error ? err.message : String(err) }));
    this.recording.add(job);
    void job.finally(() => this.recording.delete(job));
  };

  async flush(): Promise<void> {
    await Promise.all(this.recording);
    await this.outbox.flush();
  }
}
