import net from 'node:net';
import { IPC_LIMITS, ipcResponse, type IpcNotice, type IpcRequest, type IpcResponse } from '../schemas/ipc';
import type { AgentStatus } from '../schemas/ipc-employee';
import { describeIssues } from '../validation';
import { readLines } from './line-reader';

/**
 * Where the installed agent listens for the `dlp-agent` command and the tray (every local user may
 * connect; the agent asks the kernel who they are). `DLP_AGENT_SOCKET` overrides it.
 */
export const DEFAULT_AGENT_SOCKET = '/run/dlp-agent/agent.sock';

/** The agent is not running, or its socket cannot be reached. */
export class AgentUnreachableError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
    this.name = 'AgentUnreachableError';
  }
}

/** True when the error means "no agent is listening there" rather than a broken conversation. */
export function agentNotRunning(err: unknown): boolean {
  return err instanceof AgentUnreachableError && (err.code === 'ENOENT' || err.code === 'ECONNREFUSED');
}

/** Reads newline-delimited, schema-checked responses from a socket; a broken line ends the reading. */
function readResponses(socket: net.Socket, onResponse: (response: IpcResponse) => void, onBroken: (err: Error) => void): void {
  readLines(socket, IPC_LIMITS.maxLineBytes, {
    line: (line) => {
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        onBroken(new Error('the agent sent an answer that is not JSON'));
        return;
      }
      const parsed = ipcResponse.safeParse(value);
      if (parsed.success) onResponse(parsed.data);
      else onBroken(new Error(`the agent sent an invalid answer: ${describeIssues(parsed.error)}`));
    },
    tooLong: () => onBroken(new Error('the agent sent an oversized answer')),
  });
}

/** Sends one request over the agent's socket and resolves with its validated response. */
export function sendIpcRequest(socketPath: string, request: IpcRequest, timeoutMs = 10_000): Promise<IpcResponse> {
  return new Promise((resolve, reject) => {
    const socket = net.createConnection(socketPath);
    let settled = false;
    const finish = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      outcome();
    };
    const timer = setTimeout(() => finish(() => reject(new Error(`no answer from the agent within ${timeoutMs} ms`))), timeoutMs);
    socket.on('connect', () => socket.write(`${JSON.stringify(request)}\n`));
    readResponses(
      socket,
      (response) => finish(() => resolve(response)),
      (err) => finish(() => reject(err)),
    );
    socket.on('error', (err: NodeJS.ErrnoException) => finish(() => reject(new AgentUnreachableError(err.message, err.code))));
    socket.on('close', () => finish(() => reject(new Error('the agent closed the connection without answering'))));
  });
}

export interface NoticeSubscription {
  /** The agent's state when the subscription began. */
  readonly status: AgentStatus;
  close(): void;
}

export interface NoticeHandlers {
  notice(notice: IpcNotice['notice']): void;
  /** The stream ended (agent stopped, connection broken); subscribe again to resume. */
  ended(err: Error | null): void;
}

/**
 * Subscribes to the agent's notices (the tray's block notices and status changes). Resolves once
 * the agent has acknowledged with its current status; notices then arrive through `handlers`.
 */
export function subscribeToNotices(socketPath: string, handlers: NoticeHandlers, timeoutMs = 10_000): Promise<NoticeSubscription> {
  return new Promise((resolve, reject) => {
    const socket = net.createConnection(socketPath);
    let phase: 'waiting' | 'open' | 'ended' = 'waiting';
    const end = (err: Error | null) => {
      clearTimeout(timer);
      socket.destroy();
      const was = phase;
      phase = 'ended';
      if (was === 'waiting') reject(err ?? new Error('the agent closed the connection without answering'));
      else if (was === 'open') handlers.ended(err);
    };
    const timer = setTimeout(() => end(new Error(`no answer from the agent within ${timeoutMs} ms`)), timeoutMs);
    socket.on('connect', () => socket.write(`${JSON.stringify({ v: 1, type: 'subscribe' })}\n`));
    readResponses(
      socket,
      (response) => {
        if (phase === 'waiting') {
          if (response.type !== 'subscribed') {
            end(new Error(response.type === 'error' ? response.message : `unexpected answer ${response.type}`));
            return;
          }
          phase = 'open';
          clearTimeout(timer);
          resolve({ status: response.status, close: () => end(null) });
          return;
        }
        if (phase === 'open' && response.type === 'notice') handlers.notice(response.notice);
      },
      (err) => end(err),
    );
    socket.on('error', (err: NodeJS.ErrnoException) => end(new AgentUnreachableError(err.message, err.code)));
    socket.on('close', () => end(null));
  });
}
