/*
 * Packet decoding: link layer (Ethernet with 802.1Q/802.1ad tags, Linux cooked SLL and SLL2, raw IP, BSD loopback)
 * → IPv4 (options; only a first fragment has ports) / IPv6 (extension headers skipped, bounded) → TCP (flags), UDP,
 * ICMP, ICMPv6. One reusable `DecodedPacket` is filled per call, so decoding allocates only the address strings.
 */

export const LINKTYPE = {
  null: 0,
  ethernet: 1,
  raw: 101,
  rawBsd: 12,
  rawOpenBsd: 14,
  loop: 108,
  linuxSll: 113,
  linuxSll2: 276,
  ipv4: 228,
  ipv6: 229,
} as const;

export const PROTO = { icmp: 1, tcp: 6, udp: 17, icmpv6: 58 } as const;

export const TCP = { FIN: 0x01, SYN: 0x02, RST: 0x04, PSH: 0x08, ACK: 0x10, URG: 0x20, ECE: 0x40, CWR: 0x80 } as const;

const MAX_VLAN_TAGS = 4;
const MAX_IPV6_EXT = 8;

export interface DecodedPacket {
  ipVersion: 4 | 6;
  src: string;
  dst: string;
  /** IP protocol number (after IPv6 extension headers) */
  proto: number;
  /** 0 when the packet has no ports (not TCP/UDP, a non-first fragment, or truncated) */
  srcPort: number;
  dstPort: number;
  hasPorts: boolean;
  /** TCP flag byte (FIN 0x01 … CWR 0x80); 0 for other protocols */
  tcpFlags: number;
  /** ICMP/ICMPv6 type and code; -1 when not ICMP */
  icmpType: number;
  icmpCode: number;
  /** bytes of the IP packet as the header states it (total length; IPv6: payload length + 40) */
  ipLen: number;
  /** a fragment other than the first */
  laterFragment: boolean;
  /** offset and length of the transport payload (UDP/TCP data) in the captured bytes; length is what was captured */
  payloadOffset: number;
  payloadLength: number;
}

export function newDecoded(): DecodedPacket {
  return { ipVersion: 4, src: '', dst: '', proto: 0, srcPort: 0, dstPort: 0, hasPorts: false, tcpFlags: 0, icmpType: -1, icmpCode: -1, ipLen: 0, laterFragment: false, payloadOffset: 0, payloadLength: 0 };
}

export type DecodeResult = 'ok' | 'not_ip' | 'truncated' | 'unsupported_link' | 'malformed';

function u16(d: Uint8Array, at: number): number {
  return ((d[at] as number) << 8) | (d[at + 1] as number);
}

function ipv4Text(d: Uint8Array, at: number): string {
  return `${d[at] as number}.${d[at + 1] as number}.${d[at + 2] as number}.${d[at + 3] as number}`;
}

/** RFC 5952 text of the 16 bytes at `at`: lower case, longest run (≥2) of zero groups as `::`, IPv4-mapped dotted. */
export function ipv6Text(d: Uint8Array, at: number): string {
  const g: number[] = new Array<number>(8);
  for (let i = 0; i < 8; i++) g[i] = u16(d, at + 2 * i);
  if (g[0] === 0 && g[1] === 0 && g[2] === 0 && g[3] === 0 && g[4] === 0 && g[5] === 0xffff) return `::ffff:${ipv4Text(d, at + 12)}`;
  let bestAt = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      bestAt = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (a: number, b: number): string => g.slice(a, b).map((x) => x.toString(16)).join(':');
  if (bestAt < 0) return hex(0, 8);
  return `${hex(0, bestAt)}::${hex(bestAt + bestLen, 8)}`;
}

/** Offset of the IP header and its version for a link type, or a reason it has none. */
function linkPayload(linkType: number, d: Uint8Array): { at: number; etherType: number } | DecodeResult {
  switch (linkType) {
    case LINKTYPE.ethernet: {
      if (d.length < 14) return 'truncated';
      let at = 12;
      let type = u16(d, at);
      for (let tags = 0; (type === 0x8100 || type === 0x88a8 || type === 0x9100) && tags < MAX_VLAN_TAGS; tags++) {
        at += 4;
        if (d.length < at + 2) return 'truncated';
        type = u16(d, at);
      }
      return { at: at + 2, etherType: type };
    }
    case LINKTYPE.linuxSll:
      if (d.length < 16) return 'truncated';
      return { at: 16, etherType: u16(d, 14) };
    case LINKTYPE.linuxSll2:
      if (d.length < 20) return 'truncated';
      return { at: 20, etherType: u16(d, 0) };
    case LINKTYPE.raw:
    case LINKTYPE.rawBsd:
    case LINKTYPE.rawOpenBsd:
      if (d.length < 1) return 'truncated';
      return { at: 0, etherType: (d[0] as number) >> 4 === 6 ? 0x86dd : 0x0800 };
    case LINKTYPE.ipv4:
      return { at: 0, etherType: 0x0800 };
    case LINKTYPE.ipv6:
      return { at: 0, etherType: 0x86dd };
    case LINKTYPE.null:
    case LINKTYPE.loop: {
      if (d.length < 4) return 'truncated';
      // DLT_NULL: the address family in the capturing host's byte order; DLT_LOOP: network order
      const fam = d[0] === 0 && d[1] === 0 ? u16(d, 2) : (d[0] as number) | ((d[1] as number) << 8);
      if (fam === 2) return { at: 4, etherType: 0x0800 };
      if (fam === 24 || fam === 28 || fam === 30 || fam === 10) return { at: 4, etherType: 0x86dd };
      return 'not_ip';
    }
    default:
      return 'unsupported_link';
  }
}

