import { existsSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileRules } from '../src/detect/sigma/compile.js';
import { loadSigmaPaths } from '../src/detect/sigma/load.js';
import { LineParser } from '../src/parsers/line.js';
import { filesUnder as walk, oneLine, splitJsonStream } from '../src/parsers/testing/json-stream.js';
import type { EcsEvent } from '../src/schema/event.js';

/**
 * Sigma matcher benchmark: every SigmaHQ rule loaded and compiled; a mixed stream of Windows events (SigmaHQ
 * regression events and the EVTX attack samples as Event XML, through the real line parser) and Linux events
 * (loghub OpenSSH and Linux syslog lines, through the same parser), matched on one core. Events are parsed once
 * before timing: the figure is the matcher's alone. BENCH_SIGMA_ROUNDS (default 5) timed passes; the median is
 * reported, with the spread, because other processes share the machine.
 */

const DATA = fileURLToPath(new URL('../../shared/data/', import.meta.url));
const SIGMA = join(DATA, 'sigma');


/** The corpus lines: Windows (regression JSON, EVTX samples as Event XML) and Linux (loghub). */
function corpusLines(): { windows: string[]; linux: string[] } {
  const windows: string[] = [];
  for (const f of walk(join(SIGMA, 'regression_data'))) if (f.endsWith('.json')) windows.push(...splitJsonStream(readFileSync(f, 'utf8')).map(oneLine));
  const evtx = join(DATA, 'evtx-attack-samples');
  if (existsSync(evtx)) {
    for (const f of walk(evtx)) {
      if (!f.endsWith('.xml')) continue;
      for (const m of readFileSync(f, 'utf8').matchAll(/<Event[\s>][\s\S]*?<\/Event>/g)) windows.push(m[0].replace(/\r?\n\s*/g, ''));
    }
  }
  const linux: string[] = [];
  for (const f of ['loghub/OpenSSH/OpenSSH_2k.log', 'loghub/Linux/Linux_2k.log']) {
    const p = join(DATA, f);
    if (existsSync(p)) linux.push(...readFileSync(p, 'utf8').split(/\r?\n/).filter((l) => l.length > 0));
  }
  return { windows, linux };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[m] ?? 0) : ((s[m - 1] ?? 0) + (s[m] ?? 0)) / 2;
};

export interface SigmaBenchResult {
  rules: number;
  loadMs: number;
  compileMs: number;
  events: number;
  medianRate: number;
  /** events per CPU-second of the matching loop (user + system), median over the rounds */
  medianCpuRate: number;
}

/** CPU milliseconds (user + system) since `c0`. */
const cpuMsSince = (c0: NodeJS.CpuUsage): number => {
  const d = process.cpuUsage(c0);
  return (d.user + d.system) / 1000;
};

export function benchSigma(log: (s: string) => void, rounds = Number(process.env['BENCH_SIGMA_ROUNDS'] ?? 5)): SigmaBenchResult | undefined {
  if (!existsSync(join(SIGMA, 'rules'))) {
    log('sigma: ../shared/data/sigma is not beside the checkout; skipped');
    return undefined;
  }
  const heap0 = process.memoryUsage().heapUsed;
  let cpu = process.cpuUsage();
  let t = performance.now();
  const loaded = loadSigmaPaths(['rules', 'rules-emerging-threats', 'rules-threat-hunting'].map((d) => join(SIGMA, d)));
  const loadMs = performance.now() - t;
  const loadCpuMs = cpuMsSince(cpu);
  cpu = process.cpuUsage();
  t = performance.now();
  const matcher = compileRules(loaded.rules);
  const compileMs = performance.now() - t;
  const compileCpuMs = cpuMsSince(cpu);
  const heapRules = process.memoryUsage().heapUsed - heap0;
  log(`sigma: ${loaded.rules.length} rules loaded (${loaded.problems.length} load problems) in ${loadMs.toFixed(0)} ms (${loadCpuMs.toFixed(0)} ms CPU); ${matcher.rules.length} compiled in ${compileMs.toFixed(0)} ms (${compileCpuMs.toFixed(0)} ms CPU); heap for rules and matcher ≈ ${(heapRules / 2 ** 20).toFixed(0)} MiB`);

  const { windows, linux } = corpusLines();
  const parser = new LineParser();
  const parse = (l: string): EcsEvent => parser.parse({ message: l, receivedAt: Date.now() });
  const win = windows.map(parse);
  const lin = linux.map(parse);
  // interleave: half Windows, half Linux, repeated to a fixed stream length
  const stream: EcsEvent[] = [];
  const n = 100_000;
  for (let i = 0; stream.length < n; i++) {
    const w = win[i % Math.max(1, win.length)];
    const l = lin[i % Math.max(1, lin.length)];
    if (w) stream.push(w);
    if (l) stream.push(l);
  }
  log(`sigma: stream of ${stream.length} events from ${win.length} Windows events (regression + EVTX samples) and ${lin.length} Linux lines (loghub), half each`);
  // warm-up pass
  let matches = 0;
  for (const e of stream) matches += matcher.match(e).length;
  const rates: number[] = [];
  const cpuRates: number[] = [];
  const load0 = loadavg()[0] ?? 0;
  for (let r = 0; r < rounds; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    for (const e of stream) matcher.match(e);
    const wall = performance.now() - t0;
    const cpuMs = cpuMsSince(c0);
    const rate = stream.length / (wall / 1000);
    rates.push(rate);
    cpuRates.push(stream.length / (cpuMs / 1000));
    log(`sigma: round ${r + 1}: ${Math.round(rate)} ev/s wall (${wall.toFixed(0)} ms), ${Math.round(stream.length / (cpuMs / 1000))} ev/s per CPU-second (${cpuMs.toFixed(0)} ms CPU)`);
  }
  // each half alone, to show where the time goes
  for (const [name, evs] of [
    ['Windows', win],
    ['Linux', lin],
  ] as const) {
    if (evs.length === 0) continue;
    const reps = Math.max(1, Math.round(50_000 / evs.length));
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    for (let k = 0; k < reps; k++) for (const e of evs) matcher.match(e);
    const wall = performance.now() - t0;
    const cpuMs = cpuMsSince(c0);
    log(`sigma: ${name} events only: ${Math.round((reps * evs.length) / (wall / 1000))} ev/s wall, ${Math.round((reps * evs.length) / (cpuMs / 1000))} ev/s per CPU-second`);
  }
  const st = matcher.stats;
  const m = median(rates);
  const mc = median(cpuRates);
  log(`sigma: median ${Math.round(mc)} ev/s per CPU-second over ${rounds} rounds (min ${Math.round(Math.min(...cpuRates))}, max ${Math.round(Math.max(...cpuRates))}); wall: median ${Math.round(m)} ev/s (min ${Math.round(Math.min(...rates))}, max ${Math.round(Math.max(...rates))}); load average ${load0.toFixed(1)} → ${(loadavg()[0] ?? 0).toFixed(1)}`);
  log(`sigma: ${matches} matches in the warm-up pass; ${(st.evaluated / st.events).toFixed(2)} rule evaluations and ${(st.prefiltered / st.events).toFixed(1)} prefiltered per event; ${st.disabled} rules disabled; RSS ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`);
  return { rules: matcher.rules.length, loadMs, compileMs, events: stream.length, medianRate: m, medianCpuRate: mc };
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  benchSigma((s) => void process.stdout.write(`${s}\n`));
}
