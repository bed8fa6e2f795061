import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodePacket, ipv6Text, LINKTYPE, newDecoded, tcpFlagNames, TCP } from './decode.js';

const b = (...parts: (number[] | Uint8Array)[]): Uint8Array => Uint8Array.from(parts.flatMap((p) => [...p]));

function ipv4(proto: number, l4: number[], opts: { options?: number[]; fragOffset?: number; src?: number[]; dst?: number[] } = {}): number[] {
  const opt = opts.options ?? [];
  const ihl = 5 + opt.length / 4;
  const total = ihl * 4 + l4.length;
  const frag = opts.fragOffset ?? 0;
  return [0x40 | ihl, 0, total >> 8, total & 0xff, 0, 1, (frag >> 8) & 0x1f, frag & 0xff, 64, proto, 0, 0, ...(opts.src ?? [192, 0, 2, 1]), ...(opts.dst ?? [198, 51, 100, 7]), ...opt, ...l4];
}
function tcp(sport: number, dport: number, flags: number): number[] {
  return [sport >> 8, sport & 0xff, dport >> 8, dport & 0xff, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, flags, 0xff, 0xff, 0, 0, 0, 0];
}
function udp(sport: number, dport: number, payload: number[]): number[] {
  const len = 8 + payload.length;
  return [sport >> 8, sport & 0xff, dport >> 8, dport & 0xff, len >> 8, len & 0xff, 0, 0, ...payload];
}
const V6SRC = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
const V6DST = [0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2];
function ipv6(next: number, payload: number[]): number[] {
  return [0x60, 0, 0, 0, payload.length >> 8, payload.length & 0xff, next, 64, ...V6SRC, ...V6DST, ...payload];
}
const ETH = (type: number): number[] => [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, type >> 8, type & 0xff];

test('Ethernet IPv4 TCP: addresses, ports, flags, IP length', () => {
  const p = newDecoded();
  assert.equal(decodePacket(LINKTYPE.ethernet, b(ETH(0x0800), ipv4(6, tcp(40000, 22, TCP.SYN | TCP.ACK)), [0, 0, 0, 0, 0, 0]), p), 'ok');
  assert.deepEqual([p.src, p.dst, p.srcPort, p.dstPort, p.proto, p.ipLen, p.ipVersion], ['192.0.2.1', '198.51.100.7', 40000, 22, 6, 40, 4]);
  assert.deepEqual(tcpFlagNames(p.tcpFlags), ['SYN', 'ACK']);
  // Ethernet padding beyond the IP length is not payload
  assert.equal(p.payloadLength, 0);
});

test('802.1Q and QinQ tags are skipped; more than four tags are not IP', () => {
  const p = newDecoded();
  const tagged = b(ETH(0x88a8).slice(0, 12), [0x88, 0xa8, 0, 10, 0x81, 0x00, 0, 20, 0x08, 0x00], ipv4(17, udp(53, 5353, [1, 2, 3])));
  assert.equal(decodePacket(LINKTYPE.ethernet, tagged, p), 'ok');
  assert.deepEqual([p.srcPort, p.dstPort, p.payloadLength], [53, 5353, 3]);
  const deep = b(ETH(0x8100).slice(0, 12), [0x81, 0, 0, 1, 0x81, 0, 0, 1, 0x81, 0, 0, 1, 0x81, 0, 0, 1, 0x81, 0, 0, 1, 0x08, 0], ipv4(17, udp(1, 2, [])));
  assert.equal(decodePacket(LINKTYPE.ethernet, deep, p), 'not_ip');
});

test('Linux cooked SLL and SLL2, raw IP (101, 228, 229), BSD loopback in both byte orders', () => {
  const p = newDecoded();
  const v4 = ipv4(6, tcp(1234, 80, TCP.SYN));
  const sll = b([0, 0, 0, 1, 0, 6, 1, 2, 3, 4, 5, 6, 0, 0, 0x08, 0x00], v4);
  assert.equal(decodePacket(LINKTYPE.linuxSll, sll, p), 'ok');
  assert.equal(p.dstPort, 80);
  const sll2 = b([0x86, 0xdd, 0, 0, 0, 0, 0, 1, 0, 1, 0, 6, 1, 2, 3, 4, 5, 6, 0, 0], ipv6(17, udp(5000, 53, [9])));
  assert.equal(decodePacket(LINKTYPE.linuxSll2, sll2, p), 'ok');
  assert.deepEqual([p.src, p.dst, p.dstPort, p.ipVersion], ['2001:db8::1', '2001:db8:1::2', 53, 6]);
  assert.equal(decodePacket(LINKTYPE.raw, b(v4), p), 'ok');
  assert.equal(p.srcPort, 1234);
  assert.equal(decodePacket(LINKTYPE.raw, b(ipv6(6, tcp(1, 2, TCP.RST))), p), 'ok');
  assert.equal(p.ipVersion, 6);
  assert.equal(decodePacket(LINKTYPE.ipv4, b(v4), p), 'ok');
  assert.equal(decodePacket(LINKTYPE.ipv6, b(ipv6(58, [128, 0, 0, 0])), p), 'ok');
  assert.deepEqual([p.proto, p.icmpType, p.icmpCode, p.hasPorts], [58, 128, 0, false]);
  assert.equal(decodePacket(LINKTYPE.null, b([2, 0, 0, 0], v4), p), 'ok');
  assert.equal(decodePacket(LINKTYPE.null, b([0, 0, 0, 2], v4), p), 'ok');
  assert.equal(decodePacket(LINKTYPE.null, b([30, 0, 0, 0], ipv6(17, udp(1, 2, []))), p), 'ok');
  assert.equal(p.ipVersion, 6);
  assert.equal(decodePacket(LINKTYPE.null, b([7, 0, 0, 0], v4), p), 'not_ip');
  assert.equal(decodePacket(147, b(v4), p), 'unsupported_link');
});

