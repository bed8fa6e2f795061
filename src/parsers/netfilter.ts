import { F } from '../schema/fields.js';
import { addressFields, portNumber } from './auth-common.js';
import type { MessageParser } from './message-parser.js';
import { fieldsParser, type Fields } from './service-fields.js';

/*
 * Packet log lines from the Linux kernel's netfilter (iptables LOG, nftables `log`, UFW), e.g.
 *   [12345.678] iptables-dropped: IN=eth0 OUT= MAC=00:16:3e:… SRC=192.0.2.1 DST=198.51.100.2 LEN=60 TOS=0x00 PREC=0x00
 *     TTL=49 ID=1234 DF PROTO=TCP SPT=51234 DPT=22 WINDOW=29200 RES=0x00 SYN URGP=0
 *   [UFW BLOCK] IN=eth0 OUT= MAC=… SRC=… DST=… … PROTO=UDP SPT=5353 DPT=5353 LEN=40
 * The text before `IN=` is the rule's log prefix; it says what the rule did (BLOCK, DROP, ACCEPT …). The body is read
 * with one pass over its space-separated tokens: `KEY=value`, or a bare flag (SYN, ACK, DF …).
 */

/** Fields beyond the shared `F` set. */
export const NF = {
  ingressInterface: 'observer.ingress.interface.name',
  egressInterface: 'observer.egress.interface.name',
  sourceMac: 'source.mac',
  destinationMac: 'destination.mac',
  tcpFlags: 'vigil.tcp_flags',
  prefix: 'vigil.netfilter.prefix',
  ttl: 'vigil.netfilter.ttl',
  icmpType: 'vigil.netfilter.icmp_type',
  icmpCode: 'vigil.netfilter.icmp_code',
} as const;

const TCP_FLAGS = new Set(['CWR', 'ECE', 'URG', 'ACK', 'PSH', 'RST', 'SYN', 'FIN']);
const MAX_TOKENS = 128;
const MAX_PREFIX = 128;
/** a packet log line is well under 1 KiB; nothing past this is read */
const MAX_BODY = 4096;

/** IANA protocol numbers netfilter prints when it has no name for the protocol. */
const PROTO_NUMBERS: Record<string, string> = { '1': 'icmp', '2': 'igmp', '6': 'tcp', '17': 'udp', '47': 'gre', '50': 'esp', '51': 'ah', '58': 'ipv6-icmp', '132': 'sctp' };

/** `TCP` → `tcp`, `ICMPv6` → `ipv6-icmp`, `17` → `udp` (ECS network.transport). */
export function transportName(proto: string): string | undefined {
  if (proto === '' || proto.length > 16) return undefined;
  const lower = proto.toLowerCase();
  if (lower === 'icmpv6' || lower === 'icmp6') return 'ipv6-icmp';
  if (/^\d{1,3}$/.test(lower)) return PROTO_NUMBERS[lower] ?? lower;
  return /^[a-z0-9-]+$/.test(lower) ? lower : undefined;
}

/** What a rule did, read from its log prefix: drop, deny or allow; undefined when the prefix does not say. */
export function prefixAction(prefix: string): 'drop' | 'deny' | 'allow' | undefined {
  const p = prefix.toUpperCase();
  if (p.includes('DROP')) return 'drop';
  if (p.includes('BLOCK') || p.includes('REJECT') || p.includes('DENY')) return 'deny';
  if (p.includes('ALLOW') || p.includes('ACCEPT')) return 'allow';
  return undefined;
}

/** `00:16:3e:aa:bb:cc` (6 hex pairs) → `00-16-3E-AA-BB-CC` (ECS form). */
function mac(pairs: readonly string[]): string | undefined {
  if (pairs.length !== 6 || !pairs.every((p) => /^[0-9a-fA-F]{2}$/.test(p))) return undefined;
  return pairs.join('-').toUpperCase();
}

function ip(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const a = addressFields(raw);
  const v = a?.[F.sourceIp];
  return typeof v === 'string' ? v : undefined;
}

/** Start of the ` IN=` key (or `IN=` at the very start), or -1. */
function bodyStart(message: string): number {
  if (message.startsWith('IN=')) return 0;
  const at = message.indexOf(' IN=');
  return at === -1 ? -1 : at + 1;
}

