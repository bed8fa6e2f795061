import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InternalNetworks } from '../flow/direction.js';
import { newDecoded, TCP, type DecodedPacket } from './decode.js';
import { flowEvent, notableToEcs } from './events.js';
import { FlowTable, type Flow, type FlowOptions } from './flows.js';
import { NotableDetector, type NotableEvent } from './notable.js';

const S = 1_764_000_000_000_000;
function pkt(src: string, sp: number, dst: string, dp: number, flags: number, len = 60, proto = 6): DecodedPacket {
  return { ...newDecoded(), src, dst, srcPort: sp, dstPort: dp, hasPorts: proto === 6 || proto === 17, proto, tcpFlags: flags, ipLen: len };
}
function table(opts: FlowOptions = {}): { t: FlowTable; out: Flow[] } {
  const out: Flow[] = [];
  return { t: new FlowTable((f) => out.push(f), opts), out };
}
const A = '192.0.2.10';
const B = '198.51.100.20';

test('a TCP connection is one bidirectional flow: the first sender is the source, counts and flags per direction', () => {
  const { t, out } = table();
  t.add(pkt(A, 40000, B, 22, TCP.SYN), S);
  t.add(pkt(B, 22, A, 40000, TCP.SYN | TCP.ACK), S + 100);
  t.add(pkt(A, 40000, B, 22, TCP.ACK, 52), S + 200);
  t.add(pkt(A, 40000, B, 22, TCP.PSH | TCP.ACK, 500), S + 300);
  t.add(pkt(B, 22, A, 40000, TCP.FIN | TCP.ACK), S + 400);
  t.add(pkt(A, 40000, B, 22, TCP.FIN | TCP.ACK), S + 500);
  // the last ACK still joins the flow during the linger
  t.add(pkt(B, 22, A, 40000, TCP.ACK), S + 600);
  assert.equal(out.length, 0);
  t.sweep(S + 3_000_000);
  assert.equal(out.length, 1);
  const f = out[0] as Flow;
  assert.deepEqual([f.src, f.srcPort, f.dst, f.dstPort, f.reason], [A, 40000, B, 22, 'fin']);
  assert.deepEqual([f.packetsFwd, f.packetsRev, f.bytesFwd, f.bytesRev], [4, 3, 672, 180]);
  assert.equal(f.flagsFwd, TCP.SYN | TCP.ACK | TCP.PSH | TCP.FIN);
  assert.equal(f.flagsRev, TCP.SYN | TCP.ACK | TCP.FIN);
  assert.deepEqual([f.startUs, f.endUs], [S, S + 600]);
  const e = flowEvent(f, new InternalNetworks(['192.0.2.0/24']));
  assert.deepEqual(e['event'], { kind: 'event', category: ['network'], type: ['connection'], dataset: 'pcap.flow', action: 'flow_fin', start: new Date(S / 1000).toISOString(), end: new Date(S / 1000).toISOString(), duration: 600_000 });
  assert.deepEqual(e['source'], { ip: A, port: 40000, bytes: 672, packets: 4 });
  assert.deepEqual(e['destination'], { ip: B, port: 22, bytes: 180, packets: 3 });
  assert.deepEqual(e['network'], { transport: 'tcp', iana_number: '6', type: 'ipv4', bytes: 852, packets: 7, direction: 'outbound' });
  assert.deepEqual(e['vigil'], { flow: { tcp_flags: ['FIN', 'SYN', 'PSH', 'ACK'], tcp_flags_value: 0x1b, source_tcp_flags: ['FIN', 'SYN', 'PSH', 'ACK'], destination_tcp_flags: ['FIN', 'SYN', 'ACK'] } });
  assert.equal(e['@timestamp'], e['event'] && (e['event'] as Record<string, unknown>)['end']);
});

test('RST ends a flow; a new SYN on a closed flow key starts a new flow (port reuse)', () => {
  const { t, out } = table();
  t.add(pkt(A, 50000, B, 80, TCP.SYN), S);
  t.add(pkt(B, 80, A, 50000, TCP.RST | TCP.ACK), S + 10);
  t.add(pkt(A, 50000, B, 80, TCP.SYN), S + 20);
  assert.equal(out.length, 1);
  assert.equal(out[0]?.reason, 'reused');
  t.finish();
  assert.equal(out.length, 2);
  assert.equal(out[1]?.reason, 'end_of_capture');
  assert.equal(t.stats.ended.reused, 1);
});

test('idle and active timeouts in capture time; UDP and ICMP flows', () => {
  const { t, out } = table({ idleTimeoutMs: 1000, activeTimeoutMs: 5000 });
  t.add(pkt(A, 5353, B, 53, 0, 70, 17), S);
  t.add(pkt(B, 53, A, 5353, 0, 120, 17), S + 1000);
  // the same key after more than the idle timeout: a new flow
  t.add(pkt(A, 5353, B, 53, 0, 70, 17), S + 2_500_000);
  const icmp = { ...pkt(A, 0, B, 0, 0, 84, 1), icmpType: 8, icmpCode: 0 };
  for (let i = 0; i < 8; i++) t.add(icmp, S + i * 900_000);
  // the ICMP flow was cut at its active timeout (5 s)
  assert.deepEqual(out.map((f) => [f.proto, f.reason]), [[17, 'idle'], [1, 'active']]);
  assert.deepEqual([out[0]?.packetsFwd, out[0]?.packetsRev], [1, 1]);
  // a sweep ends what has gone idle since
  t.sweep(S + 60_000_000);
  assert.deepEqual(out.slice(2).map((f) => [f.proto, f.reason]), [[17, 'idle'], [1, 'idle']]);
  const last = out.at(-1) as Flow;
  const e = flowEvent(last, new InternalNetworks([]));
  assert.deepEqual(e['icmp'], { type: 8, code: 0 });
  assert.equal((e['source'] as Record<string, unknown>)['port'], undefined);
  assert.equal((e['network'] as Record<string, unknown>)['transport'], 'icmp');
  assert.equal((e['network'] as Record<string, unknown>)['direction'], 'external');
});

