import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { decodePacket, newDecoded, PROTO } from './decode.js';
import { capturePackets, readCaptureFile, udpDatagrams } from './file.js';
import { writePcap, writePcapng } from './write.js';
import { FlowTable, type Flow } from './flows.js';

const DATA = new URL('../../../../shared/data/', import.meta.url);
const path = (rel: string): string => fileURLToPath(new URL(rel, DATA));

interface Conv {
  aToB: [number, number];
  bToA: [number, number];
}

/** `tshark -q -z conv,tcp` text → conversations keyed `A <-> B` (frames and frame bytes each way). */
function tsharkConv(text: string): Map<string, Conv> {
  const out = new Map<string, Conv>();
  for (const line of text.split('\n')) {
    const m = /^(\S+)\s+<->\s+(\S+)\s+(\d+)\s+(\d+) bytes\s+(\d+)\s+(\d+) bytes/.exec(line);
    if (!m) continue;
    out.set(`${m[1]} <-> ${m[2]}`, { bToA: [Number(m[3]), Number(m[4])], aToB: [Number(m[5]), Number(m[6])] });
  }
  return out;
}

/** The same conversations counted from our decoder (frame bytes = the packet's length on the wire). */
async function ourConv(file: string, keys: Iterable<string>): Promise<Map<string, Conv>> {
  const known = new Set(keys);
  const out = new Map<string, Conv>();
  const p = newDecoded();
  for await (const batch of readCaptureFile(file)) {
    for (const pkt of batch) {
      assert.equal(decodePacket(pkt.linkType, pkt.data, p), 'ok');
      if (p.proto !== PROTO.tcp) continue;
      const fwd = `${p.src}:${p.srcPort} <-> ${p.dst}:${p.dstPort}`;
      const rev = `${p.dst}:${p.dstPort} <-> ${p.src}:${p.srcPort}`;
      const key = known.has(fwd) ? fwd : known.has(rev) ? rev : out.has(fwd) ? fwd : out.has(rev) ? rev : fwd;
      let c = out.get(key);
      if (!c) out.set(key, (c = { aToB: [0, 0], bToA: [0, 0] }));
      const side = key === fwd ? c.aToB : c.bToA;
      side[0]++;
      side[1] += pkt.origLen;
    }
  }
  return out;
}

for (const [pcap, ref] of [
  ['captures/scan/scan-sS.pcap', 'captures/scan/tshark-conv-tcp-scan-sS.txt'],
  ['captures/ssh/ssh-bruteforce.pcap', 'captures/ssh/tshark-conv-tcp-ssh-bruteforce.txt'],
] as const) {
  test(`${pcap}: every TCP conversation, frames and bytes each way, equal to tshark's`, async () => {
    const want = tsharkConv(readFileSync(path(ref), 'utf8'));
    assert.ok(want.size > 10);
    const got = await ourConv(path(pcap), want.keys());
    assert.equal(got.size, want.size);
    for (const [k, w] of want) assert.deepEqual(got.get(k), w, k);
  });
}

test('packet counts of every capture (tcpdump -c limits, mergecap of four files, the esnet captures)', async () => {
  const counts: [string, number][] = [
    ['captures/scan/scan-sS.pcap', 2002],
    ['captures/scan/scan-sT.pcap', 2004],
    ['captures/scan/hping3-syn.pcap', 600],
    ['captures/ssh/ssh-bruteforce.pcap', 353],
    // pcapng (mergecap): the sum of the four above
    ['captures/flow/all-attacks.pcap', 4959],
    ['esnet-curated-pcaps/masscan_tcp_0_1000_20190821.pcap', 1005],
    ['esnet-curated-pcaps/nmap_80_vanilla.pcap', 11],
    ['esnet-curated-pcaps/nmap_80_w_service_detection.pcap', 154],
  ];
  for (const [rel, n] of counts) {
    let got = 0;
    let prev = 0;
    const p = newDecoded();
    for await (const batch of readCaptureFile(path(rel), { chunk: 4096 })) {
      for (const pkt of batch) {
        got++;
        assert.equal(decodePacket(pkt.linkType, pkt.data, p), 'ok', rel);
        // captures made by one tcpdump are in time order
        if (!rel.includes('all-attacks')) assert.ok(pkt.tsUs >= prev, rel);
        prev = pkt.tsUs;
      }
    }
    assert.equal(got, n, rel);
  }
});

