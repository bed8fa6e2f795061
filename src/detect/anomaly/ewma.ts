/*
 * Exponentially weighted mean and variance (West's incremental form, as in Finch 2009, "Incremental calculation of
 * weighted mean and variance"): for a new value x with weight alpha,
 *   diff = x − mean;  incr = alpha·diff;  mean ← mean + incr;  var ← (1 − alpha)·(var + diff·incr).
 */

export interface Ewma {
  mean: number;
  variance: number;
  /** values folded in so far */
  n: number;
}

export const newEwma = (): Ewma => ({ mean: 0, variance: 0, n: 0 });

/** Folds one value in (the first value sets the mean). */
export function ewmaUpdate(s: Ewma, x: number, alpha: number): void {
  if (!Number.isFinite(x)) return;
  if (s.n === 0) {
    s.mean = x;
    s.variance = 0;
  } else {
    const diff = x - s.mean;
    const incr = alpha * diff;
    s.mean += incr;
    s.variance = (1 - alpha) * (s.variance + diff * incr);
  }
  s.n++;
}

/** Most zero-valued buckets folded in one by one; beyond it the state is reset to zeros (the old past weighs nothing). */
export const MAX_ZERO_STEPS = 2048;

/** Folds in `k` empty buckets (value 0), in bounded work. */
export function ewmaZeros(s: Ewma, k: number, alpha: number): void {
  if (k <= 0) return;
  if (k > MAX_ZERO_STEPS || (1 - alpha) ** k < 1e-12) {
    s.mean = 0;
    s.variance = 0;
    s.n += k;
    return;
  }
  for (let i = 0; i < k; i++) ewmaUpdate(s, 0, alpha);
}

export interface Thresholds {
  sigma: number;
  factor: number;
  min: number;
}

/**
 * The value a bucket must reach to be a spike: the largest of mean + sigma·stddev, factor·mean and min. The standard
 * deviation has a floor of √mean (Poisson noise for counts) and 1, so that a perfectly regular past does not make
 * every small wobble a spike.
 */
export function spikeThreshold(s: Ewma, t: Thresholds): number {
  return Math.max(s.mean + t.sigma * noiseFloor(s), t.factor * s.mean, t.min);
}

/** The standard deviation used by the test: at least √mean and 1. */
export const noiseFloor = (s: Ewma): number => Math.max(stddev(s), Math.sqrt(Math.max(0, s.mean)), 1);

/** A spike: value > mean + sigma·stddev, AND value > factor·mean, AND value ≥ min (all three). */
export function isSpike(value: number, s: Ewma, t: Thresholds): boolean {
  return value >= t.min && value > s.mean + t.sigma * noiseFloor(s) && value > t.factor * s.mean;
}

export const stddev = (s: Ewma): number => Math.sqrt(Math.max(0, s.variance));
