import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { CaptureFlows } from '../../sources/pcap/import.js';
import { CaptureReader, PcapFormatError } from './reader.js';
import { writePcap } from './write.js';

/*
 * Mutated real captures (truncations, bit flips, huge length fields, spliced garbage) through the reader and the
 * importer's decode/flow/notable stage: the only exception allowed out is a PcapFormatError with a reason, the
 * reader never holds more than its record cap plus one chunk, and every file finishes within a time bound.
 */

const DATA = new URL('../../../../shared/data/', import.meta.url);
const FILES = ['captures/scan/scan-sS.pcap', 'captures/flow/all-attacks.pcap', 'esnet-curated-pcaps/nmap_80_w_service_detection.pcap', 'captures/ssh/ssh-bruteforce.pcap'].map((r) =>
  readFileSync(fileURLToPath(new URL(r, DATA))),
);

/** xorshift32: the same mutations on every run */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 4294967296;
  };
}

const MAX_RECORD = 128 * 1024;
const CHUNK = 16 * 1024;

function mutate(src: Buffer, r: () => number): Buffer {
  const b = Buffer.from(src);
  const kind = Math.floor(r() * 5);
  const at = (): number => Math.floor(r() * b.length);
  if (kind === 0) return b.subarray(0, at());
  if (kind === 1) {
    for (let i = 0; i < 1 + Math.floor(r() * 40); i++) {
      const p = at();
      b[p] = (b[p] as number) ^ (1 << Math.floor(r() * 8));
    }
    return b;
  }
  if (kind === 2) {
    // a huge or odd 32-bit length somewhere (record caplen, block length, option length)
    const p = at() & ~3;
    const v = [0xffffffff, 0x7fffffff, MAX_RECORD + 1, 13, 0, 8][Math.floor(r() * 6)] as number;
    if (p + 4 <= b.length) b.writeUInt32LE(v, p);
    return b;
  }
  if (kind === 3) {
    const p = at();
    const junk = Buffer.alloc(1 + Math.floor(r() * 300));
    for (let i = 0; i < junk.length; i++) junk[i] = Math.floor(r() * 256);
    return Buffer.concat([b.subarray(0, p), junk, b.subarray(p)]);
  }
  // overwrite a run with random bytes
  const p = at();
  for (let i = p; i < Math.min(b.length, p + 64); i++) b[i] = Math.floor(r() * 256);
  return b;
}

function run(bytes: Buffer): { packets: number; maxBuffered: number; error?: PcapFormatError } {
  const reader = new CaptureReader({ maxRecord: MAX_RECORD });
  const cf = new CaptureFlows({ internalNetworks: ['10.0.0.0/8'], flows: { maxFlows: 2000 }, notable: { maxKeys: 500 } });
  let packets = 0;
  let maxBuffered = 0;
  try {
    for (let i = 0; i < bytes.length; i += CHUNK) {
      const batch = reader.push(bytes.subarray(i, i + CHUNK));
      maxBuffered = Math.max(maxBuffered, reader.buffered);
      packets += batch.length;
      cf.packets(batch);
      cf.take();
    }
    reader.end();
  } catch (err) {
    if (err instanceof PcapFormatError) return { packets, maxBuffered, error: err };
    throw err;
  } finally {
    cf.finish();
    cf.take();
  }
  return { packets, maxBuffered };
}

test('240 mutated captures: only format errors with a reason, bounded buffering, bounded time', () => {
  const r = rng(0x5eed);
  let errors = 0;
  let read = 0;
  for (let i = 0; i < 240; i++) {
    const src = FILES[i % FILES.length] as Buffer;
    const m = mutate(src, r);
    const started = performance.now();
    const out = run(m);
    const ms = performance.now() - started;
    assert.ok(ms < 5000, `mutation ${i} took ${ms.toFixed(0)} ms`);
    assert.ok(out.maxBuffered <= MAX_RECORD + CHUNK, `mutation ${i} buffered ${out.maxBuffered} bytes`);
    if (out.error) {
      errors++;
      assert.equal(out.error.code, 'VIGIL_ERR_PCAP_FORMAT');
      assert.ok(out.error.message.length > 10);
    }
    read += out.packets;
  }
  // both outcomes happen: most mutations still yield packets, many are refused with a reason
  assert.ok(errors > 30 && errors < 240, `errors ${errors}`);
  assert.ok(read > 60_000, `packets ${read}`);
});

test('hostile packets inside a valid file: every link type, random bytes, time stamps jumping back and forth', () => {
  const r = rng(42);
  for (const linkType of [0, 1, 12, 14, 101, 108, 113, 228, 229, 276, 147]) {
    const packets = Array.from({ length: 3000 }, (_, i) => {
      const data = new Uint8Array(Math.floor(r() * 120));
      for (let j = 0; j < data.length; j++) data[j] = Math.floor(r() * 256);
      // IP versions often right, so decoding goes deep
      if (data.length > 20 && r() < 0.7) data[linkType === 1 ? 14 : linkType === 113 ? 16 : linkType === 276 ? 20 : linkType === 0 || linkType === 108 ? 4 : 0] = r() < 0.5 ? 0x45 : 0x60;
      return { tsUs: 1_700_000_000_000_000 + (i % 2 === 0 ? i : -i) * 3_000_000, data };
    });
    const started = performance.now();
    const out = run(writePcap(packets, { linkType }));
    assert.equal(out.error, undefined);
    assert.equal(out.packets, 3000);
    assert.ok(performance.now() - started < 5000);
  }
});
