/*
 * Capture writers (classic pcap in either byte order and time resolution, pcapng in either byte order with a chosen
 * if_tsresol): used by tests to re-encode real captures in every form the reader accepts, and by the fuzz test.
 */

export interface PacketToWrite {
  tsUs: number;
  data: Uint8Array;
  origLen?: number;
}

export function writePcap(packets: readonly PacketToWrite[], opts: { linkType: number; littleEndian?: boolean; nanos?: boolean; snapLen?: number }): Buffer {
  const le = opts.littleEndian ?? true;
  const parts: Buffer[] = [];
  const h = Buffer.alloc(24);
  const w32 = (b: Buffer, v: number, at: number): void => void (le ? b.writeUInt32LE(v >>> 0, at) : b.writeUInt32BE(v >>> 0, at));
  const w16 = (b: Buffer, v: number, at: number): void => void (le ? b.writeUInt16LE(v, at) : b.writeUInt16BE(v, at));
  w32(h, opts.nanos ? 0xa1b23c4d : 0xa1b2c3d4, 0);
  w16(h, 2, 4);
  w16(h, 4, 6);
  w32(h, opts.snapLen ?? 262144, 16);
  w32(h, opts.linkType, 20);
  parts.push(h);
  for (const p of packets) {
    const r = Buffer.alloc(16);
    const sec = Math.floor(p.tsUs / 1e6);
    const us = p.tsUs - sec * 1e6;
    w32(r, sec, 0);
    w32(r, Math.round(opts.nanos ? us * 1000 : us), 4);
    w32(r, p.data.length, 8);
    w32(r, p.origLen ?? p.data.length, 12);
    parts.push(r, Buffer.from(p.data));
  }
  return Buffer.concat(parts);
}

function pad4(n: number): number {
  return (n + 3) & ~3;
}

export interface PcapngOptions {
  linkType: number;
  littleEndian?: boolean;
  /** if_tsresol byte (default 6: microseconds); 9 = nanoseconds, 0x80|n = 2^-n */
  tsresol?: number;
  /** write packets as simple packet blocks (no time stamps) */
  simple?: boolean;
  /** put an unknown block (type 0x0BAD) and a name resolution block between packets */
  junkBlocks?: boolean;
}

export function writePcapng(packets: readonly PacketToWrite[], opts: PcapngOptions): Buffer {
  const le = opts.littleEndian ?? true;
  const block = (type: number, body: Buffer): Buffer => {
    const len = 12 + pad4(body.length);
    const b = Buffer.alloc(len);
    const w = (v: number, at: number): void => void (le ? b.writeUInt32LE(v >>> 0, at) : b.writeUInt32BE(v >>> 0, at));
    w(type, 0);
    w(len, 4);
    body.copy(b, 8);
    w(len, len - 4);
    return b;
  };
  const u32 = (v: number): Buffer => {
    const b = Buffer.alloc(4);
    if (le) b.writeUInt32LE(v >>> 0);
    else b.writeUInt32BE(v >>> 0);
    return b;
  };
  const u16 = (v: number): Buffer => {
    const b = Buffer.alloc(2);
    if (le) b.writeUInt16LE(v);
    else b.writeUInt16BE(v);
    return b;
  };
  const parts: Buffer[] = [];
  // SHB: byte-order magic, version 1.0, section length -1
  parts.push(block(0x0a0d0d0a, Buffer.concat([u32(0x1a2b3c4d), u16(1), u16(0), Buffer.alloc(8, 0xff)])));
  const res = opts.tsresol ?? 6;
  const opt = Buffer.concat([u16(9), u16(1), Buffer.from([res, 0, 0, 0]), u16(0), u16(0)]);
  parts.push(block(1, Buffer.concat([u16(opts.linkType), u16(0), u32(262144), opt])));
  const unitsPerS = res & 0x80 ? 2 ** (res & 0x7f) : 10 ** res;
  packets.forEach((p, i) => {
    if (opts.junkBlocks && i % 3 === 1) {
      parts.push(block(0x0bad, Buffer.from('unknown block body')));
      parts.push(block(4, Buffer.concat([u16(0), u16(0)])));
    }
    const data = Buffer.concat([Buffer.from(p.data), Buffer.alloc(pad4(p.data.length) - p.data.length)]);
    if (opts.simple) {
      parts.push(block(3, Buffer.concat([u32(p.origLen ?? p.data.length), data])));
      return;
    }
    const units = BigInt(Math.round((p.tsUs / 1e6) * 1e6)) * BigInt(Math.round(unitsPerS)) / 1_000_000n;
    const hi = Number(units >> 32n);
    const lo = Number(units & 0xffffffffn);
    parts.push(block(6, Buffer.concat([u32(0), u32(hi), u32(lo), u32(p.data.length), u32(p.origLen ?? p.data.length), data])));
  });
  return Buffer.concat(parts);
}
