import { open } from 'node:fs/promises';
import { decodePacket, newDecoded, PROTO } from './decode.js';
import { CaptureReader, type CapturedPacket } from './reader.js';

/** bytes read from the file at a time */
export const READ_CHUNK = 256 * 1024;

/** Reads a capture file in chunks, yielding the packets of each chunk (bounded memory: one chunk plus one record). */
export async function* readCaptureFile(path: string, opts: { maxRecord?: number; chunk?: number } = {}): AsyncGenerator<CapturedPacket[], CaptureReader> {
  const reader = new CaptureReader(opts.maxRecord !== undefined ? { maxRecord: opts.maxRecord } : {});
  const fh = await open(path, 'r');
  try {
    const size = opts.chunk ?? READ_CHUNK;
    for (;;) {
      // a fresh buffer per read: the packets handed out are views into it
      const buf = Buffer.allocUnsafe(size);
      const { bytesRead } = await fh.read(buf, 0, size, null);
      if (bytesRead === 0) break;
      const packets = reader.push(buf.subarray(0, bytesRead));
      if (packets.length > 0) yield packets;
    }
    reader.end();
    return reader;
  } finally {
    await fh.close();
  }
}

/** Every packet of an in-memory capture (tests, fuzzing). */
export function capturePackets(bytes: Uint8Array, opts: { maxRecord?: number } = {}): { packets: CapturedPacket[]; reader: CaptureReader } {
  const reader = new CaptureReader(opts);
  const packets = reader.push(bytes);
  reader.end();
  return { packets, reader };
}

export interface UdpDatagram {
  /** capture time, microseconds since the epoch */
  tsUs: number;
  src: string;
  srcPort: number;
  dst: string;
  dstPort: number;
  /** the UDP payload as captured (a copy) */
  payload: Buffer;
}

/** The UDP datagrams of a capture file, in order (first fragments only: a fragmented datagram is cut at the capture). */
export async function* udpDatagrams(path: string): AsyncGenerator<UdpDatagram> {
  const p = newDecoded();
  for await (const batch of readCaptureFile(path)) {
    for (const pkt of batch) {
      if (decodePacket(pkt.linkType, pkt.data, p) !== 'ok' || p.proto !== PROTO.udp || !p.hasPorts) continue;
      yield { tsUs: pkt.tsUs, src: p.src, srcPort: p.srcPort, dst: p.dst, dstPort: p.dstPort, payload: Buffer.from(pkt.data.subarray(p.payloadOffset, p.payloadOffset + p.payloadLength)) };
    }
  }
}
