import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { InternalNetworks } from '../flow/direction.js';
import { NetflowDecoder } from './decoder.js';
import { flowToEcs, tcpFlagNames } from './ecs.js';
import { DATA, pcapDatagrams } from './testing/captures.js';
import type { FlowRecord } from './types.js';

/** pmacct's protocol names (getprotobynumber) for the numbers in its expected output. */
const PMACCT_PROTO: Record<number, string> = { 1: 'icmp', 6: 'tcp', 17: 'udp', 58: 'ipv6-icmp', 112: 'vrrp' };

interface PmacctFlow {
  iface_in: number;
  iface_out: number;
  ip_src: string;
  ip_dst: string;
  port_src: number;
  port_dst: number;
  ip_proto: string;
  tos: number;
  tcp_flags: string[];
  mask_src: number;
  mask_dst: number;
  packets: number;
  bytes: number;
  timestamp_start?: string;
  timestamp_end?: string;
}

async function decodePcaps(urls: URL[]): Promise<{ records: FlowRecord[]; decoder: NetflowDecoder }> {
  const decoder = new NetflowDecoder();
  const records: FlowRecord[] = [];
  for (const url of urls) for (const d of await pcapDatagrams(url)) decoder.decode(d.payload, d.src, d.ts, records);
  return { records, decoder };
}

/**
 * pmacct's fields of one flow from Vigil's record. pmacct (nfacctd_renormalize) multiplies by the sampling interval
 * when its config says so; its v9/IPFIX timestamps are whole seconds: sysUptime-relative ones rounded up (it subtracts
 * whole seconds of uptime difference), absent ones 0.
 */
function asPmacct(r: FlowRecord, renormalize: boolean, withTimes: boolean): string {
  const k = renormalize ? r.samplingInterval : 1;
  const o: Record<string, unknown> = {
    iface_in: r.inIf ?? 0,
    iface_out: r.outIf ?? 0,
    ip_src: r.srcAddr,
    ip_dst: r.dstAddr,
    port_src: r.srcPort ?? 0,
    port_dst: r.dstPort ?? 0,
    ip_proto: PMACCT_PROTO[r.protocol ?? -1] ?? String(r.protocol),
    tos: r.tos ?? 0,
    tcp_flags: r.protocol === 6 ? tcpFlagNames(r.tcpFlags ?? 0).sort() : [],
    mask_src: r.srcMask ?? 0,
    mask_dst: r.dstMask ?? 0,
    packets: r.packets * k,
    bytes: r.bytes * k,
  };
  if (withTimes) {
    const secs = (ms: number | undefined): string => `${ms === undefined ? 0 : Math.ceil(ms / 1000)}.000000`;
    o['timestamp_start'] = r.startMs === undefined && r.version === 10 ? `${r.exportMs / 1000}.000000` : secs(r.startMs);
    o['timestamp_end'] = secs(r.endMs);
  }
  return JSON.stringify(o);
}

function expected(url: URL, withTimes: boolean): string[] {
  return readFileSync(url, 'utf8')
    .split('\n')
    .filter((l) => l.trim().length > 0)
    .map((l) => {
      const f = JSON.parse(l) as PmacctFlow;
      const o: Record<string, unknown> = {
        iface_in: f.iface_in,
        iface_out: f.iface_out,
        ip_src: f.ip_src,
        ip_dst: f.ip_dst,
        port_src: f.port_src,
        port_dst: f.port_dst,
        ip_proto: f.ip_proto,
        tos: f.tos,
        tcp_flags: [...f.tcp_flags].sort(),
        mask_src: f.mask_src,
        mask_dst: f.mask_dst,
        packets: f.packets,
        bytes: f.bytes,
      };
      if (withTimes) {
        o['timestamp_start'] = f.timestamp_start;
        o['timestamp_end'] = f.timestamp_end;
      }
      return JSON.stringify(o);
    });
}