test('the flow cap evicts the oldest flow and counts it', () => {
  const { t, out } = table({ maxFlows: 100 });
  for (let i = 0; i < 250; i++) t.add(pkt(A, 10000 + i, B, 443, TCP.SYN), S + i);
  assert.equal(t.size, 100);
  assert.equal(t.stats.evicted, 150);
  assert.equal(out[0]?.srcPort, 10000);
  assert.equal(out[0]?.reason, 'evicted');
  t.finish();
  assert.equal(out.length, 250);
});

test('notable: unanswered SYNs aggregated per source and destination, SYN flood and RST storm over thresholds only', () => {
  const got: NotableEvent[] = [];
  const n = new NotableDetector((e) => got.push(e), { synFloodMin: 50, rstStormMin: 50 });
  const flows = new FlowTable((f) => n.flow(f));
  // 300 ports of one host, no answer
  for (let i = 0; i < 300; i++) {
    const p = pkt(A, 61000, B, 1000 + i, TCP.SYN);
    flows.add(p, S + i * 10);
    n.packet(p, S + i * 10);
  }
  // 60 SYNs to one port from 60 sources, each answered by RST
  for (let i = 0; i < 60; i++) {
    const syn = pkt(`203.0.113.${i + 1}`, 1000 + i, B, 80, TCP.SYN);
    const rst = pkt(B, 80, `203.0.113.${i + 1}`, 1000 + i, TCP.RST | TCP.ACK);
    n.packet(syn, S + 5000 + i);
    n.packet(rst, S + 5000 + i);
    flows.add(syn, S + 5000 + i);
    flows.add(rst, S + 5000 + i);
  }
  // 10 SYNs to another port: under the threshold
  for (let i = 0; i < 10; i++) n.packet(pkt(A, 2000 + i, B, 8080, TCP.SYN), S + 6000 + i);
  flows.finish();
  n.finish();
  const by = (a: string): NotableEvent[] => got.filter((e) => e.action === a);
  assert.equal(by('syn_unanswered').length, 1);
  assert.deepEqual([by('syn_unanswered')[0]?.count, by('syn_unanswered')[0]?.distinct, by('syn_unanswered')[0]?.sample.length], [300, 300, 20]);
  assert.equal(by('syn_flood').length, 1);
  assert.deepEqual([by('syn_flood')[0]?.dstPort, by('syn_flood')[0]?.count, by('syn_flood')[0]?.distinct], [80, 60, 60]);
  assert.equal(by('rst_storm').length, 1);
  assert.equal(by('rst_storm')[0]?.src, B);
  const e = notableToEcs(by('syn_flood')[0] as NotableEvent, new InternalNetworks(['198.51.100.0/24']));
  assert.deepEqual(e['event'], { kind: 'event', category: ['network'], type: ['connection'], dataset: 'pcap.notable', action: 'syn_flood', start: new Date((S + 5000) / 1000).toISOString(), end: new Date((S + 5059) / 1000).toISOString() });
  assert.deepEqual(e['destination'], { ip: B, port: 80 });
  assert.equal((e['vigil'] as { pcap: { count: number } }).pcap.count, 60);
});

test('notable windows are bounded: beyond maxKeys the oldest window closes early', () => {
  const got: NotableEvent[] = [];
  const n = new NotableDetector((e) => got.push(e), { synFloodMin: 1, maxKeys: 10 });
  for (let i = 0; i < 100; i++) n.packet(pkt(A, 3000, B, i + 1, TCP.SYN), S + i);
  assert.equal(n.closedEarly, 90);
  assert.equal(got.length, 90);
  n.finish();
  assert.equal(got.length, 100);
});

test('event times: ISO 8601 with ms, equal to Date.toISOString for times around second boundaries and before 1970', () => {
  const nets = new InternalNetworks([]);
  for (const us of [S, S + 999, S + 1000, S + 999_999, S + 1_000_000, S + 1_000_001, S + 12_345_678, 1_500, -1_500_000, 0, 253_402_300_799_999_000]) {
    const f: Flow = { proto: 17, ipVersion: 4, src: A, dst: B, srcPort: 1, dstPort: 2, hasPorts: true, startUs: us, endUs: us, packetsFwd: 1, packetsRev: 0, bytesFwd: 1, bytesRev: 0, flagsFwd: 0, flagsRev: 0, icmpType: -1, icmpCode: -1, closedUs: 0, reason: 'idle' };
    assert.equal(flowEvent(f, nets)['@timestamp'], new Date(Math.floor(us / 1000)).toISOString(), String(us));
  }
});
