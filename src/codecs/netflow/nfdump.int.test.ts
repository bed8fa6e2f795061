import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { csvLines, DATA, decodeAll, nfdumpLine, nfdumpTime, pcapDatagrams, rawDatagrams } from './testing/captures.js';
import type { FlowRecord } from './types.js';

/**
 * Conformance against nfdump: softflowd (v5, v9, IPFIX) and pmacct (IPFIX) exported the same capture
 * (captures/flow/all-attacks.pcap); nfcapd received it and `nfdump -o fmt:%ts,%te,%td,%pr,%sa,%sp,%da,%dp,%flg,%pkt,%byt`
 * printed every flow. Each of Vigil's records, printed the same way, must be one of nfdump's lines (as a multiset).
 */
const FLOW = new URL('captures/flow/', DATA);

function sortedLines(records: readonly FlowRecord[], fix?: (r: FlowRecord) => { start: number; end: number }): string[] {
  return records.map((r) => nfdumpLine(r, fix ? fix(r) : undefined)).sort();
}

async function decodeCapture(name: string): Promise<FlowRecord[]> {
  const dgrams = await pcapDatagrams(new URL(`${name}/datagrams.pcap`, FLOW));
  return decodeAll(dgrams.map((d) => d.payload), dgrams[0]?.src ?? '127.0.0.1').records;
}

/** How many lines of `ref` are missing from `ours` (multiset difference); shows the first few. */
function missing(ours: readonly string[], ref: readonly string[]): string[] {
  const counts = new Map<string, number>();
  for (const l of ours) counts.set(l, (counts.get(l) ?? 0) + 1);
  const out: string[] = [];
  for (const l of ref) {
    const n = counts.get(l) ?? 0;
    if (n === 0) out.push(l);
    else counts.set(l, n - 1);
  }
  return out;
}

describe('NetFlow/IPFIX decoders against nfdump (softflowd and pmacct exports of all-attacks.pcap)', () => {
  for (const [name, src] of [
    ['softflowd-v5', 'raw'],
    ['softflowd-v9', 'raw'],
    ['softflowd-ipfix-milli', 'raw'],
    ['pmacct-ipfix', 'pcap'],
  ] as const) {
    test(`${name}: all 4426 flows equal nfdump's, field by field (times to the ms, flags, packets, bytes)`, async () => {
      const dir = new URL(`${name}/`, FLOW);
      const records = src === 'raw' ? decodeAll(rawDatagrams(new URL('raw/', dir))).records : await decodeCapture(name);
      const ref = csvLines(new URL('nfdump-ref.csv', dir));
      assert.equal(ref.length, 4426);
      assert.equal(records.length, ref.length);
      assert.deepEqual(sortedLines(records), [...ref].sort());
    });
  }

  test('the raw datagrams and the tcpdump capture of the same export decode to the same flows', async () => {
    for (const name of ['softflowd-v5', 'softflowd-v9', 'softflowd-ipfix-milli']) {
      const fromRaw = decodeAll(rawDatagrams(new URL(`${name}/raw/`, FLOW))).records;
      const fromPcap = await decodeCapture(name);
      assert.deepEqual(fromPcap, fromRaw, name);
    }
  });

  test('softflowd -v 9 without -a (uptime wrapped): Vigil keeps the real time, nfdump is 2^32 ms (49.7 days) late', async () => {
    const records = await decodeCapture('softflowd-v9-noadjust');
    assert.equal(records.length, 4426);
    const ref = csvLines(new URL('softflowd-v9-noadjust/nfdump-ref-head40.csv', FLOW));
    // nfdump adds the wrapped FIRST/LAST to the boot time; Vigil takes the signed 32-bit difference to sysUptime
    const shifted = sortedLines(records, (r) => ({ start: (r.startMs ?? 0) + 2 ** 32, end: (r.endMs ?? 0) + 2 ** 32 }));
    assert.deepEqual(missing(shifted, ref), []);
    const first = records.reduce((m, r) => Math.min(m, r.startMs ?? Infinity), Infinity);
    assert.equal(nfdumpTime(first).slice(0, 16), '2026-11-26 18:48', 'flows are dated when the capture was made');
  });

  test('IPFIX flowStart/EndSysUpTime with systemInitTimeMilliseconds: right order where nfdump 1.7.1 swaps start and end', async () => {
    const records = await decodeCapture('softflowd-ipfix-uptime');
    assert.equal(records.length, 4426);
    for (const r of records) assert.ok((r.endMs as number) >= (r.startMs as number));
    // nfdump prints te before ts and a negative (wrapped) duration; swapped back, its lines are Vigil's
    const ref = csvLines(new URL('softflowd-ipfix-uptime/nfdump-ref-head40.csv', FLOW)).map((l) => {
      const [ts, te, , ...rest] = l.split(',') as [string, string, string, ...string[]];
      const a = Date.parse(`${ts.replace(' ', 'T')}Z`);
      const b = Date.parse(`${te.replace(' ', 'T')}Z`);
      const [s, e] = a <= b ? [a, b] : [b, a];
      return [nfdumpTime(s), nfdumpTime(e), ((e - s) / 1000).toFixed(3), ...rest].join(',');
    });
    assert.ok(ref.some((l, i) => l !== csvLines(new URL('softflowd-ipfix-uptime/nfdump-ref-head40.csv', FLOW))[i]), 'the reference has swapped lines');
    assert.deepEqual(missing(sortedLines(records), ref), []);
    // and the same flows as the millisecond export of the same capture (times may differ by softflowd's rounding: 1 ms)
    const milli = decodeAll(rawDatagrams(new URL('softflowd-ipfix-milli/raw/', FLOW))).records;
    const untimed = (rs: FlowRecord[]): string[] => sortedLines(rs).map((l) => l.split(',').slice(3).join(',')).sort();
    assert.deepEqual(untimed(records), untimed(milli));
    const span = (rs: FlowRecord[]): number[] => [Math.min(...rs.map((r) => r.startMs as number)), Math.max(...rs.map((r) => r.endMs as number))];
    const [a0, a1] = span(records) as [number, number];
    const [b0, b1] = span(milli) as [number, number];
    assert.ok(Math.abs(a0 - b0) <= 1 && Math.abs(a1 - b1) <= 1);
  });
});