function transport(d: Uint8Array, at: number, end: number, out: DecodedPacket): DecodeResult {
  const p = out.proto;
  if (out.laterFragment) return 'ok';
  if (p === PROTO.tcp) {
    if (end - at < 14) return 'truncated';
    out.srcPort = u16(d, at);
    out.dstPort = u16(d, at + 2);
    out.hasPorts = true;
    out.tcpFlags = d[at + 13] as number;
    const hl = ((d[at + 12] as number) >> 4) * 4;
    out.payloadOffset = Math.min(at + hl, end);
    out.payloadLength = end - out.payloadOffset;
  } else if (p === PROTO.udp) {
    if (end - at < 4) return 'truncated';
    out.srcPort = u16(d, at);
    out.dstPort = u16(d, at + 2);
    out.hasPorts = true;
    out.payloadOffset = Math.min(at + 8, end);
    const udpLen = end - at >= 6 ? u16(d, at + 4) - 8 : 0;
    out.payloadLength = Math.max(0, Math.min(end - out.payloadOffset, udpLen));
  } else if (p === PROTO.icmp || p === PROTO.icmpv6) {
    if (end - at < 2) return 'truncated';
    out.icmpType = d[at] as number;
    out.icmpCode = d[at + 1] as number;
  }
  return 'ok';
}

/** Decodes one captured packet into `out`. Never throws; anything it cannot read is a reason. */
export function decodePacket(linkType: number, d: Uint8Array, out: DecodedPacket): DecodeResult {
  out.srcPort = 0;
  out.dstPort = 0;
  out.hasPorts = false;
  out.tcpFlags = 0;
  out.icmpType = -1;
  out.icmpCode = -1;
  out.laterFragment = false;
  out.payloadOffset = 0;
  out.payloadLength = 0;
  const link = linkPayload(linkType, d);
  if (typeof link === 'string') return link;
  const at = link.at;
  if (link.etherType === 0x0800) {
    if (d.length < at + 20) return 'truncated';
    const vihl = d[at] as number;
    if (vihl >> 4 !== 4) return 'malformed';
    const ihl = (vihl & 0x0f) * 4;
    if (ihl < 20) return 'malformed';
    if (d.length < at + ihl) return 'truncated';
    const total = u16(d, at + 2);
    out.ipVersion = 4;
    out.ipLen = total;
    out.proto = d[at + 9] as number;
    out.laterFragment = (u16(d, at + 6) & 0x1fff) !== 0;
    out.src = ipv4Text(d, at + 12);
    out.dst = ipv4Text(d, at + 16);
    // the end of the IP packet: its stated length when the capture has it all (Ethernet pads short frames)
    const end = total >= ihl && at + total <= d.length ? at + total : d.length;
    return transport(d, at + ihl, end, out);
  }
  if (link.etherType === 0x86dd) {
    if (d.length < at + 40) return 'truncated';
    if ((d[at] as number) >> 4 !== 6) return 'malformed';
    const payloadLen = u16(d, at + 4);
    out.ipVersion = 6;
    out.ipLen = payloadLen + 40;
    out.src = ipv6Text(d, at + 8);
    out.dst = ipv6Text(d, at + 24);
    const end = at + 40 + payloadLen <= d.length ? at + 40 + payloadLen : d.length;
    let next = d[at + 6] as number;
    let pos = at + 40;
    for (let n = 0; n < MAX_IPV6_EXT; n++) {
      if (next === 0 || next === 43 || next === 60 || next === 135 || next === 139 || next === 140) {
        if (end - pos < 8) return 'truncated';
        const nh = d[pos] as number;
        pos += ((d[pos + 1] as number) + 1) * 8;
        next = nh;
      } else if (next === 44) {
        if (end - pos < 8) return 'truncated';
        const nh = d[pos] as number;
        if ((u16(d, pos + 2) & 0xfff8) !== 0) out.laterFragment = true;
        pos += 8;
        next = nh;
      } else if (next === 51) {
        if (end - pos < 8) return 'truncated';
        const nh = d[pos] as number;
        pos += ((d[pos + 1] as number) + 2) * 4;
        next = nh;
      } else break;
    }
    out.proto = next;
    if (pos > end) return 'truncated';
    return transport(d, pos, end, out);
  }
  return 'not_ip';
}

/** `FIN SYN RST PSH ACK URG ECE CWR` names of the set bits, in that order (the flow contract's order). */
const FLAG_NAMES: readonly [number, string][] = [
  [TCP.FIN, 'FIN'],
  [TCP.SYN, 'SYN'],
  [TCP.RST, 'RST'],
  [TCP.PSH, 'PSH'],
  [TCP.ACK, 'ACK'],
  [TCP.URG, 'URG'],
  [TCP.ECE, 'ECE'],
  [TCP.CWR, 'CWR'],
];

export function tcpFlagNames(v: number): string[] {
  const out: string[] = [];
  for (const [bit, name] of FLAG_NAMES) if (v & bit) out.push(name);
  return out;
}

/** ECS network.transport for an IP protocol number. */
export function transportName(proto: number): string {
  if (proto === PROTO.tcp) return 'tcp';
  if (proto === PROTO.udp) return 'udp';
  if (proto === PROTO.icmp) return 'icmp';
  if (proto === PROTO.icmpv6) return 'ipv6-icmp';
  return String(proto);
}
