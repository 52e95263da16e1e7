import { BlockList, isIPv4, isIPv6 } from 'node:net';
import type { RequestHandler } from 'express';

/**
 * Parses `10.0.0.5,10.1.0.0/16,fd00::/8` (the `--metrics-allow` list). Throws with the bad entry.
 * An empty string means no address is trusted on its own (the default).
 */
export function parseAddressList(text: string): BlockList {
  const list = new BlockList();
  for (const raw of text.split(',')) {
    const entry = raw.trim();
    if (entry === '') continue;
    const [address = '', prefixText] = entry.split('/');
    const type = isIPv4(address) ? 'ipv4' : isIPv6(address) ? 'ipv6' : undefined;
    if (!type) throw new Error(`--metrics-allow: "${entry}" is not an IP address or CIDR`);
    if (prefixText === undefined) {
      list.addAddress(address, type);
      continue;
    }
    const prefix = Number(prefixText);
    const maxPrefix = type === 'ipv4' ? 32 : 128;
    if (!/^\d{1,3}$/.test(prefixText) || prefix > maxPrefix) throw new Error(`--metrics-allow: bad prefix length in "${entry}"`);
    list.addSubnet(address, prefix, type);
  }
  return list;
}

/** `::ffff:10.0.0.5` (an IPv4 peer on a dual-stack socket) → `10.0.0.5`. */
function normalise(address: string): { address: string; type: 'ipv4' | 'ipv6' } | undefined {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped?.[1]) return { address: mapped[1], type: 'ipv4' };
  if (isIPv4(address)) return { address, type: 'ipv4' };
  if (isIPv6(address)) return { address, type: 'ipv6' };
  return undefined;
}

/** True when the TCP peer (not a forwarded header, which anyone can set) is on the list. */
export function peerAllowed(list: BlockList | undefined, remoteAddress: string | undefined): boolean {
  if (!list || remoteAddress === undefined) return false;
  const peer = normalise(remoteAddress);
  return peer !== undefined && list.check(peer.address, peer.type);
}

/**
 * Serves `serve` at once to a scraper on the allow list; everyone else goes on to the normal
 * authorization (a session or API token of a reader role).
 */
export function allowListedPeers(list: BlockList | undefined, serve: RequestHandler): RequestHandler {
  return (req, res, next) => {
    if (peerAllowed(list, req.socket.remoteAddress)) return serve(req, res, next);
    next();
  };
}
