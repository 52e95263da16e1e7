import {
  IPC_LIMITS,
  IPC_VERSION,
  type AgentStatus,
  type BlockNotice,
  type ExceptionRequestState,
  type IpcExceptionRequestResult,
  type IpcNotice,
  type IpcRequest,
  type IpcResponse,
  type IpcTrayReport,
  type IpcUnlockResult,
} from '@dlp/shared';
import { agentNotRunning, sendIpcRequest, subscribeToNotices, type NoticeHandlers, type NoticeSubscription } from '@dlp/shared/node';
import type { ExceptionRequestInput, TrayResult } from '../common/tray-api';
import { systemTimers, type Timers } from './timers';
import { resultFromError, resultFromResponse } from './tray-result';

/** `connected`: subscribed; `agent-not-running`: nothing listens on the socket; `unreachable`: it answered badly. */
export type AgentLink = 'connecting' | 'connected' | 'agent-not-running' | 'unreachable';

/** The two calls of `@dlp/shared/node`'s agent client, injectable for tests. */
export interface AgentClient {
  sendIpcRequest(socketPath: string, request: IpcRequest): Promise<IpcResponse>;
  subscribeToNotices(socketPath: string, handlers: NoticeHandlers): Promise<NoticeSubscription>;
}

export interface AgentSessionOptions {
  socketPath: string;
  client?: AgentClient;
  timers?: Timers;
  /** First reconnect delay, doubled per failure up to `maxBackoffMs`. */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  log?: (line: string) => void;
}

type Notice = IpcNotice['notice'];

/**
 * The tray's one conversation with the agent: a `subscribe` stream kept open (re-opened with backoff
 * when the agent restarts or is not running yet), the latest AgentStatus, and the TrayApi's calls as
 * single requests on the same socket, their answers mapped to TrayResult.
 */
export class AgentSession {
  private readonly client: AgentClient;
  private readonly timers: Timers;
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly log: (line: string) => void;
  private subscription: NoticeSubscription | null = null;
  private cancelRetry: (() => void) | null = null;
  private failures = 0;
  private stopped = true;
  private currentLink: AgentLink = 'connecting';
  private lastStatus: AgentStatus | null = null;
  private readonly noticeListeners = new Set<(notice: Notice) => void>();
  private readonly linkListeners = new Set<(link: AgentLink, status: AgentStatus | null) => void>();

  constructor(private readonly options: AgentSessionOptions) {
    this.client = options.client ?? { sendIpcRequest, subscribeToNotices };
    this.timers = options.timers ?? systemTimers;
    this.initialBackoffMs = options.initialBackoffMs ?? 500;
    this.maxBackoffMs = options.maxBackoffMs ?? 30_000;
    this.log = options.log ?? (() => undefined);
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    void this.connect();
  }

  stop(): void {
    this.stopped = true;
    this.cancelRetry?.();
    this.cancelRetry = null;
    this.subscription?.close();
    this.subscription = null;
  }

  link(): AgentLink {
    return this.currentLink;
  }

  /** The status from the subscription (or the last `status` answer); null before the agent was reached. */
  latestStatus(): AgentStatus | null {
    return this.lastStatus;
  }

  /** Block notices and status changes, as the agent pushes them. */
  onNotice(listener: (notice: Notice) => void): () => void {
    this.noticeListeners.add(listener);
    return () => this.noticeListeners.delete(listener);
  }

  /** The link or the status changed (the icon, the watermark and the clipboard guard follow it). */
  onChange(listener: (link: AgentLink, status: AgentStatus | null) => void): () => void {
    this.linkListeners.add(listener);
    return () => this.linkListeners.delete(listener);
  }

  status(): Promise<TrayResult<AgentStatus>> {
    return this.ask({ v: IPC_VERSION, type: 'status' }, (r) => (r.type === 'status-result' ? r.status : undefined)).then((result) => {
      if (result.ok) this.setState(this.currentLink, result.value);
      return result;
    });
  }

  recentBlocks(): Promise<TrayResult<BlockNotice[]>> {
    return this.ask({ v: IPC_VERSION, type: 'recent-blocks', limit: IPC_LIMITS.maxRecentBlocks }, (r) => (r.type === 'recent-blocks-result' ? r.blocks : undefined));
  }

  myRequests(): Promise<TrayResult<ExceptionRequestState[]>> {
    return this.ask({ v: IPC_VERSION, type: 'my-requests' }, (r) => (r.type === 'my-requests-result' ? r.requests : undefined));
  }

  requestException(input: ExceptionRequestInput): Promise<TrayResult<IpcExceptionRequestResult['result']>> {
    const request: IpcRequest = { v: IPC_VERSION, type: 'request-exception', target: input.target, justification: input.justification, requestedMinutes: input.requestedMinutes };
    return this.ask(request, (r) => (r.type === 'request-exception-result' ? r.result : undefined));
  }

  unlock(code: string): Promise<TrayResult<IpcUnlockResult['result']>> {
    return this.ask({ v: IPC_VERSION, type: 'unlock', code }, (r) => (r.type === 'unlock-result' ? r.result : undefined));
  }

  /** Tells the agent whether the watermark is on screen and what the capture guards do; resolves with whether it was recorded. */
  reportTray(watermark: IpcTrayReport['watermark'], captureGuard?: IpcTrayReport['captureGuard']): Promise<TrayResult<boolean>> {
    return this.ask({ v: IPC_VERSION, type: 'tray-report', watermark, ...(captureGuard ? { captureGuard } : {}) }, (r) => (r.type === 'tray-report-result' ? r.recorded : undefined));
  }

  private async ask<T>(request: IpcRequest, pick: (response: IpcResponse) => T | undefined): Promise<TrayResult<T>> {
    try {
      return resultFromResponse(await this.client.sendIpcRequest(this.options.socketPath, request), pick);
    } catch (err) {
      return resultFromError(err);
    }
  }

  private async connect(): Promise<void> {
    this.cancelRetry = null;
    try {
      const subscription = await this.client.subscribeToNotices(this.options.socketPath, {
        notice: (notice) => this.deliver(notice),
        ended: (err) => this.lost(err ?? new Error('the agent closed the notice stream')),
      });
      if (this.stopped) {
        subscription.close();
        return;
      }
      this.subscription = subscription;
      this.failures = 0;
      this.setState('connected', subscription.status);
    } catch (err) {
      this.lost(err);
    }
  }

  private lost(err: unknown): void {
    this.subscription = null;
    if (this.stopped) return;
    const link: AgentLink = agentNotRunning(err) ? 'agent-not-running' : this.currentLink === 'connected' ? 'connecting' : 'unreachable';
    const delay = Math.min(this.maxBackoffMs, this.initialBackoffMs * 2 ** this.failures);
    this.failures += 1;
    this.log(`agent link ${link}: ${err instanceof Error ? err.message : String(err)}; retrying in ${delay} ms`);
    this.setState(link, this.lastStatus);
    this.cancelRetry = this.timers.after(delay, () => void this.connect());
  }

  private deliver(notice: Notice): void {
    if (notice.kind === 'status') this.setState(this.currentLink, notice.status);
    for (const listener of this.noticeListeners) listener(notice);
  }

  private setState(link: AgentLink, status: AgentStatus | null): void {
    if (link === this.currentLink && status === this.lastStatus) return;
    this.currentLink = link;
    this.lastStatus = status;
    for (const listener of this.linkListeners) listener(link, status);
  }
}
