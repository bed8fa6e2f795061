import { formatIp, parseCidr, parseIp, type Cidr } from '../../query/cidr.js';

/** What a block applies to: one IPv4 address, or the IPv6 network of the configured prefix around an address. */
export interface BlockTarget {
  /** the address as the alert named it, canonical (an IPv4-mapped IPv6 address as IPv4) */
  ip: string;
  /** what the command blocks: `203.0.113.9` or `2001:db8:1:2::/64` */
  target: string;
  family: 4 | 6;
  net: Cidr;
}

function isMapped(b: Uint8Array): boolean {
  for (let i = 0; i < 10; i++) if (b[i] !== 0) return false;
  return b[10] === 0xff && b[11] === 0xff;
}

/** The block target for an address, or null when `text` is not an IP address (nothing else is ever substituted). */
export function blockTarget(text: string, ipv6Prefix: number): BlockTarget | null {
  if (text.length > 64) return null;
  let bytes = parseIp(text.trim());
  if (!bytes) return null;
  if (bytes.length === 16 && isMapped(bytes)) bytes = bytes.slice(12);
  const ip = formatIp(bytes);
  if (bytes.length === 4) return { ip, target: ip, family: 4, net: { bytes, prefix: 32 } };
  const net = parseCidr(`${ip}/${ipv6Prefix}`) as Cidr;
  const target = ipv6Prefix === 128 ? ip : `${formatIp(net.bytes)}/${ipv6Prefix}`;
  return { ip, target, family: 6, net };
}

/** A network from an address or CIDR entry (an IPv4-mapped one as IPv4), or null. */
export function networkOf(entry: string): Cidr | null {
  const c = parseCidr(entry);
  if (c) {
    if (c.bytes.length === 16 && c.prefix >= 96 && isMapped(c.bytes)) return { bytes: c.bytes.slice(12), prefix: c.prefix - 96 };
    return c;
  }
  let b = parseIp(entry);
  if (!b) return null;
  if (b.length === 16 && isMapped(b)) b = b.slice(12);
  return { bytes: b, prefix: b.length * 8 };
}

/** True when two networks share any address (one contains the other). */
export function overlaps(a: Cidr, b: Cidr): boolean {
  if (a.bytes.length !== b.bytes.length) return false;
  const bits = Math.min(a.prefix, b.prefix);
  const full = bits >> 3;
  for (let i = 0; i < full; i++) if (a.bytes[i] !== b.bytes[i]) return false;
  const rest = bits & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return ((a.bytes[full] as number) & mask) === ((b.bytes[full] as number) & mask);
}
