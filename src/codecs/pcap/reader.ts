import { VigilError } from '../../core/errors.js';

/*
 * Capture file reader: classic pcap (both byte orders, micro- and nanosecond magic) and pcapng (section header in
 * both byte orders, interface descriptions with if_tsresol/if_tsoffset, enhanced, simple and obsolete packet blocks;
 * every other block is skipped). It is a push parser: feed it chunks of the file in order and it returns the packets
 * they complete. It never holds more than one record plus one chunk, and a record or block longer than `maxRecord`
 * is a format error with a reason, never an allocation.
 */

export const PCAP_MAGIC_US = 0xa1b2c3d4;
export const PCAP_MAGIC_NS = 0xa1b23c4d;
export const PCAPNG_SHB = 0x0a0d0d0a;
const PCAPNG_BOM = 0x1a2b3c4d;
const BLOCK_IDB = 1;
const BLOCK_OPB = 2;
const BLOCK_SPB = 3;
const BLOCK_EPB = 6;
/** default cap on one record or block: 256 KiB of packet (tcpdump's largest snaplen) plus headers, rounded up */
export const DEFAULT_MAX_RECORD = 1 << 20;
const MAX_INTERFACES = 4096;

export class PcapFormatError extends VigilError {
  constructor(message: string) {
    super('VIGIL_ERR_PCAP_FORMAT', message);
    this.name = 'PcapFormatError';
  }
}

export interface CapturedPacket {
  /** link-layer header type (LINKTYPE_*) of the packet's interface */
  linkType: number;
  /** capture time, microseconds since the epoch (fractions kept for nanosecond captures) */
  tsUs: number;
  /** the captured bytes (a view: valid until the next push) */
  data: Uint8Array;
  /** length of the packet on the wire */
  origLen: number;
  /** pcapng interface id (0 for classic pcap) */
  iface: number;
}

export type CaptureFormat = 'pcap' | 'pcapng';

interface Iface {
  linkType: number;
  snapLen: number;
  /** timestamp units per microsecond, and per second (exact, for 64-bit time stamps beyond 2^53) */
  unitsPerUs: number;
  unitsPerS: bigint;
  /** seconds added to every timestamp */
  offsetS: number;
}

/** Which capture format a file's first four bytes announce, or undefined. */
export function captureFormat(head: Uint8Array): CaptureFormat | undefined {
  if (head.length < 4) return undefined;
  const dv = new DataView(head.buffer, head.byteOffset, 4);
  const be = dv.getUint32(0, false);
  const le = dv.getUint32(0, true);
  if (be === PCAPNG_SHB) return 'pcapng';
  if (be === PCAP_MAGIC_US || le === PCAP_MAGIC_US || be === PCAP_MAGIC_NS || le === PCAP_MAGIC_NS) return 'pcap';
  return undefined;
}

export interface ReaderStats {
  packets: number;
  /** pcapng blocks skipped (unknown types, name resolution, statistics …) */
  skippedBlocks: number;
  /** packets whose interface id named no interface */
  badInterface: number;
  bytesRead: number;
}

/** A pcapng 64-bit time stamp in microseconds; exact (through BigInt) when the count is beyond 2^53. */
function pcapngTime(hi: number, lo: number, iface: Iface): number {
  const offUs = iface.offsetS * 1e6;
  if (hi < 0x200000) return (hi * 4294967296 + lo) / iface.unitsPerUs + offUs;
  const v = (BigInt(hi) << 32n) | BigInt(lo);
  const s = v / iface.unitsPerS;
  return Number(s) * 1e6 + Number(v - s * iface.unitsPerS) / iface.unitsPerUs + offUs;
}

export class CaptureReader {
  private buf: Uint8Array = new Uint8Array(0);
  private pos = 0;
  private format: CaptureFormat | undefined;
  private le = true;
  private headerDone = false;
  private readonly ifaces: Iface[] = [];
  private readonly maxRecord: number;
  readonly stats: ReaderStats = { packets: 0, skippedBlocks: 0, badInterface: 0, bytesRead: 0 };

  constructor(opts: { maxRecord?: number } = {}) {
    this.maxRecord = opts.maxRecord ?? DEFAULT_MAX_RECORD;
  }

  /** bytes held between pushes (at most one record or block plus one chunk) */
  get buffered(): number {
    return this.buf.length - this.pos;
  }

