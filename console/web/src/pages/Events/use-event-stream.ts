import { useEffect, useRef, useState } from 'react';
import type { StoredEvent } from '@dlp/shared';
import { useApi, type StreamStatus } from '../../api';

export interface EventStreamCallbacks {
  onEvents(events: StoredEvent[]): void;
  /** The stream is live again after an interruption: events may have been missed meanwhile. */
  onResync(): void;
}

/** Keeps one live event stream open while the page is shown and reports its status. */
export function useEventStream(callbacks: EventStreamCallbacks): { status: StreamStatus; rejected: number } {
  const api = useApi();
  const [status, setStatus] = useState<StreamStatus>('connecting');
  const [rejected, setRejected] = useState(0);
  // The stream outlives renders; it calls whatever callbacks the latest render supplied.
  const latest = useRef(callbacks);
  latest.current = callbacks;

  useEffect(() => {
    let interrupted = false;
    const handle = api.streamEvents({
      onEvents: (events) => latest.current.onEvents(events),
      onStatus: (next) => {
        setStatus(next);
        if (next === 'reconnecting') interrupted = true;
        if (next === 'live' && interrupted) {
          interrupted = false;
          latest.current.onResync();
        }
      },
      onRejected: (count) => setRejected((total) => total + count),
    });
    return () => handle.close();
  }, [api]);

  return { status, rejected };
}
