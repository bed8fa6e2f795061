import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InternalNetworks } from '../flow/direction.js';
import { NetflowDecoder } from './decoder.js';
import { flowToEcs } from './ecs.js';
import { DATA, pcapDatagrams, rawDatagrams } from './testing/captures.js';
import type { FlowRecord } from './types.js';

/**
 * Mutated real datagrams (v5, v9, IPFIX from softflowd, pmacct and Cisco exporters): bit flips, truncation, length
 * and count fields set to extremes, template floods. No decode may fail internally (the decoder's last-resort catch
 * counts `decoder_error`: it must stay 0), the template cache must stay within its caps, no decode may hang,
 * and every record must turn into an ECS event that serialises.
 */

/** xorshift32: reproducible runs (the seed is in the test name) */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
}

const EXTREMES = [0, 1, 2, 3, 4, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xfffe, 0xffff];

function mutate(src: Uint8Array, r: () => number): Uint8Array {
  const b = Buffer.from(src);
  const kind = Math.floor(r() * 5);
  const at = (): number => Math.floor(r() * b.length);
  if (kind === 0) {
    for (let i = 0, n = 1 + Math.floor(r() * 8); i < n; i++) {
      const o = at();
      b[o] = (b[o] as number) ^ (1 << Math.floor(r() * 8));
    }
    return b;
  }
  if (kind === 1) return b.subarray(0, at());
  if (kind === 2 || kind === 3) {
    // a 16-bit field (header count/length, set id/length, template id/field count, field type/length) to an extreme
    for (let i = 0, n = 1 + Math.floor(r() * 3); i < n; i++) {
      const o = at() & ~1;
      if (o + 2 <= b.length) b.writeUInt16BE(EXTREMES[Math.floor(r() * EXTREMES.length)] as number, o);
    }
    return b;
  }
  // random bytes spliced in
  const o = at();
  const junk = Buffer.alloc(1 + Math.floor(r() * 64));
  for (let i = 0; i < junk.length; i++) junk[i] = Math.floor(r() * 256);
  return Buffer.concat([b.subarray(0, o), junk, b.subarray(o)]);
}

async function corpus(): Promise<Uint8Array[]> {
  const flow = new URL('captures/flow/', DATA);
  const out: Uint8Array[] = [];
  for (const name of ['softflowd-v5', 'softflowd-v9', 'softflowd-ipfix-milli']) out.push(...rawDatagrams(new URL(`${name}/raw/`, flow)).slice(0, 40));
  for (const p of ['captures/flow/pmacct-ipfix/datagrams.pcap', 'captures/flow/softflowd-ipfix-uptime/datagrams.pcap', 'pmacct-netflow-ipfix/104-IPFIXv10-IPv6-CISCO-sampling_option/traffic-00.pcap', 'pmacct-netflow-ipfix/101-NFv9-CISCO-cust_primitives/traffic-00.pcap', 'akvorado-flow-pcaps/netflow/ipfixprobe-templates.pcap', 'akvorado-flow-pcaps/netflow/ipfixprobe-data.pcap', 'akvorado-flow-pcaps/netflow/options-template.pcap', 'akvorado-flow-pcaps/netflow/options-data.pcap']) {
    out.push(...(await pcapDatagrams(new URL(p, DATA))).slice(0, 40).map((d) => d.payload));
  }
  return out;
}

