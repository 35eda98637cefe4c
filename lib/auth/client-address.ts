import { BlockList, isIP } from 'node:net';

// Which address a request comes from: what the login limits count, and what the audit trail records.
//
// Behind a load balancer every connection comes from the balancer, which names the client in X-Forwarded-For,
// appending the address it saw to whatever the client sent. Only the proxies listed in ENTROOS_TRUSTED_PROXIES
// are believed: when the connection comes from one, the header is read from the right, each trusted proxy's entry
// is skipped, and the first address that is not a trusted proxy is the client (nginx's real_ip_recursive, Express's
// "trust proxy" and Envoy's trusted hops do the same). Whatever is left of it was written by the client itself and
// could be anything, so it is never believed; from any other peer the header is ignored altogether.

/** A setting's bad entry, with what would be accepted. */
export class TrustedProxyError extends Error {}

const LOOPBACK = ['127.0.0.0/8', '::1/128'];

/** `::ffff:10.0.0.1` (an IPv4 client of a dual-stack socket) is 10.0.0.1; IPv6 in lowercase. */
function normalize(ip: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  return mapped ? mapped[1] : ip.includes(':') ? ip.toLowerCase() : ip;
}

/** An X-Forwarded-For entry's address: `1.2.3.4`, `1.2.3.4:5678`, `::1`, `[::1]` or `[::1]:443`; null otherwise. */
function hopAddress(hop: string): string | null {
  let host = hop.trim();
  if (host.startsWith('[')) {
    const end = host.indexOf(']');
    if (end < 0) return null;
    host = host.slice(1, end);
  } else if (/^\d{1,3}(\.\d{1,3}){3}:\d+$/.test(host)) host = host.slice(0, host.indexOf(':'));
  return isIP(host) ? normalize(host) : null;
}

/**
 * The setting's value (comma-separated IP addresses, CIDR ranges or `loopback`) as its entries; throws a
 * TrustedProxyError naming the first entry that is none of them.
 */
export function parseTrustedProxies(value: string): string[] {
  const entries = value
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  for (const entry of entries) {
    if (entry === 'loopback') continue;
    const [address, prefix, extra] = entry.split('/');
    const family = isIP(address);
    const bits = family === 4 ? 32 : 128;
    if (!family || extra !== undefined || (prefix !== undefined && !/^\d{1,3}$/.test(prefix)))
      throw new TrustedProxyError(`"${entry}" is not an IP address, a CIDR range or "loopback"`);
    if (prefix !== undefined && Number(prefix) > bits)
      throw new TrustedProxyError(`"${entry}": an IPv${family} prefix is at most /${bits}`);
    // Every address a trusted proxy: any client could then name itself whatever address it likes.
    if (prefix !== undefined && Number(prefix) === 0)
      throw new TrustedProxyError(
        `"${entry}" would trust every address, letting any client choose the address it is counted as; list the load balancers' addresses`,
      );
  }
  return entries;
}

/** The trusted proxies as a set of ranges (IPv4 entries also match their IPv4-mapped IPv6 form). */
export class TrustedProxies {
  private readonly ranges = new BlockList();
  readonly empty: boolean;

  constructor(entries: readonly string[]) {
    this.empty = entries.length === 0;
    for (const entry of entries.flatMap((e) => (e === 'loopback' ? LOOPBACK : [e]))) {
      const [address, prefix] = entry.split('/');
      const type = isIP(address) === 6 ? 'ipv6' : 'ipv4';
      if (prefix === undefined) this.ranges.addAddress(address, type);
      else this.ranges.addSubnet(address, Number(prefix), type);
    }
  }

  trusts(ip: string): boolean {
    return !this.empty && this.ranges.check(ip, isIP(ip) === 6 ? 'ipv6' : 'ipv4');
  }
}

export interface ClientAddress {
  /** The client's address: the connection's, or behind trusted proxies the first X-Forwarded-For hop not one of them. */
  ip: string;
  /** The audit's sourceIPs, all believed: the client, then each proxy it came through, ending with the connection's. */
  sourceIPs: string[];
  /** X-Forwarded-For entries that were not believed (left of the client, or the whole header from anyone else). */
  unverified: string[];
}

// Settings are read once: the ranges are built once per list (server.ts and the route bundles each keep their own).
const built = new WeakMap<readonly string[], TrustedProxies>();
function proxiesOf(entries: readonly string[]): TrustedProxies {
  let proxies = built.get(entries);
  if (!proxies) built.set(entries, (proxies = new TrustedProxies(entries)));
  return proxies;
}

/**
 * Where a request (or socket handshake) comes from: the connection's address `peer`, unless it is a trusted proxy,
 * in which case X-Forwarded-For is read from the right as the header comment above says. Every place that needs the
 * client's address derives it here.
 */
export function clientAddress(
  peer: string | undefined,
  forwardedFor: string | string[] | undefined,
  trusted: readonly string[] = [],
): ClientAddress {
  const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : (forwardedFor ?? ''))
    .split(',')
    .map((h) => h.trim())
    .filter(Boolean);
  const connection = peer && isIP(peer) ? normalize(peer) : '';
  const proxies = trusted.length ? proxiesOf(trusted) : undefined;
  if (!connection || !proxies?.trusts(connection))
    return { ip: connection, sourceIPs: connection ? [connection] : [], unverified: hops };
  const chain = [connection];
  // hops[believed…] have been read; stop at the client, or at an entry that is no address (the last proxy read is
  // then the nearest address known).
  let believed = hops.length;
  while (believed > 0) {
    const ip = hopAddress(hops[believed - 1]);
    if (!ip) break;
    chain.unshift(ip);
    believed--;
    if (!proxies.trusts(ip)) break;
  }
  return { ip: chain[0], sourceIPs: chain, unverified: hops.slice(0, believed) };
}
