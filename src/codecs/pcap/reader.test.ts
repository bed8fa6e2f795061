import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CaptureReader, captureFormat, PcapFormatError } from './reader.js';
import { capturePackets } from './file.js';
import { writePcap, writePcapng, type PacketToWrite } from './write.js';

const PACKETS: PacketToWrite[] = [
  { tsUs: 1_764_182_943_123_456, data: Uint8Array.from([1, 2, 3, 4, 5]) },
  { tsUs: 1_764_182_944_000_001, data: Uint8Array.from([9]), origLen: 1500 },
  { tsUs: 1_764_182_945_999_999, data: new Uint8Array(0) },
  { tsUs: 1_764_182_946_500_000, data: Uint8Array.from({ length: 70 }, (_, i) => i) },
];

function same(got: ReturnType<typeof capturePackets>['packets'], want: readonly PacketToWrite[], tolUs: number, times = true): void {
  assert.equal(got.length, want.length);
  got.forEach((g, i) => {
    const w = want[i] as PacketToWrite;
    assert.deepEqual([...g.data], [...w.data]);
    assert.equal(g.origLen, w.origLen ?? w.data.length);
    assert.equal(g.linkType, 1);
    if (times) assert.ok(Math.abs(g.tsUs - w.tsUs) <= tolUs, `packet ${i}: ${g.tsUs} vs ${w.tsUs}`);
  });
}

test('classic pcap in both byte orders, micro- and nanosecond magic', () => {
  for (const littleEndian of [true, false]) {
    for (const nanos of [false, true]) {
      const bytes = writePcap(PACKETS, { linkType: 1, littleEndian, nanos });
      assert.equal(captureFormat(bytes), 'pcap');
      same(capturePackets(bytes).packets, PACKETS, 0.001);
    }
  }
});

test('pcapng in both byte orders with if_tsresol 10^-6, 10^-9 and 2^-20; unknown blocks skipped', () => {
  for (const littleEndian of [true, false]) {
    for (const tsresol of [6, 9, 0x80 | 20]) {
      const bytes = writePcapng(PACKETS, { linkType: 1, littleEndian, tsresol, junkBlocks: true });
      assert.equal(captureFormat(bytes), 'pcapng');
      const { packets, reader } = capturePackets(bytes);
      same(packets, PACKETS, tsresol === 6 ? 0 : 1);
      assert.equal(reader.stats.skippedBlocks, 2);
    }
  }
});

test('pcapng simple packet blocks: data cut to the original length, no time', () => {
  const bytes = writePcapng(PACKETS.filter((p) => p.origLen === undefined), { linkType: 1, simple: true });
  const { packets } = capturePackets(bytes);
  same(packets, PACKETS.filter((p) => p.origLen === undefined), 0, false);
  assert.ok(packets.every((p) => p.tsUs === 0));
});

test('fed one byte at a time, the reader returns the same packets', () => {
  for (const bytes of [writePcap(PACKETS, { linkType: 1, littleEndian: false }), writePcapng(PACKETS, { linkType: 1, junkBlocks: true })]) {
    const r = new CaptureReader();
    const got = [];
    for (let i = 0; i < bytes.length; i++) got.push(...r.push(bytes.subarray(i, i + 1)));
    r.end();
    same(got, PACKETS, 1);
  }
});

test('format errors carry a reason: unknown magic, empty, truncated, over the record cap, bad block length', () => {
  const err = (bytes: Uint8Array, re: RegExp, maxRecord?: number): void => {
    assert.throws(() => capturePackets(bytes, maxRecord !== undefined ? { maxRecord } : {}), (e: unknown) => e instanceof PcapFormatError && e.code === 'VIGIL_ERR_PCAP_FORMAT' && re.test(e.message));
  };
  err(Buffer.from('Dec 10 06:55:46 LabSZ sshd[24200]: hello'), /unknown magic/);
  err(new Uint8Array(0), /empty file/);
  const pcap = writePcap(PACKETS, { linkType: 1 });
  err(pcap.subarray(0, pcap.length - 3), /truncated capture/);
  err(pcap, /over the 64-byte cap/, 64);
  const huge = Buffer.from(pcap);
  huge.writeUInt32LE(0x7fffffff, 24 + 8);
  err(huge, /claims 2147483647 captured bytes/);
  const ng = writePcapng(PACKETS, { linkType: 1 });
  const bad = Buffer.from(ng);
  bad.writeUInt32LE(13, 4);
  err(bad, /invalid length 13/);
  const noShb = Buffer.from(ng.subarray(28));
  err(noShb, /unknown magic/);
});

test('pcapng with two sections of different byte orders and link types (cat a.pcapng b.pcapng)', () => {
  const a = writePcapng(PACKETS.slice(0, 2), { linkType: 1, littleEndian: true });
  const b = writePcapng(PACKETS.slice(2), { linkType: 113, littleEndian: false, tsresol: 9 });
  const { packets } = capturePackets(Buffer.concat([a, b]));
  assert.deepEqual(packets.map((p) => p.linkType), [1, 1, 113, 113]);
  assert.deepEqual(packets.map((p) => p.data.length), PACKETS.map((p) => p.data.length));
  assert.ok(Math.abs((packets[3]?.tsUs ?? 0) - (PACKETS[3]?.tsUs ?? 0)) < 0.01);
});
