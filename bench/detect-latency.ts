import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pipeline } from '../src/core/pipeline.js';
import { Telemetry } from '../src/core/telemetry.js';
import { DetectionEngine } from '../src/detect/engine.js';
import { loadRuleSet } from '../src/detect/ruleset.js';
import { LineParser } from '../src/parsers/line.js';
import { getPath, type EcsEvent } from '../src/schema/event.js';
import { SqliteStore } from '../src/store/sqlite/index.js';

/**
 * BENCH_ONLY=latency: detection latency, from an event received to its alert stored. The real pipeline (parser,
 * detection engine with the shipped rules, SQLite store with sync=full as `vigil serve`) in this process takes
 * RFC 5424 syslog lines as records at BENCH_LATENCY_RATE events/s (default 10,000) for BENCH_LATENCY_SECONDS
 * (default 35): mixed benign traffic (sshd logins, firewall allows and blocks, sudo, cron) with attacks mixed in
 * (an SSH brute force every second, a port scan every 5 s, sudo failures every 3 s, traffic spikes after 32 s from
 * addresses that sent one event a second until then). Each line's timestamp is the moment it is handed to the
 * pipeline, so an alert's latency is the time its store write completed minus the newest timestamp among its
 * evidence (the event that completed the attack). Prints p50/p99/max and the event rate achieved; alerts on events of
 * the first BENCH_LATENCY_WARMUP_SECONDS (default 5: worker threads starting, code compiling) are reported apart.
 * BENCH_LATENCY_VERBOSE=1 prints every alert's latency.
 */

type Log = (s: string) => void;

const pick = <T>(a: readonly T[], i: number): T => a[i % a.length] as T;
const addr = (net: string, i: number): string => `${net}.${(i % 254) + 1}`;

function benign(i: number, now: string): string {
  const ip = addr(`10.${(i >> 8) & 255}.${i & 255}`, i >> 3);
  switch (i % 6) {
    case 0:
      return `<86>1 ${now} web-${i % 20} sshd ${1000 + (i % 5000)} - - Accepted publickey for deploy from ${ip} port ${30000 + (i % 30000)} ssh2`;
    case 1:
      return `<4>1 ${now} fw-${i % 4} kernel - - - [UFW ALLOW] IN=eth0 OUT= MAC=00:00 SRC=${ip} DST=192.0.2.${i % 50} LEN=60 TOS=0x00 PREC=0x00 TTL=50 ID=${i % 65535} DF PROTO=TCP SPT=${30000 + (i % 30000)} DPT=${pick([80, 443, 22, 53], i)} WINDOW=64240 RES=0x00 SYN URGP=0`;
    case 2:
      return `<4>1 ${now} fw-${i % 4} kernel - - - [UFW BLOCK] IN=eth0 OUT= MAC=00:00 SRC=${ip} DST=192.0.2.${i % 50} LEN=60 TOS=0x00 PREC=0x00 TTL=50 ID=${i % 65535} DF PROTO=UDP SPT=${30000 + (i % 30000)} DPT=137 LEN=40`;
    case 3:
      return `<86>1 ${now} db-${i % 10} sudo - - - deploy : TTY=pts/0 ; PWD=/srv ; USER=postgres ; COMMAND=/usr/bin/psql -c select 1`;
    case 4:
      return `<78>1 ${now} app-${i % 30} CRON ${2000 + (i % 999)} - - (root) CMD (/usr/lib/sa/sa1 1 1)`;
    default:
      return `<86>1 ${now} web-${i % 20} sshd ${1000 + (i % 5000)} - - Failed password for invalid user guest from ${ip} port ${30000 + (i % 30000)} ssh2`;
  }
}

