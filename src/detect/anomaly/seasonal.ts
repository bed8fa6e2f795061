import type { Ewma } from './ewma.js';

/*
 * The seasonal (hour-of-week) profile of a baseline key: 168 slots, Monday 00:00–01:00 UTC first, each an
 * exponentially weighted mean and variance of the bucket values that fell in it (West's form, as the key's overall
 * EWMA). A slot learns only from its own hour of the week, so a nightly backup or office hours are compared with the
 * same hour of past weeks rather than with the hours just before.
 *
 * Memory: one Float32Array of 3 × 168 values (means, variances, observation counts) = 2,016 bytes of data per key,
 * allocated when the key's first bucket closes.
 */

export const HOUR_MS = 3_600_000;
export const WEEK_SLOTS = 168;
const WEEK_MS = WEEK_SLOTS * HOUR_MS;
/** 1970-01-01 (epoch 0) was a Thursday: 3 days after a Monday 00:00. */
const EPOCH_SLOT = 3 * 24;
const MEAN = 0;
const VAR = WEEK_SLOTS;
const N = 2 * WEEK_SLOTS;
/** Longest gap folded slot by slot, in weeks; a longer one zeroes every slot. */
const MAX_GAP_WEEKS = 10_000;
/** Bytes of slot data per key. */
export const SLOT_BYTES = 3 * WEEK_SLOTS * Float32Array.BYTES_PER_ELEMENT;

const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

/** The hour-of-week slot (0 = Monday 00:00–01:00 UTC) of a time in ms. */
export function slotOf(t: number): number {
  const h = Math.floor(t / HOUR_MS) + EPOCH_SLOT;
  return ((h % WEEK_SLOTS) + WEEK_SLOTS) % WEEK_SLOTS;
}

/** `Tuesday 14:00–15:00 UTC`. */
export function slotName(slot: number): string {
  const h = slot % 24;
  const two = (x: number): string => String(x).padStart(2, '0');
  return `${DAYS[Math.floor(slot / 24) % 7] ?? '?'} ${two(h)}:00–${two((h + 1) % 24)}:00 UTC`;
}

/** A profile's parameters, derived once per rule. */
export interface SeasonParams {
  /** weight of one bucket in its slot, so that one week's buckets of the slot together weigh `alpha` of the week */
  obsAlpha: number;
  /** observations (closed buckets, empty ones included) a slot needs before it is used */
  warmObs: number;
  /** buckets per slot and week */
  perSlot: number;
}

/** `weekAlpha`: weight of the newest week in a slot; `warmupWeeks`: weeks a slot learns before it decides. */
export function seasonParams(bucketMs: number, weekAlpha: number, warmupWeeks: number): SeasonParams {
  const perSlot = Math.max(1, Math.round(HOUR_MS / bucketMs));
  return { obsAlpha: 1 - (1 - weekAlpha) ** (1 / perSlot), warmObs: warmupWeeks * perSlot, perSlot };
}

export const newSlots = (): Float32Array => new Float32Array(3 * WEEK_SLOTS);

/** Folds one bucket value into a slot (the first value of a slot sets its mean). */
export function slotFold(s: Float32Array, slot: number, x: number, alpha: number): void {
  if (!Number.isFinite(x)) return;
  const n = s[N + slot] ?? 0;
  if (n === 0) {
    s[MEAN + slot] = x;
    s[VAR + slot] = 0;
  } else {
    const mean = s[MEAN + slot] ?? 0;
    const diff = x - mean;
    const incr = alpha * diff;
    s[MEAN + slot] = mean + incr;
    s[VAR + slot] = (1 - alpha) * ((s[VAR + slot] ?? 0) + diff * incr);
  }
  s[N + slot] = n + 1;
}

/**
 * Folds `c` zero values into a slot at once. With q = 1 − alpha, c zeros in a row give exactly
 * mean·q^c and q^c·(var + mean²·(1 − q^c)) (the recurrence summed as a geometric series).
 */
function slotZeros(s: Float32Array, slot: number, c: number, alpha: number): void {
  if (c <= 0) return;
  const n = s[N + slot] ?? 0;
  if (n === 0) {
    s[MEAN + slot] = 0;
    s[VAR + slot] = 0;
  } else {
    const qc = (1 - alpha) ** c;
    const mean = s[MEAN + slot] ?? 0;
    s[MEAN + slot] = mean * qc;
    s[VAR + slot] = qc * ((s[VAR + slot] ?? 0) + mean * mean * (1 - qc));
  }
  s[N + slot] = n + c;
}

/**
 * Folds zeros for the empty buckets strictly between the bucket starting at `from` and the one starting at `to` into
 * their slots. Work is bounded by the number of slots, however long the gap: whole weeks add the same count to every
 * slot, and the rest is walked an hour at a time (at most 168 steps).
 */
export function slotGap(s: Float32Array, from: number, to: number, bucketMs: number, alpha: number): void {
  const first = from + bucketMs;
  if (!(to > first)) return;
  const counts = new Float64Array(WEEK_SLOTS);
  const total = Math.floor((to - first) / bucketMs);
  const weekBuckets = WEEK_MS / bucketMs;
  const weeks = Math.floor(total / weekBuckets);
  if (!(total <= Number.MAX_SAFE_INTEGER) || weeks > MAX_GAP_WEEKS) {
    // beyond any memory (or a damaged saved time): every slot is simply zero
    for (let i = 0; i < WEEK_SLOTS; i++) slotZeros(s, i, MAX_GAP_WEEKS * (HOUR_MS / bucketMs), alpha);
    return;
  }
  let left = total - weeks * weekBuckets;
  let t = first + weeks * WEEK_MS;
  for (let steps = 0; left > 0 && steps <= WEEK_SLOTS + 1; steps++) {
    const hourEnd = (Math.floor(t / HOUR_MS) + 1) * HOUR_MS;
    const inHour = Math.min(left, Math.max(1, Math.ceil((hourEnd - t) / bucketMs)));
    counts[slotOf(t)] = (counts[slotOf(t)] ?? 0) + inHour;
    left -= inHour;
    t += inHour * bucketMs;
  }
  const perSlot = weeks * (HOUR_MS / bucketMs);
  for (let i = 0; i < WEEK_SLOTS; i++) slotZeros(s, i, perSlot + (counts[i] ?? 0), alpha);
}

/** Observations a slot has seen. */
export const slotCount = (s: Float32Array, slot: number): number => s[N + slot] ?? 0;

/** A slot as an Ewma (a copy), for the spike test and explanations. */
export const slotEwma = (s: Float32Array, slot: number): Ewma => ({ mean: s[MEAN + slot] ?? 0, variance: s[VAR + slot] ?? 0, n: s[N + slot] ?? 0 });

/** Saved form: the 504 float32 values, little-endian, base64. */
export function encodeSlots(s: Float32Array): string {
  const b = Buffer.alloc(SLOT_BYTES);
  for (let i = 0; i < s.length; i++) b.writeFloatLE(s[i] ?? 0, i * 4);
  return b.toString('base64');
}

/** The slots of a saved text, or undefined when it is not one (wrong length); values that are not finite become 0. */
export function decodeSlots(text: string): Float32Array | undefined {
  if (text.length > 4 * Math.ceil(SLOT_BYTES / 3) + 4) return undefined;
  const b = Buffer.from(text, 'base64');
  if (b.length !== SLOT_BYTES) return undefined;
  const s = newSlots();
  for (let i = 0; i < s.length; i++) {
    const v = b.readFloatLE(i * 4);
    s[i] = Number.isFinite(v) && (i < VAR || v >= 0) ? v : 0;
  }
  return s;
}