export function netfilterFields(message: string): Fields | undefined {
  let text = message;
  // the kernel's own time stamp: `[12345.678]` or `[    3.141]`
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close > 1 && close < 24 && /^\[ *\d+\.\d+\]$/.test(text.slice(0, close + 1))) text = text.slice(close + 1).trimStart();
  }
  const start = bodyStart(text);
  if (start === -1 || start > MAX_PREFIX) return undefined;
  const prefix = text.slice(0, start).trim();
  const kv = new Map<string, string>();
  const flags: string[] = [];
  let tokens = 0;
  let pos = start;
  const stop = Math.min(text.length, start + MAX_BODY);
  // one pass: each token is `KEY=value` or a bare flag
  while (pos < stop && tokens < MAX_TOKENS) {
    let end = text.indexOf(' ', pos);
    if (end === -1 || end > stop) end = stop;
    if (end > pos) {
      tokens++;
      const tok = text.slice(pos, end);
      const eq = tok.indexOf('=');
      if (tok.startsWith('[')) break;
      if (eq > 0) {
        const key = tok.slice(0, eq);
        // the first value wins: ICMP error packets quote the offending packet's header in brackets after it
        if (!kv.has(key)) kv.set(key, tok.slice(eq + 1));
      } else if (TCP_FLAGS.has(tok) && !flags.includes(tok)) flags.push(tok);
    }
    pos = end + 1;
  }
  const src = ip(kv.get('SRC'));
  const dst = ip(kv.get('DST'));
  if (src === undefined || dst === undefined || !kv.has('OUT')) return undefined;
  const action = prefixAction(prefix);
  const f: Fields = {
    [F.eventCategory]: ['network'],
    [F.eventType]: action === undefined ? ['connection'] : ['connection', action === 'allow' ? 'allowed' : 'denied'],
    [F.sourceIp]: src,
    [F.destinationIp]: dst,
  };
  if (action !== undefined) f[F.eventAction] = action;
  if (prefix !== '') f[NF.prefix] = prefix.startsWith('[') && prefix.endsWith(']') ? prefix.slice(1, -1) : prefix.replace(/:$/, '');
  const inIf = kv.get('IN');
  const outIf = kv.get('OUT');
  if (inIf) f[NF.ingressInterface] = inIf;
  if (outIf) f[NF.egressInterface] = outIf;
  const macText = kv.get('MAC');
  if (macText !== undefined) {
    const pairs = macText.split(':', 15);
    if (pairs.length >= 12) {
      const d = mac(pairs.slice(0, 6));
      const s = mac(pairs.slice(6, 12));
      if (s !== undefined) f[NF.sourceMac] = s;
      if (d !== undefined) f[NF.destinationMac] = d;
    }
  }
  const proto = kv.get('PROTO');
  const transport = proto !== undefined ? transportName(proto) : undefined;
  if (transport !== undefined) f[F.networkTransport] = transport;
  const sport = portNumber(kv.get('SPT'));
  const dport = portNumber(kv.get('DPT'));
  if (sport !== undefined) f[F.sourcePort] = sport;
  if (dport !== undefined) f[F.destinationPort] = dport;
  const len = kv.get('LEN');
  if (len !== undefined && /^\d{1,5}$/.test(len)) f[F.networkBytes] = Number(len);
  const ttl = kv.get('TTL') ?? kv.get('HOPLIMIT');
  if (ttl !== undefined && /^\d{1,3}$/.test(ttl)) f[NF.ttl] = Number(ttl);
  if (transport === 'icmp' || transport === 'ipv6-icmp') {
    const type = kv.get('TYPE');
    const code = kv.get('CODE');
    if (type !== undefined && /^\d{1,3}$/.test(type)) f[NF.icmpType] = Number(type);
    if (code !== undefined && /^\d{1,3}$/.test(code)) f[NF.icmpCode] = Number(code);
  }
  if (transport === 'tcp' && flags.length > 0) f[NF.tcpFlags] = flags;
  return f;
}

/** iptables / nftables / UFW packet log lines, logged by the kernel. */
export const netfilterParser: MessageParser = fieldsParser({ name: 'netfilter', dataset: 'netfilter', programs: ['kernel'] }, netfilterFields);
