import type { IpcExceptionRequest, IpcResponse, IpcScanRequest, IpcTrayReport, IpcUnlockRequest } from '@dlp/shared';
import type { LocalPeer } from '../../platform/types';
import type { IpcHandler, IpcStream } from './ipc-server';

/** One handler per IPC request type; each gets the kernel's word on who asks. */
export interface IpcHandlers {
  unlock(request: IpcUnlockRequest, peer: LocalPeer): Promise<IpcResponse>;
  requestException(request: IpcExceptionRequest, peer: LocalPeer): Promise<IpcResponse>;
  status(peer: LocalPeer): Promise<IpcResponse>;
  recentBlocks(limit: number, peer: LocalPeer): Promise<IpcResponse>;
  myRequests(peer: LocalPeer): Promise<IpcResponse>;
  /** Answers with `subscribed`; the server then streams notices to the connection. */
  subscribe(peer: LocalPeer): Promise<IpcResponse>;
  trayReport(request: IpcTrayReport, peer: LocalPeer): Promise<IpcResponse>;
  /** Streams progress and findings through `stream`, then answers with the result. */
  scan(request: IpcScanRequest, peer: LocalPeer, stream: IpcStream): Promise<IpcResponse>;
}

/** Routes each validated request to its handler. */
export function dispatchIpc(handlers: IpcHandlers): IpcHandler {
  return (request, peer, stream) => {
    switch (request.type) {
      case 'unlock':
        return handlers.unlock(request, peer);
      case 'request-exception':
        return handlers.requestException(request, peer);
      case 'status':
        return handlers.status(peer);
      case 'recent-blocks':
        return handlers.recentBlocks(request.limit, peer);
      case 'my-requests':
        return handlers.myRequests(peer);
      case 'subscribe':
        return handlers.subscribe(peer);
      case 'tray-report':
        return handlers.trayReport(request, peer);
      case 'scan':
        return handlers.scan(request, peer, stream);
    }
  };
}