describe('NetFlow/IPFIX decoder fuzzing', () => {
  const SEED = 20261127;
  test(`5000 mutated datagrams (seed ${SEED}): no internal failure, caps held, no decode slow`, async () => {
    const seeds = await corpus();
    assert.ok(seeds.length > 200);
    const r = rng(SEED);
    const limits = { maxTemplatesPerExporter: 16, maxExporters: 8, maxPendingSets: 64, maxPendingBytes: 256 * 1024 };
    const d = new NetflowDecoder(limits);
    const nets = new InternalNetworks(['10.0.0.0/8']);
    let worst = 0;
    let records = 0;
    const times: number[] = [];
    for (let i = 0; i < 5000; i++) {
      const base = seeds[Math.floor(r() * seeds.length)] as Uint8Array;
      const input = mutate(base, r);
      // the real, unmutated template datagrams keep coming too, so mutated data meets real templates
      const exporter = `192.0.2.${Math.floor(r() * 12)}`;
      const out: FlowRecord[] = [];
      const t0 = performance.now();
      d.decode(r() < 0.3 ? base : input, exporter, i * 10, out);
      const took = performance.now() - t0;
      times.push(took);
      worst = Math.max(worst, took);
      for (const rec of out) JSON.stringify(flowToEcs(rec, nets));
      records += out.length;
      assert.ok(d.templates.exporterCount() <= limits.maxExporters);
      assert.ok(d.templates.size() <= limits.maxExporters * limits.maxTemplatesPerExporter);
      assert.ok(d.pendingSets() <= limits.maxPendingSets);
    }
    assert.equal(d.stats.drops.decoder_error, 0);
    assert.ok(records > 0, 'some mutated datagrams still decode');
    // a hang would show as seconds; single slow calls of a few tens of ms are GC pauses on a shared machine
    times.sort((a, b) => a - b);
    const median = times[times.length >> 1] as number;
    assert.ok(worst < 250, `slowest decode ${worst.toFixed(1)} ms`);
    assert.ok(median < 2, `median decode ${median.toFixed(3)} ms`);
    const dropped = Object.values(d.stats.drops).reduce((a, b) => a + b, 0);
    assert.ok(dropped > 0, 'malformed input is counted');
  });

  test('template flood: 100,000 distinct templates from one exporter stay within the per-exporter cap; evictions counted', () => {
    const d = new NetflowDecoder({ maxTemplatesPerExporter: 100 });
    for (let i = 0; i < 1000; i++) {
      // one IPFIX message with a template set of 100 one-field templates
      const tpl: number[] = [];
      for (let k = 0; k < 100; k++) tpl.push(256 + ((i * 100 + k) % 65280), 1, 8, 4);
      const setLen = 4 + tpl.length * 2;
      const b = Buffer.alloc(16 + setLen);
      b.writeUInt16BE(10, 0);
      b.writeUInt16BE(b.length, 2);
      b.writeUInt16BE(2, 16);
      b.writeUInt16BE(setLen, 18);
      tpl.forEach((v, j) => b.writeUInt16BE(v, 20 + j * 2));
      d.decode(b, '198.51.100.1', i, []);
      assert.ok(d.templates.templatesOf('198.51.100.1') <= 100);
    }
    assert.equal(d.templates.size(), 100);
    assert.ok(d.stats.templatesEvicted >= 99_000);
  });

  test('exporter flood: 50,000 exporter addresses keep at most max_exporters; evictions counted', () => {
    const d = new NetflowDecoder({ maxExporters: 50 });
    const b = Buffer.alloc(16 + 12);
    b.writeUInt16BE(10, 0);
    b.writeUInt16BE(b.length, 2);
    b.writeUInt16BE(2, 16);
    b.writeUInt16BE(12, 18);
    b.writeUInt16BE(300, 20);
    b.writeUInt16BE(1, 22);
    b.writeUInt16BE(8, 24);
    b.writeUInt16BE(4, 26);
    for (let i = 0; i < 50_000; i++) d.decode(b, `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, i, []);
    assert.equal(d.templates.exporterCount(), 50);
    assert.equal(d.templates.size(), 50);
    assert.equal(d.stats.exportersEvicted, 50_000 - 50);
  });

  test('every truncation of every seed datagram decodes without an internal failure', async () => {
    const seeds = (await corpus()).filter((_, i) => i % 7 === 0);
    const d = new NetflowDecoder();
    for (const s of seeds) {
      for (let n = 0; n <= s.length; n += 3) d.decode(s.subarray(0, n), '203.0.113.1', 0, []);
    }
    assert.equal(d.stats.drops.decoder_error, 0);
  });
});