function attacks(second: number, tick: number, now: string): string[] {
  const out: string[] = [];
  const bf = addr('198.51.100', second);
  if (tick === 3) for (let k = 0; k < 12; k++) out.push(`<86>1 ${now} bastion sshd ${3000 + k} - - Failed password for root from ${bf} port ${40000 + k} ssh2`);
  if (tick === 5 && second % 5 === 0) {
    const scanner = addr('203.0.113', second);
    for (let p = 1; p <= 120; p++) out.push(`<4>1 ${now} fw-edge kernel - - - [UFW BLOCK] IN=eth0 OUT= MAC=00:00 SRC=${scanner} DST=192.0.2.200 LEN=60 TOS=0x00 PREC=0x00 TTL=50 ID=${p} DF PROTO=TCP SPT=55555 DPT=${p * 7} WINDOW=1024 RES=0x00 SYN URGP=0`);
  }
  if (tick === 7 && second % 3 === 0) {
    const u = `intruder${second}`;
    for (let k = 0; k < 3; k++) out.push(`<86>1 ${now} db-1 sudo - - - pam_unix(sudo:auth): authentication failure; logname=${u} uid=1001 euid=0 tty=/dev/pts/1 ruser=${u} rhost=  user=${u}`);
  }
  // spike sources: one event a second from the start, 400 at once after 32 s
  for (let s = 0; s < 3; s++) {
    const ip = `203.0.113.${250 + s}`;
    const n = tick === 1 ? (second === 32 + s ? 400 : 1) : 0;
    for (let k = 0; k < n; k++) out.push(`<4>1 ${now} fw-edge kernel - - - [UFW ALLOW] IN=eth0 OUT= MAC=00:00 SRC=${ip} DST=192.0.2.10 LEN=60 TOS=0x00 PREC=0x00 TTL=50 ID=${k} DF PROTO=TCP SPT=40000 DPT=443 WINDOW=1024 RES=0x00 SYN URGP=0`);
  }
  return out;
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

export async function benchDetectLatency(log: Log): Promise<void> {
  const rate = Number(process.env['BENCH_LATENCY_RATE'] ?? 10_000);
  const seconds = Number(process.env['BENCH_LATENCY_SECONDS'] ?? 35);
  const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-latency-'));
  const store = new SqliteStore({ dir: join(dir, 'store'), sync: 'full' });
  await store.open();
  const telemetry = new Telemetry();
  const engine = new DetectionEngine({ rules: loadRuleSet([]), telemetry, dataDir: dir });
  const pipeline = new Pipeline({ store, telemetry, parser: new LineParser(), transforms: [engine] });
  const latencies: number[] = [];
  /** alerts on events of the first seconds (worker threads starting, code compiling): reported apart */
  const warmupMs = Number(process.env['BENCH_LATENCY_WARMUP_SECONDS'] ?? 5) * 1000;
  const warmup: number[] = [];
  let t0 = Date.now();
  const byRule = new Map<string, number>();
  engine.attach(async (alerts) => {
    const r = await pipeline.submitEvents(alerts, 'generic', { urgent: true });
    const stored = Date.now();
    for (const a of alerts) {
      const ev = getPath(a, 'vigil.alert.evidence');
      const times = Array.isArray(ev) ? ev.map((e) => Date.parse(String((e as EcsEvent)['@timestamp']))).filter(Number.isFinite) : [];
      if (times.length === 0) continue;
      const newest = Math.max(...times);
      (newest - t0 < warmupMs ? warmup : latencies).push(stored - newest);
      if (process.env['BENCH_LATENCY_VERBOSE'] !== undefined) log(`  ${String(getPath(a, 'rule.name'))} ${stored - newest} ms, evidence at +${newest - t0} ms`);
      const name = String(getPath(a, 'rule.name'));
      byRule.set(name, (byRule.get(name) ?? 0) + 1);
    }
    return r;
  });
  engine.start();
  const TICKS = 10; // per second
  const perTick = Math.round(rate / TICKS);
  t0 = Date.now();
  let sent = 0;
  let i = 0;
  const pending = new Set<Promise<unknown>>();
  let maxLag = 0;
  for (let tick = 0; tick < seconds * TICKS; tick++) {
    const due = t0 + tick * (1000 / TICKS);
    const wait = due - Date.now();
    if (wait > 0) await sleep(wait);
    else maxLag = Math.max(maxLag, -wait);
    const now = new Date();
    const iso = now.toISOString();
    const lines = attacks(Math.floor(tick / TICKS), tick % TICKS, iso);
    while (lines.length < perTick) lines.push(benign(i++, iso));
    const receivedAt = now.getTime();
    const p = pipeline.submitRecords(lines.map((message) => ({ message, receivedAt })));
    sent += lines.length;
    pending.add(p);
    void p.finally(() => pending.delete(p));
    // the pipeline's queue is bounded: wait when far behind rather than pile up promises
    if (pending.size > 50) await Promise.race(pending);
  }
  await Promise.all(pending);
  const wall = (Date.now() - t0) / 1000;
  await engine.stop();
  await pipeline.drain();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  latencies.sort((a, b) => a - b);
  log(`detect latency: ${sent.toLocaleString('en-US')} events in ${wall.toFixed(1)} s = ${Math.round(sent / wall).toLocaleString('en-US')} ev/s (target ${rate.toLocaleString('en-US')}; the sender fell behind its schedule by ${Math.round(maxLag)} ms at most), load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  log(`detect latency: ${latencies.length} alerts with evidence after the first ${warmupMs / 1000} s; event received → alert stored p50 ${percentile(latencies, 50)} ms, p99 ${percentile(latencies, 99)} ms, max ${latencies[latencies.length - 1] ?? NaN} ms`);
  log(`detect latency: during the first ${warmupMs / 1000} s (start-up): ${warmup.length} alerts, max ${warmup.length > 0 ? Math.max(...warmup) : NaN} ms`);
  log(`detect latency: alerts by rule: ${[...byRule].map(([k, v]) => `${k} ${v}`).join('; ')}`);
}

if (import.meta.url === `file://${process.argv[1] ?? ''}`) await benchDetectLatency((s) => void process.stdout.write(`${s}\n`));
