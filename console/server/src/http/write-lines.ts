import type { Response } from 'express';

/** Resolves when the response can take more data, or the client went away. */
function drainedOrClosed(res: Response): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

/**
 * Writes lines (or chunks of lines) to the response with back-pressure (waits for `drain` whenever the socket buffer is
 * full), so a download of any size holds only what its source produces per page. Stops early when
 * the client goes away. Returns how many lines were written and whether all of them were.
 */
export async function writeLines(res: Response, lines: AsyncIterable<string>): Promise<{ lines: number; complete: boolean }> {
  let count = 0;
  for await (const line of lines) {
    if (res.destroyed) return { lines: count, complete: false };
    count += 1;
    if (!res.write(line, 'utf8')) await drainedOrClosed(res);
  }
  res.end();
  return { lines: count, complete: !res.destroyed };
}
