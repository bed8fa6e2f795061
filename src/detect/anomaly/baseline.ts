import { getPath, type EcsEvent } from '../../schema/event.js';
import { evidenceOf, type AlertInput } from '../alerts.js';
import { ewmaUpdate, ewmaZeros, isSpike, newEwma, noiseFloor, spikeThreshold, type Ewma } from './ewma.js';
import { LruMap } from '../../core/lru.js';
import { eventKey, keyOf, keyText } from './keys.js';
import type { BaselineRule } from './model.js';
import { decodeSlots, encodeSlots, newSlots, seasonParams, slotCount, slotEwma, slotFold, slotGap, slotName, slotOf, type SeasonParams } from './seasonal.js';

/** One key's state: the bucket being filled and the baseline of the closed ones. */
export interface BaselineKey {
  values: Record<string, string>;
  /** start of the current bucket, ms (event time) */
  bucket: number;
  /** the metric of the current bucket so far */
  value: number;
  distinct?: Set<string>;
  ewma: Ewma;
  /** closed buckets since the key was first seen (empty ones included) */
  buckets: number;
  /** the current bucket has alerted already */
  alerted: boolean;
  /** seasonal profile: the hour-of-week slots (allocated when the first bucket closes) */
  slots?: Float32Array;
}

/** Saved form of a key: [key, values, bucket, value, mean, variance, n, buckets, alerted, distinct values, slots?]. */
export type SavedBaselineKey = [string, Record<string, string>, number, number, number, number, number, number, boolean, string[], string?];

const MAX_SAVED_DISTINCT = 1000;

const fmt = (x: number): string => (Number.isInteger(x) ? String(x) : x.toFixed(x < 10 ? 2 : 1));

