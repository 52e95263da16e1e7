import { IPC_LIMITS, IPC_VERSION, type AgentEvent, type AgentStatus, type IpcNotice, type IpcResponse, type PolicyDocument } from '@dlp/shared';
import type { LocalPeer } from '../../platform/types';
import type { ExceptionRequestHandlerDeps } from '../ipc/exception-request-handler';
import { createExceptionRequestHandler } from '../ipc/exception-request-handler';
import type { IpcHandlers } from '../ipc/ipc-dispatch';
import type { Logger } from '../logger';
import { buildAgentStatus, type StatusInputs } from './agent-status';
import { blockNoticeOf, ownsBlock, RecentBlocks } from './recent-blocks';
import type { ExceptionRequestLog } from './request-log';
import type { WatermarkWatch } from './watermark-watch';

export interface EmployeeChannelDeps {
  status(): Omit<StatusInputs, 'peer'>;
  policyDocument(): PolicyDocument | null;
  requests: ExceptionRequestLog;
  watermark: WatermarkWatch;
  unlock: IpcHandlers['unlock'];
  /** `dlp-agent scan` (core/content-scan): runs with the asking user's rights. */
  scan: IpcHandlers['scan'];
  exceptionRequests: Omit<ExceptionRequestHandlerDeps, 'sent' | 'log'>;
  /** Delivers to each subscriber the notice `noticeFor` builds for it (null: none for that one). */
  publish(noticeFor: (peer: LocalPeer) => IpcNotice['notice'] | null): void;
  log: Logger;
  /** The trays' capture guards changed: the capability report is rebuilt. */
  guardsChanged?(): void;
}

const isRoot = (peer: LocalPeer) => peer.uid === 0;

/**
 * The employee's side of the local socket (issue 15): what is in force, the peer's own blocks and
 * exception requests, live block notices, and the tray's watermark reports. Nothing here changes
 * policy or enforcement; every answer is filtered to the kernel-identified peer (root sees all).
 */
export class EmployeeChannel {
  private readonly blocks = new RecentBlocks();

  constructor(private readonly deps: EmployeeChannelDeps) {}

  statusFor(peer: LocalPeer): AgentStatus {
    return buildAgentStatus({ ...this.deps.status(), peer: { uid: peer.uid, name: peer.name, privileged: isRoot(peer) } });
  }

  /** Every recorded event passes here; blocks are kept and pushed to their owner's tray. */
  eventRecorded(event: Omit<AgentEvent, 'seq'>): void {
    const owned = blockNoticeOf(event, this.deps.policyDocument());
    if (!owned) return;
    this.blocks.add(owned);
    const notice = { kind: 'block' as const, block: owned.block };
    this.deps.publish((peer) => (isRoot(peer) || ownsBlock(owned, peer) ? notice : null));
  }

  /** Policy, link or capability change: every tray redraws its status. */
  statusChanged(): void {
    this.deps.publish((peer) => ({ kind: 'status', status: this.statusFor(peer) }));
  }

  handlers(): IpcHandlers {
    const v = IPC_VERSION;
    const requestException = createExceptionRequestHandler({
      ...this.deps.exceptionRequests,
      sent: ({ requestId, request, user, uid }) =>
        this.deps.requests.add({ requestId, requestedAt: new Date().toISOString(), target: request.target, requestedMinutes: request.requestedMinutes, user, uid }),
      log: this.deps.log,
    });
    return {
      unlock: this.deps.unlock,
      scan: this.deps.scan,
      requestException,
      status: async (peer): Promise<IpcResponse> => ({ v, type: 'status-result', status: this.statusFor(peer) }),
      recentBlocks: async (limit, peer): Promise<IpcResponse> => ({
        v,
        type: 'recent-blocks-result',
        blocks: this.blocks.list(Math.min(limit, IPC_LIMITS.maxRecentBlocks), (entry) => isRoot(peer) || ownsBlock(entry, peer)),
      }),
      myRequests: async (peer): Promise<IpcResponse> => ({
        v,
        type: 'my-requests-result',
        requests: this.deps.requests.list((r) => isRoot(peer) || (r.uid !== null ? r.uid === peer.uid : r.user !== null && r.user === peer.name)),
      }),
      subscribe: async (peer): Promise<IpcResponse> => ({ v, type: 'subscribed', status: this.statusFor(peer) }),
      trayReport: async (request, peer): Promise<IpcResponse> => {
        const guardsBefore = JSON.stringify(this.deps.watermark.captureGuards());
        this.deps.watermark.noteReport(peer.uid, peer.name, request.watermark, request.captureGuard);
        await this.deps.watermark.check();
        if (JSON.stringify(this.deps.watermark.captureGuards()) !== guardsBefore) this.deps.guardsChanged?.();
        return { v, type: 'tray-report-result', recorded: true };
      },
    };
  }
}
