import { cpus, totalmem, tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchStoreIngest } from './store-ingest.js';
import { benchSearch } from './search.js';
import { benchFail2banRegex, benchParse, openSshLines } from './parse.js';
import { benchSyslog } from './syslog.js';
import { benchSigma } from './sigma.js';
import { benchDetectLatency } from './detect-latency.js';
import { benchNetflow } from './netflow.js';
import { benchPcap } from './pcap.js';
import { calibrate } from './calibrate.js';

/**
 * npm run bench — store ingest and search benchmarks on the fixed corpus.
 * BENCH_EVENTS (default 20,000,000), BENCH_DIR (default $TMPDIR/vigil-bench), BENCH_ONLY=parse|ingest|search|syslog|sigma|netflow|pcap
 * (syslog runs only when named: it needs loggen, see bench/syslog.ts),
 * BENCH_SEAL_EVENTS (partition size; a huge value measures the append-only hot path without sealing).
 */
const total = Number(process.env['BENCH_EVENTS'] ?? 20_000_000);
const dir = process.env['BENCH_DIR'] ?? join(tmpdir(), 'vigil-bench');
const only = process.env['BENCH_ONLY'];
const log = (s: string): void => void process.stdout.write(`${s}\n`);

log(`machine: ${cpus().length} x ${cpus()[0]?.model ?? '?'}, ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}`);
const speed = calibrate();
log(`machine speed now: 100,000 JSON.stringify of a syslog event ${speed.jsonMs.toFixed(0)} ms, SHA-256 of 64 MiB ${speed.sha256Ms.toFixed(0)} ms (lower is faster; compare runs at similar figures)`);
// 30 days of events ending now, so "the last 7 days" holds about a quarter of them
const spanMs = 30 * 86_400_000;
const stepMs = spanMs / total;
const start = Date.now() - spanMs;
if (only === undefined || only === 'parse') {
  const lines = openSshLines(200_000);
  if (lines) {
    const ours = benchParse(lines, log);
    const theirs = benchFail2banRegex(lines, log);
    if (theirs !== undefined) log(`parse vs fail2ban-regex: ${(ours / theirs).toFixed(1)}x the lines per second`);
  } else log('parse: ../shared/data/loghub is not beside the checkout; skipped');
}
if (only === undefined || only === 'ingest') {
  log(`store ingest: ${total} events into ${dir}`);
  const sealEvents = process.env['BENCH_SEAL_EVENTS'] ? Number(process.env['BENCH_SEAL_EVENTS']) : undefined;
  const r = await benchStoreIngest(dir, total, { batch: 10_000, window: Math.max(100_000, Math.floor(total / 20)), stepMs, start, log, ...(sealEvents ? { sealEvents } : {}) });
  log(`store ingest: ${r.events} events in ${r.seconds.toFixed(1)} s = ${r.overallRate} ev/s overall; first window ${r.firstRate} ev/s, last ${r.lastRate} ev/s (${((1 - r.lastRate / r.firstRate) * 100).toFixed(1)}% slower); peak RSS ${r.peakRssMiB} MiB; avg event ${r.avgEventBytes} bytes`);
}
if (only === undefined || only === 'search') {
  await benchSearch(join(dir, 'store'), log);
}
if (only === 'syslog') await benchSyslog(log);
if (only === 'latency') await benchDetectLatency(log); // only when named: it runs for ~35 s at 10,000 events/s
if (only === undefined || only === 'sigma') benchSigma(log);
if (only === undefined || only === 'netflow') await benchNetflow(log);
if (only === undefined || only === 'pcap') benchPcap(log);
