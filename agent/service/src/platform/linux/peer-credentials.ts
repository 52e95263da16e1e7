import { execFile, spawn } from 'node:child_process';
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
  message?: string;
}

function parsePeerLine(text: string): Omit<LocalPeer, 'name'> {
  const line = JSON.parse(text.trim().split('\n')[0] ?? '') as PeerLine;
  if (line.type !== 'peer' || line.ok !== 1) throw new Error(`SO_PEERCRED failed: ${line.message ?? 'no answer'}`);
  const { pid, uid, gid } = line;
  if (![pid, uid, gid].every((n) => Number.isSafeInteger(n) && (n as number) >= 0)) throw new Error('SO_PEERCRED answer out of range');
  return { pid: pid as number, uid: uid as number, gid: gid as number };
}

/**
 * The account name of `uid` from the system's user database, through `getent` so that every NSS
 * source the workstation uses (files, LDAP, sssd) answers; null for a uid without an account or
 * when the lookup fails. The uid is a number from the kernel, passed as an argument, never a shell.
 */
export function accountNameOf(uid: number): Promise<string | null> {
  return new Promise((resolve) => {
    execFile('getent', ['passwd', String(uid)], { timeout: IDENTIFY_TIMEOUT_MS, encoding: 'utf8' }, (err, stdout) => {
      const fields = err ? [] : stdout.split('\n')[0]?.split(':') ?? [];
      resolve(fields.length >= 3 && fields[2] === String(uid) && fields[0] ? fields[0] : null);
    });
  });
}

/**
 * Who is on the other end of a local connection, by the kernel's word: the connection's socket is
 * handed to `dlp-exec-guard --peer-cred` as its stdin, which reads SO_PEERCRED (Node has no API for
 * it); the uid is then looked up through NSS (accountNameOf). The uid is the peer's real uid in our user namespace: a
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
        let peer: Omit<LocalPeer, 'name'>;
        try {
          peer = parsePeerLine(output);
        } catch (err) {
          reject(err instanceof Error ? err : new Error(String(err)));
          return;
        }
        void accountNameOf(peer.uid).then((name) => resolve({ ...peer, name }));
      });
    });
  }
}
