import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { certificateSpkiSha256 } from '@dlp/shared/node';

/**
 * TLS key pinning for the console link (handbook principle 4). The agent trusts the console's
 * certificate by its public key, not by a CA: `consoleCertSha256` from the configuration, else the
 * key it saw when it enrolled (trust on first use, with the enroll secret). A console presenting
 * another key gets nothing from this agent, not even the hello.
 */

/** ws client options for `url`: for wss the CA check is replaced by the pin check on upgrade. */
export function tlsClientOptions(url: string): { rejectUnauthorized?: false } {
  // A self-signed console certificate has no CA to check against; the pin is the stronger check.
  return url.startsWith('wss:') ? { rejectUnauthorized: false } : {};
}

export type PinVerdict = { ok: true; sha256: string | null } | { ok: false; sha256: string | null; expected: string };

/** Checks the certificate behind an upgrade response against `expected` (null: not pinned yet). */
export function checkPeerPin(response: IncomingMessage, expected: string | null): PinVerdict {
  const socket = response.socket as Partial<TLSSocket>;
  if (typeof socket.getPeerX509Certificate !== 'function') return { ok: true, sha256: null };
  const cert = socket.getPeerX509Certificate();
  const sha256 = cert ? certificateSpkiSha256(cert) : null;
  if (expected !== null && sha256 !== expected) return { ok: false, sha256, expected };
  return { ok: true, sha256 };
}
