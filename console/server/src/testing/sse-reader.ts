/** One open `GET /api/v1/events/stream` as a test sees it. */
export interface TestStream {
  status: number;
  /** Everything received so far. */
  text(): string;
  /** Resolves with everything received once the console ended the stream. */
  ended: Promise<string>;
  /** Resolves once the text received from offset `from` on matches `pattern` (rejects if the stream ends first). */
  until(pattern: RegExp, from?: number): Promise<string>;
  /** `Date.now()` when the stream ended, once it did (for measuring how fast a revocation closes it). */
  endedAtMs(): number | undefined;
  close(): void;
}

/**
 * Opens the live event stream with `headers` (a cookie or a bearer token) and reads it in the
 * background; resolves once the console sent its `: connected` comment (or answered with an error).
 */
export async function openTestStream(baseUrl: string, headers: Record<string, string>): Promise<TestStream> {
  const controller = new AbortController();
  const res = await fetch(`${baseUrl}/api/v1/events/stream`, { headers, signal: controller.signal });
  let text = '';
  let endedAt: number | undefined;
  const waiters: Array<() => void> = [];
  const notify = (): void => {
    for (const w of waiters.splice(0)) w();
  };
  const reader = res.body?.getReader();
  const decoder = new TextDecoder();
  const ended = (async () => {
    if (!reader) return text;
    try {
      for (;;) {
        const chunk = await reader.read();
        if (chunk.done) break;
        text += decoder.decode(chunk.value, { stream: true });
        notify();
      }
    } catch {
      // Aborted by close(): the test is done with it.
    }
    endedAt = Date.now();
    notify();
    return text;
  })();
  let done = false;
  void ended.then(() => void (done = true));
  const until = async (pattern: RegExp, from = 0): Promise<string> => {
    for (;;) {
      if (pattern.test(text.slice(from))) return text;
      if (done) throw new Error(`stream ended before ${String(pattern)}: ${text}`);
      await new Promise<void>((resolve) => waiters.push(resolve));
    }
  };
  const stream: TestStream = {
    status: res.status,
    text: () => text,
    ended,
    until,
    endedAtMs: () => endedAt,
    close: () => controller.abort(),
  };
  if (res.status === 200) await until(/: connected\n\n/);
  return stream;
}

/** The `reason` of the stream's closing `event: end` message, if it sent one. */
export function endReason(text: string): string | undefined {
  const match = /event: end\ndata: (\{.*\})\n\n/.exec(text);
  if (!match?.[1]) return undefined;
  const parsed = JSON.parse(match[1]) as { reason?: unknown };
  return typeof parsed.reason === 'string' ? parsed.reason : undefined;
}
