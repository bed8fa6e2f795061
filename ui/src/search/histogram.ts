import { call, qs } from '../api';
import type { TableResult } from '../types';

const SPANS: [string, number][] = [
  ['1s', 1_000],
  ['5s', 5_000],
  ['10s', 10_000],
  ['30s', 30_000],
  ['1m', 60_000],
  ['5m', 300_000],
  ['10m', 600_000],
  ['30m', 1_800_000],
  ['1h', 3_600_000],
  ['3h', 10_800_000],
  ['12h', 43_200_000],
  ['1d', 86_400_000],
  ['7d', 604_800_000],
];

/** The smallest span that cuts [lo, hi] into at most `buckets` buckets. */
export function spanFor(lo: number, hi: number, buckets = 80): [string, number] {
  const want = (hi - lo) / buckets;
  return SPANS.find(([, ms]) => ms >= want) ?? (SPANS[SPANS.length - 1] as [string, number]);
}

const REL = /^-(\d+)(ms|s|m|h|d|w)$/;
const UNIT: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
/** A from/to value as epoch ms (relative to `now`), or undefined for "open". */
export function timeOf(v: string, now: number): number | undefined {
  if (v === '' || v === 'now') return v === 'now' ? now : undefined;
  const m = REL.exec(v);
  if (m) return now - Number(m[1]) * (UNIT[m[2] as string] as number);
  if (/^\d+$/.test(v)) return Number(v);
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : t;
}

export interface Histogram {
  times: number[];
  counts: number[];
  span: string;
}

/** Counts of events matching `filter` over time, in buckets sized for the range (found first when open). */
export async function histogram(filter: string, from: string, to: string, signal: AbortSignal): Promise<Histogram | undefined> {
  const now = Date.now();
  let lo = timeOf(from, now);
  let hi = timeOf(to, now) ?? (lo !== undefined ? now : undefined);
  if (lo === undefined || hi === undefined) {
    const r = await call<TableResult>(`/search${qs({ q: `${filter} | stats min(@timestamp) as lo, max(@timestamp) as hi, count() as n`, from, to })}`, { signal });
    const row = r.rows[0];
    if (!row || Number(row[2]) === 0) return undefined;
    lo ??= Number(row[0]);
    hi ??= Number(row[1]) + 1;
  }
  if (!(hi > lo)) hi = lo + 60_000;
  const [span, ms] = spanFor(lo, hi);
  const start = Math.floor(lo / ms) * ms;
  const r = await call<TableResult>(`/search${qs({ q: `${filter} | timechart span=${span} count()`, from: String(start), to: String(Math.ceil(hi / ms) * ms) })}`, { signal });
  const ti = r.columns.indexOf('_time');
  const ci = r.columns.findIndex((c, i) => i !== ti);
  const times: number[] = [];
  const counts: number[] = [];
  for (const row of r.rows) {
    const t = row[ti];
    times.push(typeof t === 'number' ? t : Date.parse(String(t)));
    counts.push(Number(row[ci]) || 0);
  }
  return { times, counts, span };
}
