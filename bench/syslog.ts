import { execFileSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { NODE_FLAGS } from '../src/cli/node-flags.js';
import { killAll } from '../test/support/serve.js';
import { depsGate, LOGGEN, loggenSent, run, sngEnv, startVigil, type Vigil } from '../test/e2e/syslog-senders-support.js';

/**
 * BENCH_ONLY=syslog: a real `vigil serve` (child process, temp data dir, default settings) fed by
 * syslog-ng's `loggen`.
 * - TCP: BENCH_SYSLOG_MESSAGES (default 1,000,000) as fast as loggen can send them (`--inet --stream`, RFC 5424 with
 *   octet counting, or legacy lines with BENCH_SYSLOG_FORMAT=legacy), on BENCH_SYSLOG_CONNECTIONS connections
 *   (default 1); messages/s received and stored, and whether anything was lost (stored = loggen's sent count).
 * - UDP: 20k, 50k and 100k msgs/s (BENCH_SYSLOG_UDP_RATES) for BENCH_SYSLOG_UDP_SECONDS (default 10) each
 *   (`--dgram --rate`); sent, received, stored, and what was lost where (the kernel receive buffer; the source reads nothing more while it is behind).
 * BENCH_SYSLOG_SYNC=normal sets store.sync (default full, as `vigil serve`).
 * BENCH_SYSLOG_CPU_PROF=DIR runs the server under `node --cpu-prof` and leaves its profile in DIR.
 * BENCH_SYSLOG_TIMELINE=1 also prints the TCP run's stored messages per second of the run (from the health samples).
 */
const SIZE = 300;
/** health is asked this often while measuring (each answer counts the store's events) */
const POLL_MS = 1000;
const LOGGEN_TIMEOUT_MS = 30 * 60_000;
/** loggen and the server: killed when the benchmark ends, however it ends */
const children = new Set<ChildProcess>();

type Log = (s: string) => void;
type Components = Record<string, Record<string, unknown> | undefined>;

const num = (c: Components, id: string, key: string): number => Number(c[id]?.[key] ?? 0);
const rate = (n: number, ms: number): number => Math.round(n / (ms / 1000));
const fmt = (n: number): string => n.toLocaleString('en-US');

const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/**
 * Per thread of the process, keyed by thread id and name: CPU seconds (user + system), and seconds spent runnable but
 * waiting for a core (the scheduler's run delay, the second field of /proc/PID/task/TID/schedstat; left out where the
 * kernel keeps no schedstats).
 */
function threadStats(child: ChildProcess): { cpu: Map<string, number>; wait: Map<string, number> } {
  const cpu = new Map<string, number>();
  const wait = new Map<string, number>();
  const dir = `/proc/${String(child.pid)}/task`;
  for (const tid of readdirSync(dir)) {
    try {
      const stat = readFileSync(`${dir}/${tid}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const key = tid === String(child.pid) ? 'main thread' : `thread ${tid} (${name})`;
      // fields after the name: state is field 3, utime 14, stime 15
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      cpu.set(key, (Number(f[11]) + Number(f[12])) / CLK_TCK);
      const delay = Number(readFileSync(`${dir}/${tid}/schedstat`, 'utf8').split(' ')[1]);
      if (Number.isFinite(delay)) wait.set(key, delay / 1e9);
    } catch {
      // the thread ended, or no schedstats
    }
  }
  return { cpu, wait };
}

/** The machine's CPU seconds since boot from /proc/stat: busy (user, nice, system, irq, softirq), idle (with iowait), steal (taken by the host). */
function machineStats(): { busy: number; idle: number; steal: number } {
  const f = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]?.trim().split(/\s+/).slice(1).map(Number) ?? [];
  const at = (i: number): number => f[i] ?? 0;
  return { busy: (at(0) + at(1) + at(2) + at(5) + at(6)) / CLK_TCK, idle: (at(3) + at(4)) / CLK_TCK, steal: at(7) / CLK_TCK };
}

type MachineStats = ReturnType<typeof machineStats>;

/** How the machine's CPU time between two readings was shared: the server, everything else (loggen, the kernel, other processes), idle, and what the host took (steal). */
function cpuShares(m0: MachineStats, m1: MachineStats, server: number): string {
  const all = m1.busy + m1.idle + m1.steal - (m0.busy + m0.idle + m0.steal);
  const pct = (x: number): string => `${((x / Math.max(all, 1e-9)) * 100).toFixed(0)} %`;
  return `server ${pct(server)}, everything else ${pct(m1.busy - m0.busy - server)}, idle ${pct(m1.idle - m0.idle)}, taken by the host (steal) ${pct(m1.steal - m0.steal)}`;
}

const sumCpu = (m: Map<string, number>): number => [...m.values()].reduce((a, b) => a + b, 0);

function peakRssMiB(child: ChildProcess): number | undefined {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${String(child.pid)}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : undefined;
  } catch {
    return undefined;
  }
}

/** Bytes of the store's partition files (and their WAL, if any) under a data directory. */
function partitionBytes(dataDir: string): number {
  const store = join(dataDir, 'store');
  let n = 0;
  for (const f of readdirSync(store)) if (/^p\d+\.sqlite/.test(f)) n += statSync(join(store, f)).size;
  return n;
}

interface Sample {
  t: number;
  received: number;
  stored: number;
  /** the machine's CPU seconds so far (/proc/stat) and the server's (all its threads) */
  machine: MachineStats;
  server: number;
}

/** Samples the source's message count and the store's event count (both from /api/v1/health) until stopped. */
function watch(v: Vigil, id: string, key: string, base: { received: number; stored: number }): { samples: Sample[]; stop(): Promise<void> } {
  const child = v.child;
  const samples: Sample[] = [];
  let done = false;
  const poller = (async () => {
    while (!done) {
      try {
        const c = (await v.health()).components;
        samples.push({ t: Date.now(), received: num(c, id, key) - base.received, stored: num(c, 'store', 'events') - base.stored, machine: machineStats(), server: sumCpu(threadStats(child).cpu) });
      } catch {
        // a slow answer on a busy machine: no sample this time
      }
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  })();
  return {
    samples,
    stop: async () => {
      done = true;
      await poller;
    },
  };
}

async function tcpRun(v: Vigil, log: Log): Promise<void> {
  const total = Number(process.env['BENCH_SYSLOG_MESSAGES'] ?? 1_000_000);
  const conns = Number(process.env['BENCH_SYSLOG_CONNECTIONS'] ?? 1);
  const legacy = process.env['BENCH_SYSLOG_FORMAT'] === 'legacy';
  const perConn = Math.ceil(total / conns);
  const port = await v.port('syslog_tcp');
  const c0 = (await v.health()).components;
  const base = { received: num(c0, 'syslog_tcp', 'messages'), stored: num(c0, 'store', 'events') };
  const args = ['--inet', '--stream', ...(legacy ? [] : ['--syslog-proto']), '--size', String(SIZE), '--rate', '10000000', '--interval', '86400', '--active-connections', String(conns), '--number', String(perConn), '127.0.0.1', String(port)];
  log(`syslog tcp: loggen ${args.join(' ')}`);
  const w = watch(v, 'syslog_tcp', 'messages', base);
  const { cpu: cpu0, wait: wait0 } = threadStats(v.child);
  const m0 = machineStats();
  const t0 = Date.now();
  const r = await run(LOGGEN, args, { timeoutMs: LOGGEN_TIMEOUT_MS, env: sngEnv(), children });
  const sentMs = Date.now() - t0;
  const sent = loggenSent(r);
  const stored = (await v.settle(base.stored + sent, 120_000, 1000, POLL_MS)) - base.stored;
  const { cpu: cpu1, wait: wait1 } = threadStats(v.child);
  const m1 = machineStats();
  const wallS = (Date.now() - t0) / 1000;
  const cpu = sumCpu(cpu1) - sumCpu(cpu0);
  await w.stop();
  const samples = w.samples;
  const c1 = (await v.health()).components;
  const received = num(c1, 'syslog_tcp', 'messages') - base.received;
  // when the store reached its final count (from the samples, or now)
  const storedAt = samples.find((s) => s.stored >= stored)?.t ?? Date.now();
  const receivedAt = samples.find((s) => s.received >= received)?.t ?? t0 + sentMs;
  log(`syslog tcp: loggen sent ${fmt(sent)} ${legacy ? 'legacy' : 'RFC 5424'} messages of ${SIZE} bytes on ${conns} connection(s) in ${(sentMs / 1000).toFixed(1)} s (loggen: ${/average rate = ([\d.]+)/.exec(r.stderr)?.[1] ?? '?'} msg/s)`);
  log(`syslog tcp: received ${fmt(received)} = ${fmt(rate(received, receivedAt - t0))} msg/s; stored ${fmt(stored)} = ${fmt(rate(stored, storedAt - t0))} msg/s (first message sent to last stored); lost ${fmt(sent - stored)}${sent === stored ? ' (none)' : ''}; backpressure pauses ${fmt(num(c1, 'syslog_tcp', 'backpressure_pauses'))}`);
  if (process.env['BENCH_SYSLOG_TIMELINE']) {
    // stored per second of the run, for seeing where a run was slow
    const per: string[] = [];
    let prev = { t: t0, stored: 0 };
    const during = samples.filter((s) => s.t <= storedAt);
    for (const s of during) {
      if (s.t - prev.t < 1000 && s !== during[during.length - 1]) continue;
      per.push(fmt(rate(s.stored - prev.stored, s.t - prev.t)));
      prev = s;
    }
    log(`syslog tcp: stored msg/s, second by second: ${per.join(' ')}`);
  }
  // steady state: the middle of the run, between 10 % and 90 % stored
  const a = samples.find((s) => s.stored >= stored * 0.1);
  const b = samples.find((s) => s.stored >= stored * 0.9);
  if (a && b && b.t > a.t) {
    log(`syslog tcp: steady state (10 %..90 % stored): ${fmt(rate(b.stored - a.stored, b.t - a.t))} msg/s stored`);
    log(`syslog tcp: the machine's CPUs in the steady state: ${cpuShares(a.machine, b.machine, b.server - a.server)}`);
  }
  // what the server spent, whatever else the machine was doing: a bound that does not depend on the load
  const perMsg = (cpu / Math.max(stored, 1)) * 1e6;
  log(`syslog tcp: server CPU ${cpu.toFixed(1)} s (all threads, user + system) = ${perMsg.toFixed(1)} µs per message stored; on 2 otherwise idle cores at most ${fmt(Math.round(2e6 / perMsg))} msg/s`);
  const busy = [...cpu1].map(([k, c]) => [k, c - (cpu0.get(k) ?? 0)] as const).filter(([, c]) => c >= cpu * 0.02).sort((x, y) => y[1] - x[1]);
  log(`syslog tcp: CPU by thread: ${busy.map(([k, c]) => `${k} ${((c / Math.max(stored, 1)) * 1e6).toFixed(1)} µs/msg`).join(', ')}`);
  // a busy thread that waits for a core is held back by the rest of the machine (our other threads, loggen, the kernel)
  const waits = busy.flatMap(([k, c]) => {
    const w = wait1.get(k);
    const w0 = wait0.get(k);
    return w === undefined || w0 === undefined ? [] : [`${k} on a core ${((c / wallS) * 100).toFixed(0)} %, waiting for one ${(((w - w0) / wallS) * 100).toFixed(0)} %`];
  });
  log(`syslog tcp: the machine's CPUs over the whole run (to the store's last count and the checks after it): ${cpuShares(m0, m1, cpu)}`);
  if (waits.length > 0) log(`syslog tcp: share of the run (${wallS.toFixed(1)} s): ${waits.join('; ')}`);
}

async function udpRun(v: Vigil, ratePerSec: number, seconds: number, log: Log): Promise<void> {
  const port = await v.port('syslog_udp');
  const c0 = (await v.health()).components;
  const key = (c: Components, k: string): number => num(c, 'syslog_udp', k);
  const base = { stored: num(c0, 'store', 'events'), received: key(c0, 'received'), kernel: key(c0, 'kernel_drops') };
  const args = ['--inet', '--dgram', '--size', String(SIZE), '--rate', String(ratePerSec), '--interval', String(seconds * 10), '--number', String(ratePerSec * seconds), '127.0.0.1', String(port)];
  const t0 = Date.now();
  const r = await run(LOGGEN, args, { timeoutMs: LOGGEN_TIMEOUT_MS, env: sngEnv(), children });
  const ms = Date.now() - t0;
  const sent = loggenSent(r);
  // the source reads the kernel's drop counter every 2 s
  const stored = (await v.settle(base.stored + sent, 60_000, 3000, POLL_MS)) - base.stored;
  const c1 = (await v.health()).components;
  const received = key(c1, 'received') - base.received;
  const kernel = key(c1, 'kernel_drops') - base.kernel;
  const lost = sent - stored;
  log(
    `syslog udp ${fmt(ratePerSec)}/s: sent ${fmt(sent)} in ${(ms / 1000).toFixed(1)} s (${fmt(rate(sent, ms))} msg/s); received ${fmt(received)}; stored ${fmt(stored)}; lost ${fmt(lost)} (${((lost / Math.max(sent, 1)) * 100).toFixed(2)} %): kernel buffer ${fmt(kernel)}, unaccounted ${fmt(lost - kernel)}`,
  );
}

export async function benchSyslog(log: Log): Promise<void> {
  const gate = depsGate(['syslog-ng']);
  if (gate.skip !== undefined || gate.error !== undefined) {
    log(`syslog: skipped, loggen is not available (${gate.skip ?? gate.error ?? ''})`);
    return;
  }
  const dir = mkdtempSync(join(process.env['BENCH_DIR'] ?? tmpdir(), 'vigil-bench-syslog-'));
  const prof = process.env['BENCH_SYSLOG_CPU_PROF'];
  // as `npm start` and the vigil binary run it
  const nodeArgs = [...NODE_FLAGS, ...(prof ? ['--cpu-prof', `--cpu-prof-dir=${prof}`] : [])];
  const sync = process.env['BENCH_SYSLOG_SYNC'] === 'normal' ? 'normal' : 'full';
  const v = await startVigil(dir, { syslog: { port: 0 }, store: { sync } }, `bench-${randomBytes(12).toString('hex')}`, children, nodeArgs);
  try {
    log(`syslog: vigil serve on ${dir} (node ${nodeArgs.join(' ')}; store.sync ${sync}, defaults otherwise); load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
    await tcpRun(v, log);
    const rates = (process.env['BENCH_SYSLOG_UDP_RATES'] ?? '20000,50000,100000').split(',').map(Number).filter((n) => n > 0);
    const seconds = Number(process.env['BENCH_SYSLOG_UDP_SECONDS'] ?? 10);
    for (const r of rates) await udpRun(v, r, seconds, log);
    const rss = peakRssMiB(v.child);
    if (rss !== undefined) log(`syslog: server peak RSS ${fmt(rss)} MiB`);
  } finally {
    const events = num((await v.health().catch(() => ({ components: {} }))).components, 'store', 'events');
    const exit = await v.stop();
    if (exit.code !== 0) log(`syslog: vigil serve exited with ${String(exit.code ?? exit.signal)}: ${v.stderr().slice(-2000)}`);
    else if (events > 0) {
      const bytes = partitionBytes(join(dir, 'data'));
      log(`syslog: store on disk after the server stopped: ${fmt(Math.round(bytes / 1048576))} MiB of partitions for ${fmt(events)} events = ${fmt(Math.round(bytes / events))} bytes per event`);
    }
    await killAll(children);
    rmSync(dir, { recursive: true, force: true });
  }
}