describe("NetFlow v9 / IPFIX against pmacct's expected decodes (pmacct-test-automation)", () => {
  const PM = new URL('pmacct-netflow-ipfix/', DATA);
  for (const [folder, pcaps, renormalize, withTimes] of [
    ['100-IPFIXv10-CISCO', ['traffic-00.pcap'], false, false],
    ['101-NFv9-CISCO-cust_primitives', ['traffic-00.pcap'], false, true],
    ['104-IPFIXv10-IPv6-CISCO-sampling_option', ['traffic-00.pcap'], true, true],
    ['111-IPFIXv10-NFv9-IPv6-IPv4-mix_sources', ['traffic-00.pcap', 'traffic-01.pcap'], false, true],
  ] as const) {
    test(`${folder}: every flow equal to nfacctd's output, field by field`, async () => {
      const dir = new URL(`${folder}/`, PM);
      const { records, decoder } = await decodePcaps(pcaps.map((p) => new URL(p, dir)));
      const ours = records.map((r) => asPmacct(r, renormalize, withTimes)).sort();
      const theirs = expected(new URL('output-flow-00.json', dir), withTimes).sort();
      assert.deepEqual(ours, theirs);
      assert.equal(decoder.stats.drops.no_template + decoder.stats.drops.malformed_set + decoder.stats.drops.malformed_record, 0);
    });
  }

  test('104: the options template (selector 1, 1 of 256 packets) sets the sampling of later data records, and ECS multiplies', async () => {
    const dir = new URL('104-IPFIXv10-IPv6-CISCO-sampling_option/', PM);
    const { records } = await decodePcaps([new URL('traffic-00.pcap', dir)]);
    assert.deepEqual(records.map((r) => r.samplingInterval), [256, 256, 256]);
    const ev = flowToEcs(records[0] as FlowRecord, new InternalNetworks([]));
    assert.deepEqual(ev['network'], { bytes: 72 * 256, packets: 256, transport: 'ipv6-icmp', iana_number: '58', type: 'ipv6', direction: 'external' });
    assert.equal((ev['netflow'] as Record<string, unknown>)['sampling_interval'], 256);
  });
});

/**
 * Akvorado's test pcaps. The expected values are those of akvorado's own decoder test
 * (outlet/flow/decoder/netflow/root_test.go at the stored commit), written out here field by field.
 */
