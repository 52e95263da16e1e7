import { z } from 'zod';
import { sha256Hex } from './secret-token';

/** Why a person's credentials ended: what the live streams they held are told when they close. */
export const revocationReason = z.enum(['disabled', 'logout', 'password', 'token-revoked', 'role-changed']);
export type RevocationReason = z.infer<typeof revocationReason>;

const id = z.string().min(1).max(128);
/** A session named without its secret (see `streamSessionKey`): 64 hex characters. */
const sessionKey = z.string().regex(/^[0-9a-f]{64}$/);

/**
 * Whose live connections must close now, on every console node: every stream of a person (their
 * sessions and the API tokens they own), except `keepSession` (the session that changed its own
 * password); one session (logout); or one API token (revoked).
 */
export const principalRevocation = z.discriminatedUnion('scope', [
  z.strictObject({ scope: z.literal('user'), userId: id, keepSession: sessionKey.optional(), reason: revocationReason }),
  z.strictObject({ scope: z.literal('session'), sessionKey, reason: revocationReason }),
  z.strictObject({ scope: z.literal('token'), tokenId: id, reason: revocationReason }),
]);
export type PrincipalRevocation = z.infer<typeof principalRevocation>;

/**
 * Names a session in revocation messages: the hash of the hash the sessions table keeps, so a
 * message on the cluster bus (or in a log) is no key to the sessions table.
 */
export function streamSessionKey(sessionToken: string): string {
  return sha256Hex(sha256Hex(sessionToken));
}

/** Who holds a live connection, as far as revocations are concerned. */
export interface ConnectionHolder {
  /** The person: the logged-in user, or for an API token the user who owns (created) it. */
  personId: string;
  /** Set for a cookie session. */
  sessionKey?: string;
  /** Set for an API token. */
  tokenId?: string;
}

/** Whether `revocation` ends a connection held by `holder`. */
export function revocationApplies(revocation: PrincipalRevocation, holder: ConnectionHolder): boolean {
  switch (revocation.scope) {
    case 'user':
      return holder.personId === revocation.userId && (revocation.keepSession === undefined || holder.sessionKey !== revocation.keepSession);
    case 'session':
      return holder.sessionKey === revocation.sessionKey;
    case 'token':
      return holder.tokenId === revocation.tokenId;
  }
}
