import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { exceptionRequestTarget, IPC_LIMITS, type ExceptionRequestState, type ExceptionRequestTarget, type PolicyException } from '@dlp/shared';
import { writeFileAtomic } from '../atomic-file';

const FILE = 'exception-requests.json';

const loggedRequest = z.strictObject({
  requestId: z.uuidv7(),
  requestedAt: z.iso.datetime({ offset: true }),
  target: exceptionRequestTarget,
  requestedMinutes: z.number().int().min(1),
  user: z.string().max(256).nullable(),
  uid: z.number().int().min(0).nullable(),
  /** Set once an exception for the target was seen in force: the latest expiry seen. */
  grantedUntil: z.iso.datetime({ offset: true }).optional(),
});
type LoggedRequest = z.infer<typeof loggedRequest>;

function sameTarget(request: ExceptionRequestTarget, granted: PolicyException['target']): boolean {
  if (request.kind === 'app') return granted.kind === 'app' && granted.sha256 === request.sha256;
  if (granted.kind !== 'usb-device') return false;
  const a = request.device;
  const b = granted.device;
  return a.vendorId === b.vendorId && a.productId === b.productId && a.serial === b.serial;
}

/**
 * The exception requests this agent forwarded, so the employee can follow them: `pending` until an
 * exception for the same target arrives, then `granted` until it runs out, then `expired`. The
 * console sends no "denied" to agents: a refused request stays pending here (named in the docs).
 * Kept in `<dataDir>/exception-requests.json` (root only), newest last, at most 50.
 */
export class ExceptionRequestLog {
  private requests: LoggedRequest[] = [];

  private constructor(private readonly file: string) {}

  static async open(dataDir: string): Promise<ExceptionRequestLog> {
    const log = new ExceptionRequestLog(path.join(dataDir, FILE));
    try {
      const parsed = z.array(loggedRequest).safeParse(JSON.parse(await readFile(log.file, 'utf8')));
      if (parsed.success) log.requests = parsed.data.slice(-IPC_LIMITS.maxRequestStates);
    } catch {
      // Absent or unreadable: start empty; the console keeps the real record.
    }
    return log;
  }

  async add(request: Omit<LoggedRequest, 'grantedUntil'>): Promise<void> {
    this.requests.push(request);
    this.requests = this.requests.slice(-IPC_LIMITS.maxRequestStates);
    await this.save();
  }

  /** Notes the expiry of every exception now in force against the requests it answers. */
  async noteGranted(granted: readonly PolicyException[]): Promise<void> {
    let changed = false;
    for (const request of this.requests) {
      for (const exception of granted) {
        if (!sameTarget(request.target, exception.target) || Date.parse(exception.grantedAt) < Date.parse(request.requestedAt) - 60_000) continue;
        if (!request.grantedUntil || Date.parse(exception.expiresAt) > Date.parse(request.grantedUntil)) {
          request.grantedUntil = exception.expiresAt;
          changed = true;
        }
      }
    }
    if (changed) await this.save();
  }

  /** Newest first, those `visible` lets through, with their state at `now`. */
  list(visible: (request: { uid: number | null; user: string | null }) => boolean, now = Date.now()): ExceptionRequestState[] {
    return [...this.requests]
      .reverse()
      .filter(visible)
      .map(({ uid: _uid, grantedUntil, ...request }) => {
        if (!grantedUntil) return { ...request, state: 'pending' as const };
        return { ...request, state: Date.parse(grantedUntil) > now ? ('granted' as const) : ('expired' as const), expiresAt: grantedUntil };
      });
  }

  private async save(): Promise<void> {
    await writeFileAtomic(this.file, JSON.stringify(this.requests));
  }
}