function metricValue(rule: BaselineRule, e: EcsEvent): number | string | undefined {
  const m = rule.metric;
  if (m.kind === 'count') return 1;
  const v = getPath(e, m.field);
  if (m.kind === 'sum') {
    const n = typeof v === 'number' ? v : typeof v === 'string' && v.length < 32 ? Number(v) : NaN;
    return Number.isFinite(n) && n >= 0 ? n : undefined;
  }
  if (typeof v === 'string') return v.slice(0, 256);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

const unit = (rule: BaselineRule): string => (rule.metric.kind === 'count' ? 'events' : rule.metric.kind === 'sum' ? `${rule.metric.field} (sum)` : `distinct ${rule.metric.field}`);

/** A baseline rule at work: per-key buckets and EWMA baselines, bounded by the rule's key cap. */
export class BaselineDetector {
  readonly keys: LruMap<BaselineKey>;
  private readonly season: SeasonParams | undefined;

  constructor(
    readonly rule: BaselineRule,
    onEvict: () => void = () => {},
  ) {
    this.keys = new LruMap(rule.maxKeys, onEvict);
    if (rule.season) this.season = seasonParams(rule.bucketMs, rule.season.alpha, rule.season.warmupWeeks);
  }

  /** Closes the key's buckets up to the one holding `time`; a late event (older bucket) counts in the current one. */
  private roll(st: BaselineKey, time: number): void {
    const b = Math.floor(time / this.rule.bucketMs) * this.rule.bucketMs;
    if (b <= st.bucket) return;
    ewmaUpdate(st.ewma, st.value, this.rule.alpha);
    const empty = Math.min(Math.floor((b - st.bucket) / this.rule.bucketMs) - 1, 1_000_000);
    ewmaZeros(st.ewma, empty, this.rule.alpha);
    if (this.season) {
      const slots = (st.slots ??= newSlots());
      slotFold(slots, slotOf(st.bucket), st.value, this.season.obsAlpha);
      slotGap(slots, st.bucket, b, this.rule.bucketMs, this.season.obsAlpha);
    }
    st.buckets += 1 + Math.max(0, empty);
    st.bucket = b;
    st.value = 0;
    st.distinct?.clear();
    st.alerted = false;
  }

  /** Counts one event (already known to pass the rule's filter); an alert when its bucket just became a spike. */
  observe(e: EcsEvent, time: number): AlertInput | undefined {
    const r = this.rule;
    const key = eventKey(e, r.key);
    if (key === undefined) return undefined;
    const add = metricValue(r, e);
    if (add === undefined) return undefined;
    let st = this.keys.touch(key);
    if (!st) {
      // the values of a key are read for a key not seen yet only
      st = { values: keyOf(e, r.key)?.values ?? {}, bucket: Math.floor(time / r.bucketMs) * r.bucketMs, value: 0, ewma: newEwma(), buckets: 0, alerted: false };
      if (r.metric.kind === 'dc') st.distinct = new Set();
      this.keys.set(key, st);
    } else this.roll(st, time);
    if (typeof add === 'number') st.value += add;
    else if (st.distinct && st.distinct.size < r.maxDistinct) {
      st.distinct.add(add);
      st.value = st.distinct.size;
    }
    if (st.alerted || st.buckets < r.warmup) return undefined;
    const sp = this.season;
    const slot = sp && st.slots ? slotOf(st.bucket) : -1;
    const seasonal = sp !== undefined && st.slots !== undefined && slotCount(st.slots, slot) >= sp.warmObs;
    const base = seasonal && st.slots ? slotEwma(st.slots, slot) : st.ewma;
    if (!isSpike(st.value, base, r)) return undefined;
    st.alerted = true;
    const expected = base.mean;
    const threshold = spikeThreshold(base, r);
    const ratio = expected > 0 ? `${fmt(st.value / expected)}× the baseline` : 'no baseline activity';
    return {
      rule: r.meta,
      type: 'baseline',
      time,
      explanation: [
        `${keyText(st.values)}: ${fmt(st.value)} ${unit(r)} in the ${r.bucketMs / 1000}s bucket from ${new Date(st.bucket).toISOString()} (${ratio})`,
        `expected ${fmt(expected)} ± ${fmt(noiseFloor(base))} (${this.baselineText(st, slot, base)}); threshold ${fmt(threshold)}: mean + ${r.sigma}σ, ${r.factor}× mean, at least ${r.min}`,
      ],
      evidence: [evidenceOf(e, r.meta.id, time)],
      group: { ...st.values },
      value: st.value,
    };
  }

  /** Which baseline decided, for the explanation. */
  private baselineText(st: BaselineKey, slot: number, base: Ewma): string {
    const r = this.rule;
    const ewma = `EWMA over ${st.buckets} buckets, alpha ${r.alpha}`;
    const sp = this.season;
    if (!sp || !r.season) return ewma;
    const name = slot >= 0 ? slotName(slot) : slotName(slotOf(st.bucket));
    const weeks = Math.floor((st.slots ? slotCount(st.slots, slot) : 0) / sp.perSlot);
    if (base === st.ewma) return `${ewma}; the ${name} slot is still learning: ${weeks} of ${r.season.warmupWeeks} weeks`;
    return `the ${name} slot: ${weeks} weeks of ${sp.perSlot} bucket${sp.perSlot === 1 ? '' : 's'}, week weight ${r.season.alpha}`;
  }

  /** What an operator may read about one key (tests, status). */
  state(key: string): BaselineKey | undefined {
    return this.keys.peek(key);
  }

  snapshot(): SavedBaselineKey[] {
    const out: SavedBaselineKey[] = [];
    for (const [k, s] of this.keys.entries()) out.push(this.savedKey(k, s));
    return out;
  }

  /** One key's saved form. */
  savedKey(k: string, s: BaselineKey): SavedBaselineKey {
    const saved: SavedBaselineKey = [k, s.values, s.bucket, s.value, s.ewma.mean, s.ewma.variance, s.ewma.n, s.buckets, s.alerted, s.distinct ? [...s.distinct].slice(0, MAX_SAVED_DISTINCT) : []];
    if (s.slots) saved.push(encodeSlots(s.slots));
    return saved;
  }

  restore(saved: readonly SavedBaselineKey[]): number {
    let n = 0;
    for (const s of saved) {
      const [k, values, bucket, value, mean, variance, count, buckets, alerted, distinct, slots] = s;
      const st: BaselineKey = { values, bucket, value, ewma: { mean, variance, n: count }, buckets, alerted };
      const restored = this.season && typeof slots === 'string' ? decodeSlots(slots) : undefined;
      if (restored) st.slots = restored;
      if (this.rule.metric.kind === 'dc') {
        st.distinct = new Set(distinct);
        st.value = Math.max(value, st.distinct.size);
      }
      this.keys.set(k, st);
      n++;
    }
    return n;
  }
}