describe("NetFlow v5 / v9 / IPFIX against akvorado's decoder test values", () => {
  const AK = new URL('akvorado-flow-pcaps/netflow/', DATA);
  const decode = (...names: string[]): Promise<{ records: FlowRecord[]; decoder: NetflowDecoder }> => decodePcaps(names.map((n) => new URL(`${n}.pcap`, AK)));
  const pick = (r: FlowRecord): Record<string, unknown> => ({
    src: r.srcAddr,
    dst: r.dstAddr,
    nextHop: r.nextHop,
    inIf: r.inIf,
    outIf: r.outIf,
    srcMask: r.srcMask,
    dstMask: r.dstMask,
    bytes: r.bytes,
    packets: r.packets,
    proto: r.protocol,
    srcPort: r.srcPort,
    dstPort: r.dstPort,
    tcpFlags: r.tcpFlags,
    sampling: r.samplingInterval,
  });
  const flow = (src: string, dst: string, nextHop: string, inIf: number, outIf: number, srcMask: number, dstMask: number, bytes: number, dstPort: number): Record<string, unknown> => ({
    src, dst, nextHop, inIf, outIf, srcMask, dstMask, bytes, packets: 1, proto: 6, srcPort: 443, dstPort, tcpFlags: 16, sampling: 30000,
  });

  test('v9 options template, options data (sampling 30000), template 260, then data: the four flows', async () => {
    const { records, decoder } = await decode('options-template', 'options-data', 'template', 'data');
    assert.deepEqual(records.map(pick), [
      flow('198.38.121.178', '91.170.143.87', '194.149.174.63', 335, 450, 24, 14, 1500, 19624),
      flow('198.38.121.219', '88.122.57.97', '194.149.174.71', 335, 452, 24, 14, 1500, 2444),
      flow('173.194.190.106', '37.165.129.20', '252.223.0.0', 461, 306, 20, 18, 1400, 53697),
      flow('74.125.100.234', '88.120.219.117', '194.149.174.61', 461, 451, 16, 14, 1448, 52300),
    ]);
    assert.equal(decoder.templates.size(), 2);
    // FIRST_SWITCHED 944948659.. against sysUptime 944951609 at export time 1647285928 s
    assert.deepEqual(records.map((r) => r.startMs), [1647285928000 - 2950, 1647285928000 - 2950, 1647285928000 - 2949, 1647285928000 - 2948]);
  });

  test('v9 ICMP and ICMPv6: type and code from the destination port', async () => {
    const { records } = await decode('icmp-template', 'icmp-data');
    assert.deepEqual(records.map((r) => [r.srcAddr, r.dstAddr, r.protocol, r.bytes, r.packets, r.icmpType, r.icmpCode]), [
      ['2001:db8::', '2001:db8::1', 58, 104, 1, 128, 0],
      ['2001:db8::1', '2001:db8::', 58, 104, 1, 129, 0],
      ['203.0.113.4', '203.0.113.5', 1, 84, 1, 8, 0],
      ['203.0.113.5', '203.0.113.4', 1, 84, 1, 0, 0],
    ]);
    const ev = flowToEcs(records[0] as FlowRecord, new InternalNetworks(['2001:db8::/32']));
    assert.deepEqual(ev['icmp'], { type: 128, code: 0 });
    assert.equal((ev['destination'] as Record<string, unknown>)['port'], undefined);
  });

  test('v5: 29 records; the first one field by field', async () => {
    const { records } = await decode('nfv5');
    assert.equal(records.length, 29);
    assert.deepEqual(pick(records[0] as FlowRecord), {
      src: '161.202.212.212', dst: '202.152.70.24', nextHop: '61.6.255.150', inIf: 117, outIf: 86, srcMask: 19, dstMask: 24,
      bytes: 133, packets: 1, proto: 6, srcPort: 30104, dstPort: 11963, tcpFlags: 0x18, sampling: 1,
    });
    assert.equal(records[0]?.exportMs, 1680626679000);
  });

  test('IPFIX (ipfixprobe, RFC 5103 biflows): the forward direction of each flow; reverse elements are enterprise-specific and skipped', async () => {
    const { records, decoder } = await decode('ipfixprobe-templates', 'ipfixprobe-data');
    assert.deepEqual(records.map((r) => [r.srcAddr, r.dstAddr, r.srcPort, r.dstPort, r.protocol, r.packets, r.bytes, r.inIf]), [
      ['10.10.1.4', '10.10.1.1', 56166, 53, 17, 1, 62, 10],
      ['10.10.1.20', '10.10.1.255', 138, 138, 17, 1, 229, 10],
      ['10.10.1.4', '74.53.140.153', 1470, 25, 6, 28, 21673, 10],
      ['192.168.1.1', '10.10.1.4', 0, 0, 1, 4, 2304, 10],
    ]);
    assert.equal(records[2]?.tcpFlags, 0x1b);
    assert.equal(decoder.stats.drops.malformed_record, 0);
  });

  test('v9 NAT events: addresses and ports, no counters', async () => {
    const { records } = await decode('nat');
    assert.deepEqual([records[0]?.srcAddr, records[0]?.dstAddr, records[0]?.srcPort, records[0]?.dstPort, records[0]?.protocol, records[0]?.bytes], ['172.16.100.198', '10.89.87.1', 35303, 53, 17, 0]);
  });

  test('v9 data before templates in one message: both templates (options 256, data 257, source id 17170432) are kept and the data decoded', async () => {
    const { records, decoder } = await decode('data+templates');
    assert.equal(decoder.templates.size(), 2);
    assert.ok(records.length > 0);
    for (const r of records) assert.deepEqual([r.domainId, r.templateId], [17170432, 257]);
  });
});
