import net from 'node:net';
import { describeIssues, IPC_LIMITS, ipcResponse, type IpcResponse, type IpcScanRequest } from '@dlp/shared';
import { AgentUnreachableError, readLines } from '@dlp/shared/node';

/** How long the agent may take to say anything at all (a scan's first progress comes at once). */
const FIRST_ANSWER_MS = 30_000;

/**
 * Sends `scan` and hands every answer line to `onResponse` until the last one (`scan-result` or an
 * `error`). Aborting `signal` closes the connection, which cancels the scan on the agent. Resolves
 * 'ended' or 'cancelled'; rejects when the agent cannot be reached (AgentUnreachableError) or the
 * conversation breaks.
 */
export function streamScan(socketPath: string, request: IpcScanRequest, onResponse: (response: IpcResponse) => void, signal: AbortSignal): Promise<'ended' | 'cancelled'> {
  return new Promise((resolve, reject) => {
    const socket = net.createConnection(socketPath);
    let settled = false;
    const finish = (outcome: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      socket.destroy();
      outcome();
    };
    const onAbort = (): void => finish(() => resolve('cancelled'));
    const timer = setTimeout(() => finish(() => reject(new Error(`no answer from the agent within ${FIRST_ANSWER_MS / 1000} s`))), FIRST_ANSWER_MS);
    signal.addEventListener('abort', onAbort, { once: true });
    if (signal.aborted) onAbort();
    socket.on('connect', () => socket.write(`${JSON.stringify(request)}\n`));
    readLines(socket, IPC_LIMITS.maxLineBytes, {
      line: (line) => {
        if (settled) return;
        clearTimeout(timer);
        let value: unknown;
        try {
          value = JSON.parse(line);
        } catch {
          finish(() => reject(new Error('the agent sent an answer that is not JSON')));
          return;
        }
        const parsed = ipcResponse.safeParse(value);
        if (!parsed.success) {
          finish(() => reject(new Error(`the agent sent an invalid answer: ${describeIssues(parsed.error)}`)));
          return;
        }
        onResponse(parsed.data);
        if (parsed.data.type === 'scan-result' || parsed.data.type === 'error') finish(() => resolve('ended'));
      },
      tooLong: () => finish(() => reject(new Error('the agent sent an oversized answer'))),
    });
    socket.on('error', (err: NodeJS.ErrnoException) => finish(() => reject(new AgentUnreachableError(err.message, err.code))));
    socket.on('close', () => finish(() => reject(new Error('the agent closed the connection before the scan ended'))));
  });
}
