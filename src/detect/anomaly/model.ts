import type { Expr } from '../../query/ast.js';
import type { RuleMeta } from '../types.js';

/** What a baseline rule measures per key and bucket: events, the sum of a numeric field, or distinct values of a field. */
export type Metric = { kind: 'count' } | { kind: 'sum'; field: string } | { kind: 'dc'; field: string };

/** The top-level key that marks a Vigil detector document (beside Sigma's `detection` / `correlation`). */
export const DETECTOR_KEY = 'vigil';
export const DETECTOR_TYPES = ['baseline', 'silence'] as const;
export type DetectorType = (typeof DETECTOR_TYPES)[number];

interface Common {
  meta: RuleMeta;
  /** the query-language filter text ('*' = every event) and its parsed form */
  filterText: string;
  filter: Expr;
  /** the fields whose values make the key, e.g. ['source.ip'] or ['destination.ip', 'destination.port'] */
  key: string[];
  /** keys tracked at most (least recently seen evicted first, counted) */
  maxKeys: number;
}

/**
 * A baseline rule: per key, a metric over fixed buckets; an exponentially weighted mean and variance of past buckets is
 * the baseline. A bucket alerts once when its value exceeds mean + sigma·stddev AND factor·mean AND min, after the key
 * has been tracked for `warmup` buckets.
 */
export interface BaselineRule extends Common {
  type: 'baseline';
  metric: Metric;
  bucketMs: number;
  /** EWMA weight of the newest bucket (0 < alpha ≤ 1) */
  alpha: number;
  sigma: number;
  factor: number;
  /** the bucket's value must be at least this */
  min: number;
  /** buckets a key must have been tracked (closed buckets, empty ones included) before it can alert */
  warmup: number;
  /** distinct values kept per key and bucket at most (dc metric) */
  maxDistinct: number;
  /** `profile: seasonal`: per key, a baseline per hour-of-week slot as well (absent: the EWMA alone) */
  season?: Season;
}

/**
 * The seasonal profile: per key, 168 hour-of-week slots (UTC), each an EWMA of the buckets that fell in it; a slot
 * decides once it has learnt `warmupWeeks` weeks, before that the key's overall EWMA does. Buckets must divide an hour.
 */
export interface Season {
  /** weight of the newest week in a slot (0 < alpha ≤ 1) */
  alpha: number;
  /** weeks a slot learns before it is used */
  warmupWeeks: number;
}

/**
 * A silence rule: a key that has sent at least `minEvents` events is expected to keep sending; when nothing arrives for
 * max(minSilence, multiplier × learned interval) — or the configured `interval` × multiplier — it alerts once, until
 * it sends again.
 */
export interface SilenceRule extends Common {
  type: 'silence';
  minEvents: number;
  /** a fixed expected interval, ms (undefined: learned from the gaps between events) */
  intervalMs?: number;
  multiplier: number;
  minSilenceMs: number;
  maxSilenceMs: number;
}

export type AnomalyRule = BaselineRule | SilenceRule;
