import { spawn } from 'node:child_process';
import type net from 'node:net';
import type { LocalPeer, PeerCredentialSource } from '../types';
import { locateExecGuardHelper } from './fanotify/helper-location';

/** Longest the helper may take; a peer we cannot identify in time gets no answer at all. */
const IDENTIFY_TIMEOUT_MS = 5000;

interface PeerLine {
  type: 'peer';
  ok: 0 | 1;
  pid?: number;
  uid?: number;
  gid?: number;
  name?: string | null;
  message?: string;
}

function parsePeerLine(text: string): LocalPeer {
  const line = JSON.parse(text.trim().split('\n')[0] ?? '') as PeerLine;
  if (line.type !== 'peer' || line.ok !== 1) throw new Error(`SO_PEERCRED failed: ${line.message ?? 'no answer'}`);
  const { pid, uid, gid } = line;
  if (![pid, uid, gid].every((n) => Number.isSafeInteger(n) && (n as number) >= 0)) throw new Error('SO_PEERCRED answer out of range');
  return { pid: pid as number, uid: uid as number, gid: gid as number, name: typeof line.name === 'string' && line.name !== '' ? line.name : null };
}

/**
 * Who is on the other end of a local connection, by the kernel's word: the connection's socket is
 * handed to `dlp-exec-guard --peer-cred` as its stdin, which reads SO_PEERCRED (Node has no API for
 * it) and looks the uid up through NSS. The uid is the peer's real uid in our user namespace: a
 * process that made itself "root" in a user namespace of its own is still seen as who it is.
 */
export class HelperPeerCredentials implements PeerCredentialSource {
  constructor(private readonly helperPath: string = locateExecGuardHelper()) {}

  identify(socket: net.Socket): Promise<LocalPeer> {
    return new Promise((resolve, reject) => {
      const child = spawn(this.helperPath, ['--peer-cred'], { stdio: [socket, 'pipe', 'ignore'], timeout: IDENTIFY_TIMEOUT_MS });
      let output = '';
      child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
        if (output.length < 4096) output += chunk;
      });
      child.on('error', (err) => reject(new Error(`cannot run ${this.helperPath} --peer-cred: ${err.message}`)));
      child.on('close', () => {
        try {
          resolve(parsePeerLine(output));
        } catch (err) {
          reject(err instanceof Error ? err : new Error(String(err)));
        }
      });
    });
  }
}
