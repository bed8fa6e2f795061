/** IPv4 and IPv6 addresses and networks: parsing, canonical text, and membership. */

/** A network: its address with host bits cleared (4 bytes for IPv4, 16 for IPv6) and its prefix length. */
export interface Cidr {
  bytes: Uint8Array;
  prefix: number;
}

const OCTET = /^(0|[1-9][0-9]{0,2})$/;
const HEXTET = /^[0-9a-fA-F]{1,4}$/;

/** The bytes of an IPv4 (4 bytes) or IPv6 (16 bytes) address, or null when `text` is not one. */
export function parseIp(text: string): Uint8Array | null {
  return text.includes(':') ? parseIpv6(text) : parseIpv4(text);
}

function parseIpv4(text: string): Uint8Array | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  const bytes = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const p = parts[i] as string;
    if (!OCTET.test(p)) return null;
    const n = Number(p);
    if (n > 255) return null;
    bytes[i] = n;
  }
  return bytes;
}

function parseIpv6(text: string): Uint8Array | null {
  let groups = text;
  let tail: Uint8Array | null = null;
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.', lastColon)) {
    tail = parseIpv4(text.slice(lastColon + 1));
    if (!tail) return null;
    groups = text.slice(0, lastColon + 1) + '0:0';
  }
  const halves = groups.split('::');
  if (halves.length > 2) return null;
  const head = splitGroups(halves[0] as string);
  const rest = halves.length === 2 ? splitGroups(halves[1] as string) : [];
  if (!head || !rest) return null;
  const count = head.length + rest.length;
  if (halves.length === 2 ? count > 7 : count !== 8) return null;
  const words = [...head, ...new Array<number>(8 - count).fill(0), ...rest];
  const bytes = new Uint8Array(16);
  words.forEach((w, i) => {
    bytes[2 * i] = w >> 8;
    bytes[2 * i + 1] = w & 0xff;
  });
  if (tail) bytes.set(tail, 12);
  return bytes;
}

function splitGroups(text: string): number[] | null {
  if (text === '') return [];
  const out: number[] = [];
  for (const g of text.split(':')) {
    if (!HEXTET.test(g)) return null;
    out.push(parseInt(g, 16));
  }
  return out;
}

/** Parses `address/prefix` (IPv4 or IPv6). Host bits are allowed and cleared: `10.1.2.3/8` is `10.0.0.0/8`. */
export function parseCidr(text: string): Cidr | null {
  const slash = text.indexOf('/');
  if (slash < 0) return null;
  const bytes = parseIp(text.slice(0, slash));
  const prefixText = text.slice(slash + 1);
  if (!bytes || !/^[0-9]{1,3}$/.test(prefixText)) return null;
  const prefix = Number(prefixText);
  if (prefix > bytes.length * 8) return null;
  for (let bit = prefix; bit < bytes.length * 8; bit++) bytes[bit >> 3] = (bytes[bit >> 3] as number) & ~(0x80 >> (bit & 7));
  return { bytes, prefix };
}

const cache = new Map<string, Cidr | null>();
const CACHE_LIMIT = 1024;

function cachedCidr(text: string): Cidr | null {
  let c = cache.get(text);
  if (c === undefined) {
    if (cache.size >= CACHE_LIMIT) cache.clear();
    c = parseCidr(text);
    cache.set(text, c);
  }
  return c;
}

/**
 * True when address `ip` lies in network `cidr`. False for anything unparsable. An IPv4-mapped IPv6 address
 * (`::ffff:10.0.0.1`) is in the matching IPv4 networks, and an IPv4 address in the matching `::ffff:0:0/96` ones.
 */
export function cidrContains(ip: string, cidr: string): boolean {
  const net = cachedCidr(cidr);
  let addr = parseIp(ip);
  if (!net || !addr) return false;
  if (addr.length !== net.bytes.length) {
    if (addr.length === 16 && isMapped(addr)) addr = addr.subarray(12);
    else if (addr.length === 4) addr = toMapped(addr);
    else return false;
  }
  const full = net.prefix >> 3;
  for (let i = 0; i < full; i++) if (addr[i] !== net.bytes[i]) return false;
  const rest = net.prefix & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return ((addr[full] as number) & mask) === net.bytes[full];
}

function isMapped(b: Uint8Array): boolean {
  for (let i = 0; i < 10; i++) if (b[i] !== 0) return false;
  return b[10] === 0xff && b[11] === 0xff;
}

function toMapped(v4: Uint8Array): Uint8Array {
  const b = new Uint8Array(16);
  b[10] = 0xff;
  b[11] = 0xff;
  b.set(v4, 12);
  return b;
}

/** Canonical text: dotted quad for IPv4; RFC 5952 for IPv6 (lower case, shortest, `::ffff:a.b.c.d` when mapped). */
export function formatIp(bytes: Uint8Array): string {
  if (bytes.length === 4) return Array.from(bytes).join('.');
  if (isMapped(bytes)) return `::ffff:${Array.from(bytes.subarray(12)).join('.')}`;
  const words: number[] = [];
  for (let i = 0; i < 16; i += 2) words.push(((bytes[i] as number) << 8) | (bytes[i + 1] as number));
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen) [bestStart, bestLen] = [i, j - i];
    i = j === i ? i + 1 : j;
  }
  const hex = words.map((w) => w.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

/** The canonical text of an address, or null when `text` is not one. */
export function canonicalIp(text: string): string | null {
  const bytes = parseIp(text);
  return bytes ? formatIp(bytes) : null;
}