test('hping3 capture: 200 SYNs to port 80, 200 SYN-ACKs, 200 RSTs; nanosecond pcapng time stamps as in the pcap', () => {
  const p = newDecoded();
  const flags = new Map<number, number>();
  const bytes = readFileSync(path('captures/scan/hping3-syn.pcap'));
  const { packets } = capturePackets(bytes);
  for (const pkt of packets) {
    decodePacket(pkt.linkType, pkt.data, p);
    flags.set(p.tcpFlags, (flags.get(p.tcpFlags) ?? 0) + 1);
  }
  assert.deepEqual([...flags.entries()].sort(), [[0x02, 200], [0x04, 200], [0x12, 200]].sort());
  // the same packets re-encoded as big-endian pcapng with nanosecond resolution, and as big-endian ns pcap
  const again = packets.map((k) => ({ tsUs: k.tsUs, data: k.data }));
  for (const b of [writePcapng(again, { linkType: 1, littleEndian: false, tsresol: 9 }), writePcap(again, { linkType: 1, littleEndian: false, nanos: true })]) {
    const r = capturePackets(b).packets;
    assert.equal(r.length, 600);
    r.forEach((k, i) => assert.ok(Math.abs(k.tsUs - (packets[i]?.tsUs ?? 0)) < 0.01));
  }
});

test('udpDatagrams: the NetFlow v5 export datagrams softflowd sent (153, to 127.0.0.1:2055)', async () => {
  const raw = path('captures/flow/softflowd-v5/raw/dgram-0001.bin');
  let n = 0;
  for await (const d of udpDatagrams(path('captures/flow/softflowd-v5/datagrams.pcap'))) {
    n++;
    assert.equal(d.dst, '127.0.0.1');
    assert.equal(d.dstPort, 2055);
    if (n === 1) assert.deepEqual(d.payload, readFileSync(raw));
  }
  assert.equal(n, 153);
});

for (const [pcap, ref] of [
  ['captures/scan/scan-sS.pcap', 'captures/scan/tshark-conv-tcp-scan-sS.txt'],
  ['captures/ssh/ssh-bruteforce.pcap', 'captures/ssh/tshark-conv-tcp-ssh-bruteforce.txt'],
] as const) {
  test(`${pcap}: the flow table makes one flow per tshark conversation, same packets each way, IP bytes = frame bytes - 14 per packet`, async () => {
    const want = tsharkConv(readFileSync(path(ref), 'utf8'));
    const flows: Flow[] = [];
    const table = new FlowTable((f) => flows.push(f));
    const p = newDecoded();
    for await (const batch of readCaptureFile(path(pcap))) {
      for (const pkt of batch) if (decodePacket(pkt.linkType, pkt.data, p) === 'ok') table.add(p, pkt.tsUs);
    }
    table.finish();
    assert.equal(flows.length, want.size);
    for (const f of flows) {
      const k = `${f.src}:${f.srcPort} <-> ${f.dst}:${f.dstPort}`;
      const r = `${f.dst}:${f.dstPort} <-> ${f.src}:${f.srcPort}`;
      const w = want.get(k) ?? want.get(r);
      assert.ok(w, k);
      const [fwd, rev] = want.has(k) ? [w.aToB, w.bToA] : [w.bToA, w.aToB];
      assert.deepEqual([f.packetsFwd, f.packetsRev], [fwd[0], rev[0]], k);
      assert.deepEqual([f.bytesFwd, f.bytesRev], [fwd[1] - 14 * fwd[0], rev[1] - 14 * rev[0]], k);
    }
  });
}
