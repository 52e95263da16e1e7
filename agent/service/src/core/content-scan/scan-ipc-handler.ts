import { IPC_VERSION, type IpcResponse, type IpcScanRequest } from '@dlp/shared';
import type { LocalPeer } from '../../platform/types';
import type { IpcStream } from '../ipc/ipc-server';
import type { OnDemandScans } from './on-demand-scans';

/**
 * Answers `scan` on the local socket: the scan runs with the asking user's rights (root's for
 * root, the helpdesk), streams progress and each file worth showing, and ends with the result.
 * The client closing the connection (Ctrl-C) cancels it.
 */
export function createScanIpcHandler(scans: OnDemandScans): (request: IpcScanRequest, peer: LocalPeer, stream: IpcStream) => Promise<IpcResponse> {
  const v = IPC_VERSION;
  return async (request, peer, stream) => {
    const started = scans.start(
      request.path,
      { key: `uid:${peer.uid}`, runAs: peer.uid === 0 ? null : { uid: peer.uid, gid: peer.gid, name: peer.name }, who: peer.name ?? `uid ${peer.uid}` },
      { progress: (progress) => stream.send({ v, type: 'scan-progress', progress }), file: (file) => stream.send({ v, type: 'scan-file', file }) },
      stream.signal,
      request.maxFiles,
    );
    if (started === 'busy') {
      return { v, type: 'error', code: 'busy', message: 'a scan of yours is already running, or the agent runs as many scans as it allows: try again once it has finished' };
    }
    const outcome = await started;
    // Cancelled: the client has gone, nobody reads this answer.
    const ended = outcome.outcome === 'cancelled' ? 'failed' : outcome.outcome;
    return { v, type: 'scan-result', outcome: ended, ...(outcome.refusal ? { refusal: outcome.refusal } : {}), message: outcome.message, progress: outcome.progress, criteria: outcome.criteria };
  };
}