test('IPv4 options are skipped; only a first fragment has ports', () => {
  const p = newDecoded();
  assert.equal(decodePacket(LINKTYPE.raw, b(ipv4(6, tcp(5, 6, TCP.FIN), { options: [1, 1, 1, 0] })), p), 'ok');
  assert.deepEqual([p.srcPort, p.dstPort, p.tcpFlags], [5, 6, TCP.FIN]);
  assert.equal(decodePacket(LINKTYPE.raw, b(ipv4(17, udp(7, 8, [1]), { fragOffset: 185 })), p), 'ok');
  assert.deepEqual([p.laterFragment, p.hasPorts, p.srcPort], [true, false, 0]);
  assert.equal(decodePacket(LINKTYPE.raw, b(ipv4(1, [3, 3, 0, 0])), p), 'ok');
  assert.deepEqual([p.icmpType, p.icmpCode], [3, 3]);
});

test('IPv6 extension headers (hop-by-hop, destination options, fragment) are walked, bounded', () => {
  const p = newDecoded();
  const hbh = [60, 0, 1, 4, 0, 0, 0, 0];
  const dst = [44, 0, 1, 4, 0, 0, 0, 0];
  const fragFirst = [6, 0, 0, 1, 0, 0, 0, 42];
  assert.equal(decodePacket(LINKTYPE.raw, b(ipv6(0, [...hbh, ...dst, ...fragFirst, ...tcp(443, 50000, TCP.ACK)])), p), 'ok');
  assert.deepEqual([p.proto, p.srcPort, p.dstPort, p.laterFragment], [6, 443, 50000, false]);
  const fragLater = [17, 0, 0x05, 0x00, 0, 0, 0, 42];
  assert.equal(decodePacket(LINKTYPE.raw, b(ipv6(44, [...fragLater, 1, 2, 3, 4, 5, 6, 7, 8])), p), 'ok');
  assert.deepEqual([p.proto, p.hasPorts, p.laterFragment], [17, false, true]);
  // a chain of more hop-by-hop headers than the bound stops there (no port read from an option byte)
  const chain: number[] = [];
  for (let i = 0; i < 20; i++) chain.push(0, 0, 1, 4, 0, 0, 0, 0);
  assert.equal(decodePacket(LINKTYPE.raw, b(ipv6(0, chain)), p), 'ok');
  assert.equal(p.hasPorts, false);
  // an extension header that claims more bytes than the packet has
  assert.equal(decodePacket(LINKTYPE.raw, b(ipv6(0, [6, 200, 0, 0, 0, 0, 0, 0])), p), 'truncated');
});

test('truncated and malformed packets are reasons, not exceptions', () => {
  const p = newDecoded();
  assert.equal(decodePacket(LINKTYPE.ethernet, b([1, 2, 3]), p), 'truncated');
  assert.equal(decodePacket(LINKTYPE.raw, b([0x45, 0, 0]), p), 'truncated');
  assert.equal(decodePacket(LINKTYPE.ipv4, b([0x65], new Array<number>(30).fill(0)), p), 'malformed');
  assert.equal(decodePacket(LINKTYPE.raw, b(ipv4(6, [0, 1, 0])), p), 'truncated');
  assert.equal(decodePacket(LINKTYPE.ethernet, b(ETH(0x0806), new Array<number>(28).fill(0)), p), 'not_ip');
});

test('IPv6 text follows RFC 5952', () => {
  const t = (hex: string): string => ipv6Text(Uint8Array.from(Buffer.from(hex, 'hex')), 0);
  assert.equal(t('00000000000000000000000000000001'), '::1');
  assert.equal(t('00000000000000000000000000000000'), '::');
  assert.equal(t('20010db8000000000001000000000001'), '2001:db8::1:0:0:1');
  assert.equal(t('20010db8000100000001000100010001'), '2001:db8:1:0:1:1:1:1');
  assert.equal(t('00000000000000000000ffffc0000201'), '::ffff:192.0.2.1');
  assert.equal(t('fe800000000000000000000000000000'), 'fe80::');
});
