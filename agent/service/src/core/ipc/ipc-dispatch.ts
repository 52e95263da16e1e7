import type { IpcExceptionRequest, IpcResponse, IpcUnlockRequest } from '@dlp/shared';
import type { IpcHandler } from './ipc-server';

/** One handler per IPC request type. */
export interface IpcHandlers {
  unlock(request: IpcUnlockRequest): Promise<IpcResponse>;
  requestException(request: IpcExceptionRequest): Promise<IpcResponse>;
}

/** Routes each validated request to its handler. */
export function dispatchIpc(handlers: IpcHandlers): IpcHandler {
  return (request) => {
    switch (request.type) {
      case 'unlock':
        return handlers.unlock(request);
      case 'request-exception':
        return handlers.requestException(request);
    }
  };
}
