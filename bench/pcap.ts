import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { CaptureReader } from '../src/codecs/pcap/reader.js';
import { CaptureFlows } from '../src/sources/pcap/import.js';

/**
 * BENCH_ONLY=pcap: decode + flow aggregation + notable packets (the importer's work without the store) of
 * scan-sS.pcap and all-attacks.pcap (pcapng), each file held in memory and replayed in 64 KiB chunks in a loop for
 * BENCH_PCAP_SECONDS (default 5) per file; packets/s and flows/s on one core, CPU time and peak RSS.
 */
const DATA = new URL('../../shared/data/', import.meta.url);
const FILES = ['captures/scan/scan-sS.pcap', 'captures/flow/all-attacks.pcap'];
const CHUNK = 64 * 1024;

type Log = (s: string) => void;
const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

function once(bytes: Buffer): { packets: number; flows: number; events: number } {
  const reader = new CaptureReader();
  const cf = new CaptureFlows({ internalNetworks: ['10.0.0.0/8', '127.0.0.0/8'] });
  let packets = 0;
  let events = 0;
  for (let i = 0; i < bytes.length; i += CHUNK) {
    const batch = reader.push(bytes.subarray(i, i + CHUNK));
    packets += batch.length;
    cf.packets(batch);
    events += cf.take().length;
  }
  reader.end();
  cf.finish();
  events += cf.take().length;
  return { packets, flows: cf.table.stats.flows, events };
}

export function benchPcap(log: Log): void {
  const seconds = Number(process.env['BENCH_PCAP_SECONDS'] ?? 5);
  log(`pcap: load average before ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  let peak = 0;
  for (const rel of FILES) {
    const bytes = readFileSync(fileURLToPath(new URL(rel, DATA)));
    // warm-up
    for (let i = 0; i < 3; i++) once(bytes);
    let packets = 0;
    let flows = 0;
    let events = 0;
    let loops = 0;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    while (performance.now() - t0 < seconds * 1000) {
      const r = once(bytes);
      packets += r.packets;
      flows += r.flows;
      events += r.events;
      loops++;
      peak = Math.max(peak, process.memoryUsage().rss);
    }
    const s = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const cpuS = (cpu.user + cpu.system) / 1e6;
    log(
      `pcap: ${rel.split('/').pop() ?? rel} (${fmt(bytes.length)} bytes) x${loops} in ${s.toFixed(1)} s: ${fmt(packets / s)} packets/s, ${fmt(flows / s)} flows/s, ${fmt(events / s)} events/s ` +
        `(${fmt(packets / cpuS)} packets per CPU-second; ${fmt(bytes.length * loops / s / 2 ** 20)} MiB/s)`,
    );
  }
  log(`pcap: peak RSS ${Math.round(peak / 2 ** 20)} MiB; load average after ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
}
