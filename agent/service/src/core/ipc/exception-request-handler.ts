import { IPC_VERSION, uuidv7, type ExceptionRequestMessage, type IpcExceptionRequest, type IpcResponse } from '@dlp/shared';
import type { LocalPeer } from '../../platform/types';
import type { Logger } from '../logger';

export interface ExceptionRequestHandlerDeps {
  /** Sends the request on the console link; false when the console is not reachable now. */
  send(request: Omit<ExceptionRequestMessage, 'v' | 'type'>): boolean;
  enrolled(): boolean;
  /** The user logged in at the workstation, for root's requests that do not name one. */
  loggedInUser(): Promise<string | null>;
  /** Keeps what was sent, so the employee can follow it (`my-requests`). */
  sent?(request: { requestId: string; request: IpcExceptionRequest; user: string | null; uid: number | null }): Promise<void>;
  log: Logger;
}

/** The name a peer acts under: its account name, or `uid N` when the user database has none. */
export function peerUserName(peer: LocalPeer): string {
  return peer.name ?? `uid ${peer.uid}`;
}

/**
 * Answers `request-exception`: forwards the employee's request to the console at once. It is not
 * queued: an exception is asked for when it is needed, and the employee can ask again once online
 * (or get an offline unlock code from an officer). An ordinary user asks for themselves only; root
 * (a helpdesk script through sudo) may name the employee.
 */
export function createExceptionRequestHandler(deps: ExceptionRequestHandlerDeps): (request: IpcExceptionRequest, peer: LocalPeer) => Promise<IpcResponse> {
  return async (request, peer) => {
    const privileged = peer.uid === 0;
    if (!privileged && request.user !== undefined && request.user !== peer.name) {
      deps.log.warn('refused an exception request for another user', { uid: peer.uid });
      return { v: IPC_VERSION, type: 'error', code: 'forbidden', message: 'an ordinary user may only ask for themselves' };
    }
    if (!deps.enrolled()) {
      return { v: IPC_VERSION, type: 'request-exception-result', result: { ok: false, reason: 'not-enrolled', message: 'This computer is not enrolled with a console yet.' } };
    }
    const requestId = uuidv7();
    const user = privileged ? (request.user ?? (await deps.loggedInUser())?.slice(0, 256) ?? null) : peerUserName(peer);
    const sent = deps.send({ requestId, target: request.target, justification: request.justification, requestedMinutes: request.requestedMinutes, user });
    deps.log.info('exception request', { requestId, kind: request.target.kind, uid: peer.uid, sent });
    if (!sent) {
      return {
        v: IPC_VERSION,
        type: 'request-exception-result',
        result: { ok: false, reason: 'offline', message: 'The console cannot be reached right now; ask again later, or ask an officer for an unlock code.' },
      };
    }
    // Root asks for someone else: that person follows it by name; everyone else by their uid.
    await deps.sent?.({ requestId, request, user, uid: privileged ? null : peer.uid });
    return { v: IPC_VERSION, type: 'request-exception-result', result: { ok: true, requestId, message: `Request ${requestId} sent: a security officer will review it.` } };
  };
}
