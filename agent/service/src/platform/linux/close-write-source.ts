import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import type { ClosedFileSource, ClosedFileWatch } from '../../core/removable-scan/closed-file-watcher';

/** What `dlp-exec-guard --close-write MOUNT` prints (native/close-write.c). */
const closeWriteLine = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  z.object({ type: z.literal('overflow') }),
  z.object({ type: z.literal('error'), message: z.string().max(8192) }),
  z.object({ type: z.literal('closed'), path: z.string().max(8192), pid: z.number().int(), uid: z.number().int(), size: z.number().int().nonnegative() }),
]);

const READY_TIMEOUT_MS = 10_000;

/**
 * Files written and closed on a removable mount, from the kernel (fanotify FAN_CLOSE_WRITE on the
 * mount's file system, issue 16): no settle wait — a file is reported once the writer closed it —
 * and writes through any mount of that file system are seen. One helper process per mount; it
 * ends with its stdin (close()) or with the agent.
 */
export class FanotifyClosedFileSource implements ClosedFileSource {
  readonly method = 'fanotify' as const;

  constructor(private readonly helperPath: string) {}

  watchMount(mountPoint: string, onClosed: (file: string) => void, onError: (message: string) => void): Promise<ClosedFileWatch> {
    const child = spawn(this.helperPath, ['--close-write', mountPoint], { stdio: ['pipe', 'pipe', 'ignore'] });
    const lines = createInterface({ input: child.stdout });
    let closing = false;
    const watch: ClosedFileWatch = {
      close: async () => {
        closing = true;
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        child.stdin.end();
        const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
        await exited;
        clearTimeout(timer);
      },
    };
    return new Promise<ClosedFileWatch>((resolve, reject) => {
      let ready = false;
      const fail = (message: string): void => {
        if (ready) onError(message);
        else reject(new Error(message));
      };
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        fail(`close-write watch of ${mountPoint} did not start within ${READY_TIMEOUT_MS} ms`);
      }, READY_TIMEOUT_MS);
      child.stdin.on('error', () => undefined); // the helper went away: 'exit' says so
      child.once('error', (err) => {
        clearTimeout(timer);
        fail(err.message);
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        if (!closing) fail(`close-write watch of ${mountPoint} ended (${signal ?? `exit ${code}`})`);
      });
      lines.on('line', (text) => {
        let parsed;
        try {
          parsed = closeWriteLine.safeParse(JSON.parse(text));
        } catch {
          return;
        }
        if (!parsed.success) return;
        const line = parsed.data;
        if (line.type === 'ready') {
          ready = true;
          clearTimeout(timer);
          resolve(watch);
        } else if (line.type === 'error') {
          fail(line.message);
        } else if (line.type === 'overflow') {
          onError('the kernel dropped close-write notifications (queue overflow): some files written to removable media were not scanned');
        } else {
          onClosed(line.path);
        }
      });
    });
  }
}
