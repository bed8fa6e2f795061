import { ipv4At, readUint } from './fields.js';
import { newRecord, type FlowRecord } from './types.js';

export const V5_HEADER = 24;
export const V5_RECORD = 48;

/**
 * NetFlow v5: a 24-byte header and up to 30 fixed 48-byte records. FIRST/LAST are sysUptime milliseconds, made
 * absolute with the header's unix_secs/unix_nsecs and sysUptime (signed 32-bit difference, so an uptime that
 * wrapped between the flow and the export still gives the right time). Returns the records read and whether the
 * header's count promised more than the datagram holds.
 */
export function decodeV5(b: Uint8Array, exporter: string, out: FlowRecord[]): { records: number; short: boolean } {
  const count = readUint(b, 2, 2);
  const uptime = readUint(b, 4, 4);
  const exportMs = readUint(b, 8, 4) * 1000 + Math.floor(readUint(b, 12, 4) / 1_000_000);
  const engine = readUint(b, 20, 2);
  const sampling = readUint(b, 22, 2);
  const interval = sampling & 0x3fff;
  const fit = Math.min(count, Math.floor((b.length - V5_HEADER) / V5_RECORD));
  for (let i = 0; i < fit; i++) {
    const o = V5_HEADER + i * V5_RECORD;
    const r = newRecord(5, exporter, engine, 0, exportMs);
    r.ipVersion = 4;
    r.srcAddr = ipv4At(b, o);
    r.dstAddr = ipv4At(b, o + 4);
    r.nextHop = ipv4At(b, o + 8);
    r.inIf = readUint(b, o + 12, 2);
    r.outIf = readUint(b, o + 14, 2);
    r.packets = readUint(b, o + 16, 4);
    r.bytes = readUint(b, o + 20, 4);
    r.startMs = exportMs - ((uptime - readUint(b, o + 24, 4)) | 0);
    r.endMs = exportMs - ((uptime - readUint(b, o + 28, 4)) | 0);
    r.srcPort = readUint(b, o + 32, 2);
    r.dstPort = readUint(b, o + 34, 2);
    r.tcpFlags = b[o + 37];
    r.protocol = b[o + 38];
    r.tos = b[o + 39];
    r.srcMask = b[o + 44];
    r.dstMask = b[o + 45];
    if (interval > 1) r.samplingInterval = interval;
    out.push(r);
  }
  return { records: fit, short: fit < count };
}
