import type { Request, Response } from 'express';
import type { AccessEndReason, LiveAccess } from '../service-kit/live-access';
import { requestCredential, requestPrincipal } from './session-cookie';

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

export interface WrittenLines {
  lines: number;
  complete: boolean;
  /** Set when the download was cut because the caller's access ended while it ran. */
  cutBy?: AccessEndReason;
}

/**
 * Writes lines (or chunks of lines) to the response with back-pressure (waits for `drain` whenever the socket buffer is
 * full), so a download of any size holds only what its source produces per page. Stops early when
 * the client goes away. With `held`, the download is held by the caller's credential: a revocation
 * or a lost access cuts it (the connection is destroyed, the file is incomplete). Returns how many
 * lines were written and whether all of them were.
 */
export async function writeLines(res: Response, lines: AsyncIterable<string>, held?: { access: LiveAccess; req: Request }): Promise<WrittenLines> {
  let cutBy: AccessEndReason | undefined;
  const principal = held ? requestPrincipal(held.req) : undefined;
  const credential = held ? requestCredential(held.req) : undefined;
  const hold =
    held && principal && credential !== undefined
      ? held.access.hold(principal, credential, (reason) => {
          cutBy = reason;
          res.destroy();
        })
      : undefined;
  const result = (complete: boolean, count: number): WrittenLines => ({ lines: count, complete, ...(cutBy !== undefined ? { cutBy } : {}) });
  let count = 0;
  try {
    for await (const line of lines) {
      if (res.destroyed) return result(false, count);
      count += 1;
      if (!res.write(line, 'utf8')) await drainedOrClosed(res);
    }
    res.end();
    return result(!res.destroyed, count);
  } finally {
    hold?.release();
  }
}
