import { isIP, type BlockList } from 'node:net';
import type { Express } from 'express';
import { parseAddressList, peerAllowed } from '../ops/metrics-access';

/**
 * Parses `--trust-proxy` (env DLP_TRUST_PROXY): the reverse proxies / load balancers whose
 * `X-Forwarded-For` is believed, as IPs or CIDRs (`10.0.0.5,10.1.0.0/16`). Throws naming the bad entry.
 */
export function parseTrustedProxies(text: string): BlockList {
  try {
    return parseAddressList(text);
  } catch (err) {
    throw new Error(`--trust-proxy (DLP_TRUST_PROXY): ${err instanceof Error ? err.message.replace(/^--metrics-allow: /, '') : String(err)}`, { cause: err });
  }
}

/**
 * Decides the client address Express reports as `req.ip`: without trusted proxies it is the TCP
 * peer and X-Forwarded-For is ignored (anyone can send it). With them, the header is walked from
 * the right past trusted hops only, so a client cannot choose its own address by prepending one.
 */
export function applyTrustedProxies(app: Express, trusted: BlockList | undefined): void {
  if (trusted === undefined) {
    app.set('trust proxy', false);
    return;
  }
  app.set('trust proxy', (address: string) => peerAllowed(trusted, address));
}

/**
 * The client address of a request Express does not see (the agent ws upgrade), walked exactly as
 * `applyTrustedProxies` makes Express do it: from the TCP peer leftwards through X-Forwarded-For,
 * past trusted hops only. Without trusted proxies the header is ignored. An entry that is not an IP
 * address ends the walk at the trusted hop that sent it, so a log line never carries header text.
 */
export function forwardedClientAddress(peer: string | undefined, forwardedFor: string | string[] | undefined, trusted: BlockList | undefined): string {
  let address = peer ?? 'unknown';
  if (trusted === undefined || forwardedFor === undefined) return address;
  // Several X-Forwarded-For headers count as one list, in order (as Node joins them for Express).
  const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor).split(',').map((hop) => hop.trim());
  while (peerAllowed(trusted, address)) {
    const next = hops.pop();
    if (next === undefined || isIP(next) === 0) break;
    address = next;
  }
  return address;
}
