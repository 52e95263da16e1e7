import { IPC_VERSION, uuidv7, type ExceptionRequestMessage, type IpcExceptionRequest, type IpcResponse } from '@dlp/shared';
import type { Logger } from '../logger';

export interface ExceptionRequestHandlerDeps {
  /** Sends the request on the console link; false when the console is not reachable now. */
  send(request: Omit<ExceptionRequestMessage, 'v' | 'type'>): boolean;
  enrolled(): boolean;
  /** The user logged in at the workstation, for requests that do not name one. */
  loggedInUser(): Promise<string | null>;
  log: Logger;
}

/**
 * Answers `request-exception`: forwards the employee's request to the console at once. It is not
 * queued: an exception is asked for when it is needed, and the employee can ask again once online
 * (or get an offline unlock code from an officer).
 */
export function createExceptionRequestHandler(deps: ExceptionRequestHandlerDeps): (request: IpcExceptionRequest) => Promise<IpcResponse> {
  return async (request) => {
    if (!deps.enrolled()) {
      return { v: IPC_VERSION, type: 'request-exception-result', result: { ok: false, reason: 'not-enrolled', message: 'This computer is not enrolled with a console yet.' } };
    }
    const requestId = uuidv7();
    const user = request.user ?? (await deps.loggedInUser())?.slice(0, 256) ?? null;
    const sent = deps.send({ requestId, target: request.target, justification: request.justification, requestedMinutes: request.requestedMinutes, user });
    deps.log.info('exception request', { requestId, kind: request.target.kind, sent });
    if (!sent) {
      return {
        v: IPC_VERSION,
        type: 'request-exception-result',
        result: { ok: false, reason: 'offline', message: 'The console cannot be reached right now; ask again later, or ask an officer for an unlock code.' },
      };
    }
    return { v: IPC_VERSION, type: 'request-exception-result', result: { ok: true, requestId, message: `Request ${requestId} sent: a security officer will review it.` } };
  };
}
