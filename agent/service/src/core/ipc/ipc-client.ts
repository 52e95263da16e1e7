import net from 'node:net';
import path from 'node:path';
import { describeIssues, IPC_LIMITS, ipcResponse, type IpcRequest, type IpcResponse } from '@dlp/shared';

/** Where the running agent listens, for a given data directory. */
export function agentSocketPath(dataDir: string): string {
  return path.join(dataDir, 'agent.sock');
}

/** The agent is not running, or its socket cannot be reached (not root, wrong data directory). */
export class AgentUnreachableError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
    this.name = 'AgentUnreachableError';
  }
}

/** Sends one request over the agent's socket and resolves with its validated response. */
export function sendIpcRequest(socketPath: string, request: IpcRequest, timeoutMs = 10_000): Promise<IpcResponse> {
  return new Promise((resolve, reject) => {
    const socket = net.createConnection(socketPath);
    let buffered = '';
    let settled = false;
    const finish = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      outcome();
    };
    const timer = setTimeout(() => finish(() => reject(new Error(`no answer from the agent within ${timeoutMs} ms`))), timeoutMs);
    socket.setEncoding('utf8');
    socket.on('connect', () => socket.write(`${JSON.stringify(request)}\n`));
    socket.on('data', (chunk: string) => {
      buffered += chunk;
      const newline = buffered.indexOf('\n');
      if (newline < 0) {
        if (buffered.length > IPC_LIMITS.maxLineBytes) finish(() => reject(new Error('the agent sent an oversized answer')));
        return;
      }
      let value: unknown;
      try {
        value = JSON.parse(buffered.slice(0, newline));
      } catch {
        finish(() => reject(new Error('the agent sent an answer that is not JSON')));
        return;
      }
      const parsed = ipcResponse.safeParse(value);
      finish(() => (parsed.success ? resolve(parsed.data) : reject(new Error(`the agent sent an invalid answer: ${describeIssues(parsed.error)}`))));
    });
    socket.on('error', (err: NodeJS.ErrnoException) => finish(() => reject(new AgentUnreachableError(err.message, err.code))));
    socket.on('close', () => finish(() => reject(new Error('the agent closed the connection without answering'))));
  });
}