  get detected(): CaptureFormat | undefined {
    return this.format;
  }

  /** Adds the next chunk of the file; returns the packets it completes (views into the reader's buffer). */
  push(chunk: Uint8Array): CapturedPacket[] {
    this.stats.bytesRead += chunk.length;
    const rest = this.buf.length - this.pos;
    if (rest === 0) this.buf = chunk;
    else {
      const b = new Uint8Array(rest + chunk.length);
      b.set(this.buf.subarray(this.pos), 0);
      b.set(chunk, rest);
      this.buf = b;
    }
    this.pos = 0;
    const out: CapturedPacket[] = [];
    for (;;) {
      const p = this.format === 'pcapng' ? this.nextBlock(out) : this.nextPcap(out);
      if (!p) break;
    }
    return out;
  }

  /** Call at end of file: a partial record left over is an error with its offset. */
  end(): void {
    const rest = this.buf.length - this.pos;
    if (this.format === undefined && rest === 0) throw new PcapFormatError('empty file: not a pcap or pcapng capture');
    if (rest > 0) throw new PcapFormatError(`truncated capture: ${rest} byte(s) of an incomplete ${this.format === 'pcapng' ? 'block' : 'record'} at the end`);
  }

  private view(at: number, len: number): DataView {
    return new DataView(this.buf.buffer, this.buf.byteOffset + at, len);
  }

  /** Classic pcap: global header, then (16-byte header + data) records. Returns false when it needs more bytes. */
  private nextPcap(out: CapturedPacket[]): boolean {
    const avail = this.buf.length - this.pos;
    if (!this.headerDone) {
      if (avail < 4) return false;
      const fmt = captureFormat(this.buf.subarray(this.pos, this.pos + 4));
      if (fmt === undefined) throw new PcapFormatError('not a pcap or pcapng capture (unknown magic number)');
      this.format = fmt;
      if (fmt === 'pcapng') return this.nextBlock(out);
      if (avail < 24) return false;
      const dv = this.view(this.pos, 24);
      const be = dv.getUint32(0, false);
      this.le = !(be === PCAP_MAGIC_US || be === PCAP_MAGIC_NS);
      const ns = (this.le ? dv.getUint32(0, true) : be) === PCAP_MAGIC_NS;
      const snapLen = dv.getUint32(16, this.le);
      // the upper bits of the link-type field carry FCS information (pcap-linktype(7)); the type is the low 16 bits
      const linkType = dv.getUint32(20, this.le) & 0xffff;
      this.ifaces.push({ linkType, snapLen, unitsPerUs: ns ? 1000 : 1, unitsPerS: ns ? 1_000_000_000n : 1_000_000n, offsetS: 0 });
      this.pos += 24;
      this.headerDone = true;
      return true;
    }
    if (avail < 16) return false;
    const dv = this.view(this.pos, 16);
    const sec = dv.getUint32(0, this.le);
    const frac = dv.getUint32(4, this.le);
    const capLen = dv.getUint32(8, this.le);
    const origLen = dv.getUint32(12, this.le);
    if (capLen > this.maxRecord) throw new PcapFormatError(`record at byte ${this.stats.bytesRead - avail} claims ${capLen} captured bytes, over the ${this.maxRecord}-byte cap`);
    if (avail < 16 + capLen) return false;
    const iface = this.ifaces[0] as Iface;
    out.push({ linkType: iface.linkType, tsUs: sec * 1e6 + frac / iface.unitsPerUs, data: this.buf.subarray(this.pos + 16, this.pos + 16 + capLen), origLen, iface: 0 });
    this.stats.packets++;
    this.pos += 16 + capLen;
    return true;
  }

