import type { CorrelationType } from './model.js';

/** One observation kept in a group's window: event time, arrival order, which referenced rule, the value read. */
export interface Entry {
  t: number;
  seq: number;
  /** index into the correlation's `rules` (temporal types) */
  r: number;
  /** the condition field's value (value_* types): a number for sum/avg, text otherwise */
  v?: string | number;
}

/** What an alert shows of one event: its id, time, the rule it matched and a few key fields. */
export interface EvidenceRef {
  id: string;
  /** event time, ms */
  t: number;
  seq: number;
  rule: string;
  fields: Record<string, string | number | boolean>;
}

/** Index of the first entry with t >= time (entries sorted by t, then seq). */
export function lowerBound(entries: readonly Entry[], time: number): number {
  let lo = 0;
  let hi = entries.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((entries[mid] as Entry).t < time) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index one past the last entry with t <= time. */
export function upperBound(entries: readonly Entry[], time: number): number {
  let lo = 0;
  let hi = entries.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((entries[mid] as Entry).t <= time) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Inserts keeping the order by (t, seq); appends in O(1) when in order. */
export function insertSorted<T extends { t: number; seq: number }>(list: T[], e: T): void {
  const last = list[list.length - 1];
  if (last === undefined || last.t < e.t || (last.t === e.t && last.seq < e.seq)) {
    list.push(e);
    return;
  }
  let i = list.length;
  while (i > 0) {
    const p = list[i - 1] as T;
    if (p.t < e.t || (p.t === e.t && p.seq < e.seq)) break;
    i--;
  }
  list.splice(i, 0, e);
}

/**
 * The aggregate of a window (entries from `lo` to `hi` exclusive, all within [end - timespan, end]) for a type:
 * event count, distinct values, distinct rules, the longest prefix of the rules seen in order, sum, average, or the
 * share (percent) of the window's entries whose value equals the newest entry's value. Undefined when the window
 * holds nothing the type can use.
 */
export function aggregate(type: CorrelationType, entries: readonly Entry[], lo: number, hi: number, ruleCount: number): number | undefined {
  const n = hi - lo;
  if (n <= 0) return undefined;
  switch (type) {
    case 'event_count':
      return n;
    case 'value_count': {
      const seen = new Set<string | number>();
      for (let i = lo; i < hi; i++) {
        const v = (entries[i] as Entry).v;
        if (v !== undefined) seen.add(v);
      }
      return seen.size;
    }
    case 'temporal': {
      const seen = new Set<number>();
      for (let i = lo; i < hi; i++) seen.add((entries[i] as Entry).r);
      return seen.size;
    }
    case 'temporal_ordered': {
      let need = 0;
      for (let i = lo; i < hi && need < ruleCount; i++) if ((entries[i] as Entry).r === need) need++;
      return need;
    }
    case 'value_sum':
    case 'value_avg': {
      let sum = 0;
      let count = 0;
      for (let i = lo; i < hi; i++) {
        const v = (entries[i] as Entry).v;
        if (typeof v === 'number') {
          sum += v;
          count++;
        }
      }
      if (count === 0) return undefined;
      return type === 'value_sum' ? sum : sum / count;
    }
    case 'value_percentile': {
      const newest = (entries[hi - 1] as Entry).v;
      if (newest === undefined) return undefined;
      let same = 0;
      let count = 0;
      for (let i = lo; i < hi; i++) {
        const v = (entries[i] as Entry).v;
        if (v === undefined) continue;
        count++;
        if (v === newest) same++;
      }
      return count === 0 ? undefined : (100 * same) / count;
    }
  }
}

/**
 * The aggregate of successive windows of one group, for window ends taken in ascending order (an out-of-order event
 * re-evaluates every later window end within a timespan): both bounds only move forward, so each entry is added and
 * removed once instead of every window being recounted — without it a burst of late events in one large group cost
 * the window cap squared per event. Types whose aggregate cannot be kept this way (temporal_ordered, sums of
 * non-integers, where removal would round) are recounted per window.
 */
export class WindowAggregate {
  private lo = 0;
  private hi = 0;
  private readonly counts = new Map<string | number, number>();
  private sum = 0;
  private numbers = 0;
  private exact = true;

  constructor(
    private readonly type: CorrelationType,
    private readonly entries: readonly Entry[],
    private readonly ruleCount: number,
  ) {}

  value(lo: number, hi: number): number | undefined {
    const n = hi - lo;
    if (n <= 0) return undefined;
    if (this.type === 'event_count') return n;
    if (this.type === 'temporal_ordered' || !this.exact) return aggregate(this.type, this.entries, lo, hi, this.ruleCount);
    if (lo < this.lo || hi < this.hi) this.reset(lo);
    while (this.hi < hi) this.add(this.entries[this.hi++] as Entry);
    while (this.lo < lo) this.remove(this.entries[this.lo++] as Entry);
    if (!this.exact) return aggregate(this.type, this.entries, lo, hi, this.ruleCount);
    switch (this.type) {
      case 'value_count':
      case 'temporal':
        return this.counts.size;
      case 'value_sum':
        return this.numbers === 0 ? undefined : this.sum;
      case 'value_avg':
        return this.numbers === 0 ? undefined : this.sum / this.numbers;
      case 'value_percentile': {
        const newest = (this.entries[hi - 1] as Entry).v;
        if (newest === undefined) return undefined;
        let count = 0;
        for (const c of this.counts.values()) count += c;
        return count === 0 ? undefined : (100 * (this.counts.get(newest) ?? 0)) / count;
      }
    }
  }

  /**
   * The first `n` entries are about to be removed from the front of the list: what of them is counted leaves the
   * count, and the bounds move down with the list.
   */
  dropFront(n: number): void {
    if (n <= 0) return;
    const upTo = Math.min(n, this.hi);
    for (let i = Math.max(this.lo, 0); i < upTo; i++) this.remove(this.entries[i] as Entry);
    this.lo = Math.max(0, this.lo - n);
    this.hi = Math.max(0, this.hi - n);
  }

  private reset(at: number): void {
    this.lo = at;
    this.hi = at;
    this.counts.clear();
    this.sum = 0;
    this.numbers = 0;
  }

  private key(e: Entry): string | number | undefined {
    return this.type === 'temporal' ? e.r : e.v;
  }

  private add(e: Entry): void {
    if (this.type === 'value_sum' || this.type === 'value_avg') {
      if (typeof e.v !== 'number') return;
      if (!Number.isSafeInteger(e.v) || !Number.isSafeInteger(this.sum + e.v)) this.exact = false;
      this.sum += e.v;
      this.numbers++;
      return;
    }
    const k = this.key(e);
    if (k !== undefined) this.counts.set(k, (this.counts.get(k) ?? 0) + 1);
  }

  private remove(e: Entry): void {
    if (this.type === 'value_sum' || this.type === 'value_avg') {
      if (typeof e.v !== 'number') return;
      this.sum -= e.v;
      this.numbers--;
      return;
    }
    const k = this.key(e);
    if (k === undefined) return;
    const c = (this.counts.get(k) ?? 0) - 1;
    if (c <= 0) this.counts.delete(k);
    else this.counts.set(k, c);
  }
}
