import { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';

/**
 * The client address a request's login is counted against: Express's `req.ip`, which is the socket's peer unless
 * TRUST_PROXY trusts that peer, and then the X-Forwarded-For entry the trusted proxy appended (a client can write
 * anything before it). One setting thus governs the login source, WSDL addresses and ApiEndpoint alike.
 */
export function requestSource(req: IncomingMessage & { ip?: string }): string {
  return addressKey(req.ip ?? req.socket?.remoteAddress ?? '') ?? 'unknown';
}

/**
 * An address as the throttle counts it: IPv4 as written (also when IPv4-mapped), IPv6 by its /64 network; undefined
 * when it is no IP address.
 * why /64: one IPv6 subscriber routinely holds a whole /64, so counting single addresses would give it 2^64 tries.
 */
export function addressKey(raw: string): string | undefined {
  let a = raw.trim();
  if (a.startsWith('[') && a.endsWith(']')) a = a.slice(1, -1);
  const zone = a.indexOf('%');
  if (zone >= 0) a = a.slice(0, zone);
  const v = isIP(a);
  if (v === 4) return a;
  if (v !== 6) return undefined;
  const g = ipv6Groups(a);
  if (g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff) return `${g[6] >> 8}.${g[6] & 255}.${g[7] >> 8}.${g[7] & 255}`;
  return `${g
    .slice(0, 4)
    .map((x) => x.toString(16))
    .join(':')}::/64`;
}

/** The eight 16-bit groups of a valid IPv6 address (with `::` and a dotted IPv4 tail expanded). */
function ipv6Groups(a: string): number[] {
  const parse = (part: string): number[] => {
    if (!part) return [];
    const out: number[] = [];
    for (const p of part.split(':')) {
      if (p.includes('.')) {
        const [b0, b1, b2, b3] = p.split('.').map(Number);
        out.push((b0 << 8) | b1, (b2 << 8) | b3);
      } else out.push(parseInt(p, 16));
    }
    return out;
  };
  const gap = a.indexOf('::');
  if (gap < 0) return parse(a);
  const head = parse(a.slice(0, gap));
  const tail = parse(a.slice(gap + 2));
  return [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
}