  /** pcapng: one block. Returns false when it needs more bytes. */
  private nextBlock(out: CapturedPacket[]): boolean {
    const avail = this.buf.length - this.pos;
    if (avail < 12) return false;
    const head = this.view(this.pos, 12);
    const typeBe = head.getUint32(0, false);
    if (typeBe === PCAPNG_SHB) {
      const bom = head.getUint32(8, false);
      if (bom === PCAPNG_BOM) this.le = false;
      else if (head.getUint32(8, true) === PCAPNG_BOM) this.le = true;
      else throw new PcapFormatError(`section header at byte ${this.stats.bytesRead - avail} has no byte-order magic`);
      // a new section: its interfaces start again from 0
      this.ifaces.length = 0;
      this.format = 'pcapng';
      this.headerDone = true;
    } else if (this.format !== 'pcapng') throw new PcapFormatError('pcapng file does not start with a section header block');
    const type = head.getUint32(0, this.le);
    const len = head.getUint32(4, this.le);
    if (len < 12 || len % 4 !== 0) throw new PcapFormatError(`block of type ${type} at byte ${this.stats.bytesRead - avail} has an invalid length ${len}`);
    if (len > this.maxRecord) throw new PcapFormatError(`block of type ${type} at byte ${this.stats.bytesRead - avail} is ${len} bytes, over the ${this.maxRecord}-byte cap`);
    if (avail < len) return false;
    const dv = this.view(this.pos, len);
    if (dv.getUint32(len - 4, this.le) !== len) throw new PcapFormatError(`block of type ${type} at byte ${this.stats.bytesRead - avail}: trailing length differs from ${len}`);
    const body = len - 12;
    if (type === BLOCK_IDB) this.readIdb(dv, body);
    else if (type === BLOCK_EPB || type === BLOCK_OPB) {
      if (body >= 20) {
        const id = type === BLOCK_EPB ? dv.getUint32(8, this.le) : dv.getUint16(8, this.le);
        const hi = dv.getUint32(12, this.le);
        const lo = dv.getUint32(16, this.le);
        const capLen = dv.getUint32(20, this.le);
        const origLen = dv.getUint32(24, this.le);
        const iface = this.ifaces[id];
        if (capLen > body - 20) throw new PcapFormatError(`packet block at byte ${this.stats.bytesRead - avail}: captured length ${capLen} exceeds its block`);
        if (iface === undefined) this.stats.badInterface++;
        else {
          out.push({ linkType: iface.linkType, tsUs: pcapngTime(hi, lo, iface), data: this.buf.subarray(this.pos + 28, this.pos + 28 + capLen), origLen, iface: id });
          this.stats.packets++;
        }
      }
    } else if (type === BLOCK_SPB) {
      const iface = this.ifaces[0];
      if (body >= 4 && iface !== undefined) {
        const origLen = dv.getUint32(8, this.le);
        let capLen = Math.min(origLen, body - 4);
        if (iface.snapLen > 0) capLen = Math.min(capLen, iface.snapLen);
        // simple packet blocks carry no time stamp
        out.push({ linkType: iface.linkType, tsUs: 0, data: this.buf.subarray(this.pos + 12, this.pos + 12 + capLen), origLen, iface: 0 });
        this.stats.packets++;
      } else this.stats.badInterface++;
    } else if (typeBe !== PCAPNG_SHB) this.stats.skippedBlocks++;
    this.pos += len;
    return true;
  }

  private readIdb(dv: DataView, body: number): void {
    if (body < 8) throw new PcapFormatError('interface description block shorter than 8 bytes');
    if (this.ifaces.length >= MAX_INTERFACES) throw new PcapFormatError(`more than ${MAX_INTERFACES} interfaces in one section`);
    const iface: Iface = { linkType: dv.getUint16(8, this.le), snapLen: dv.getUint32(12, this.le), unitsPerUs: 1, unitsPerS: 1_000_000n, offsetS: 0 };
    // options: code u16, length u16, value padded to 4 bytes; opt_endofopt (0) ends them
    let at = 16;
    const end = 8 + body;
    while (at + 4 <= end) {
      const code = dv.getUint16(at, this.le);
      const olen = dv.getUint16(at + 2, this.le);
      if (code === 0 || at + 4 + olen > end) break;
      if (code === 9 && olen >= 1) {
        const r = dv.getUint8(at + 4);
        const exp = r & 0x7f;
        // MSB clear: 10^-exp seconds per unit; set: 2^-exp
        iface.unitsPerS = r & 0x80 ? 2n ** BigInt(Math.min(exp, 63)) : 10n ** BigInt(Math.min(exp, 18));
        iface.unitsPerUs = Number(iface.unitsPerS) / 1e6;
      } else if (code === 14 && olen >= 8) {
        iface.offsetS = Number(dv.getBigInt64(at + 4, this.le));
      }
      at += 4 + ((olen + 3) & ~3);
    }
    this.ifaces.push(iface);
  }
}
