import { readdirSync, readFileSync } from 'node:fs';
import { udpDatagrams } from '../../pcap/index.js';
import { NetflowDecoder } from '../decoder.js';
import type { DecoderLimits, FlowRecord } from '../types.js';

/** Test support: the shared data folder, the datagrams of a capture, and flows the way nfdump prints them. */
export const DATA = new URL('../../../../../shared/data/', import.meta.url);

export interface Datagram {
  src: string;
  /** capture time, ms since the epoch */
  ts: number;
  payload: Uint8Array;
}

/** The UDP payloads of a pcap/pcapng file, through the pcap codec's reader. */
export async function pcapDatagrams(url: URL): Promise<Datagram[]> {
  const out: Datagram[] = [];
  for await (const d of udpDatagrams(url.pathname)) out.push({ src: d.src, ts: Math.floor(d.tsUs / 1000), payload: d.payload });
  return out;
}

/** `raw/dgram-NNNN.bin` of a capture folder, in order (each file one datagram, as the UDP tee received it). */
export function rawDatagrams(url: URL): Uint8Array[] {
  return readdirSync(url)
    .filter((f) => /^dgram-\d+\.bin$/.test(f))
    .sort()
    .map((f) => readFileSync(new URL(f, url)));
}

/** Decodes datagrams in order with one decoder, as one collector would. */
export function decodeAll(payloads: readonly Uint8Array[], exporter = '127.0.0.1', limits: Partial<DecoderLimits> = {}): { records: FlowRecord[]; decoder: NetflowDecoder } {
  const decoder = new NetflowDecoder(limits);
  const records: FlowRecord[] = [];
  for (const p of payloads) decoder.decode(p, exporter, 0, records);
  return { records, decoder };
}

/** nfdump's `%flg`: C E U A P R S F, a dot for each flag not set. */
export function nfdumpFlags(v: number): string {
  const names = 'CEUAPRSF';
  let s = '';
  for (let i = 0; i < 8; i++) s += v & (0x80 >> i) ? names[i] : '.';
  return s;
}

/** `YYYY-MM-DD HH:MM:SS.mmm` in UTC, as the reference CSVs were written. */
export function nfdumpTime(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
}

/** A record as one line of the reference CSVs: `%ts,%te,%td,%pr,%sa,%sp,%da,%dp,%flg,%pkt,%byt`. */
export function nfdumpLine(r: FlowRecord, times: { start: number; end: number } = { start: r.startMs ?? 0, end: r.endMs ?? 0 }): string {
  const td = ((times.end - times.start) / 1000).toFixed(3);
  return [nfdumpTime(times.start), nfdumpTime(times.end), td, r.protocol, r.srcAddr, r.srcPort, r.dstAddr, r.dstPort, nfdumpFlags(r.tcpFlags ?? 0), r.packets, r.bytes].join(',');
}

export function csvLines(url: URL): string[] {
  return readFileSync(url, 'utf8').split('\n').filter((l) => l.length > 0);
}
