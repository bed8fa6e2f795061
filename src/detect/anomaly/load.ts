import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { LineCounter, parseAllDocuments } from 'yaml';
import { errorMessage } from '../../core/errors.js';
import { tailFilter } from '../../search/tail.js';
import type { RuleLocation, RuleMeta, RuleProblem } from '../types.js';
import { DETECTOR_KEY, DETECTOR_TYPES, type AnomalyRule, type BaselineRule, type DetectorType, type Metric, type SilenceRule } from './model.js';

/*
 * Vigil detector documents: YAML beside Sigma rules, told apart by a top-level `vigil: baseline` or `vigil: silence`
 * (docs/anomaly.md). The Sigma loader reports such documents as lacking a detection; the rule set drops those problems
 * for the documents this loader claims (same file and position).
 */

const MAX_FILE_BYTES = 4 * 1024 * 1024;
const LEVELS = new Set(['informational', 'low', 'medium', 'high', 'critical']);
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const MAX_DURATION_MS = 31 * 86_400_000;
const FIELD = /^[A-Za-z_@][\w.@-]{0,127}$/;

class AnomalyLoadError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const fail = (code: string, message: string): never => {
  throw new AnomalyLoadError(code, message);
};

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `10s`, `1m`, `500ms`, `1.5h` → milliseconds. */
export function parseDuration(v: unknown, what: string): number {
  const m = typeof v === 'string' ? /^(\d{1,9}(?:\.\d{1,3})?)(ms|s|m|h|d)$/.exec(v.trim()) : null;
  if (!m) return fail('VIGIL_ANOMALY_BAD_DURATION', `${what} '${String(v)}' must be a number and one of ms, s, m, h, d (e.g. 1m)`);
  const ms = Number(m[1]) * (UNIT_MS[m[2] as string] ?? 0);
  if (!(ms >= 1) || ms > MAX_DURATION_MS) fail('VIGIL_ANOMALY_BAD_DURATION', `${what} '${String(v)}' must be between 1ms and 31d`);
  return Math.round(ms);
}

function num(doc: Obj, key: string, dflt: number, min: number, max: number): number {
  const v = doc[key];
  if (v === undefined) return dflt;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) fail('VIGIL_ANOMALY_BAD_VALUE', `${key} must be a number from ${min} to ${max}`);
  return v as number;
}

function field(v: unknown, what: string): string {
  if (typeof v !== 'string' || !FIELD.test(v)) return fail('VIGIL_ANOMALY_BAD_FIELD', `${what} must be a field name such as source.ip`);
  return v;
}

/** `count`, `sum(network.bytes)`, `dc(destination.port)` (also `distinct(...)`). */
export function parseMetric(v: unknown): Metric {
  if (v === undefined || v === 'count' || v === 'count()') return { kind: 'count' };
  const m = typeof v === 'string' ? /^(sum|dc|distinct)\(\s*([^()\s]+)\s*\)$/.exec(v.trim()) : null;
  if (!m) return fail('VIGIL_ANOMALY_BAD_METRIC', `metric ${JSON.stringify(v) ?? 'undefined'} must be count, sum(FIELD) or dc(FIELD)`);
  const f = field(m[2], 'the metric field');
  return m[1] === 'sum' ? { kind: 'sum', field: f } : { kind: 'dc', field: f };
}

const COMMON_KEYS = ['vigil', 'title', 'id', 'name', 'status', 'description', 'author', 'date', 'modified', 'tags', 'level', 'references', 'falsepositives', 'query', 'key', 'max_keys', 'generate'];
const BASELINE_KEYS = new Set([...COMMON_KEYS, 'metric', 'bucket', 'alpha', 'threshold', 'warmup', 'max_distinct', 'profile', 'season_alpha', 'season_warmup']);
const PROFILES = ['ewma', 'seasonal'];
const SILENCE_KEYS = new Set([...COMMON_KEYS, 'min_events', 'interval', 'multiplier', 'min_silence', 'max_silence']);

function meta(doc: Obj, location: RuleLocation, fallbackId: string): RuleMeta {
  const title = doc['title'];
  if (typeof title !== 'string' || title.length === 0) fail('VIGIL_ANOMALY_MISSING_TITLE', 'a rule needs a title');
  const level = typeof doc['level'] === 'string' ? doc['level'].toLowerCase() : 'medium';
  if (!LEVELS.has(level)) fail('VIGIL_ANOMALY_BAD_LEVEL', `level '${level}' is not one of ${[...LEVELS].join(', ')}`);
  const tags = Array.isArray(doc['tags']) ? doc['tags'].filter((t): t is string => typeof t === 'string').map((t) => t.toLowerCase()) : [];
  const m: RuleMeta = { id: typeof doc['id'] === 'string' ? doc['id'] : fallbackId, title: title as string, level, tags, generate: doc['generate'] !== false, location };
  if (typeof doc['status'] === 'string') m.status = doc['status'];
  if (typeof doc['description'] === 'string') m.description = doc['description'].trim();
  if (typeof doc['name'] === 'string') m.name = doc['name'];
  return m;
}

/** One detector document (already known to carry `vigil:`) as a rule; throws AnomalyLoadError. */
export function parseAnomalyRule(doc: Obj, location: RuleLocation, fallbackId: string): AnomalyRule {
  const type = doc[DETECTOR_KEY];
  if (typeof type !== 'string' || !(DETECTOR_TYPES as readonly string[]).includes(type)) fail('VIGIL_ANOMALY_BAD_TYPE', `vigil: '${String(type)}' must be one of ${DETECTOR_TYPES.join(', ')}`);
  const allowed = (type as DetectorType) === 'baseline' ? BASELINE_KEYS : SILENCE_KEYS;
  for (const k of Object.keys(doc)) if (!allowed.has(k)) fail('VIGIL_ANOMALY_UNKNOWN_KEY', `unknown key '${k}' in a ${String(type)} rule`);
  const m = meta(doc, location, fallbackId);
  const filterText = doc['query'] === undefined ? '*' : doc['query'];
  if (typeof filterText !== 'string' || filterText.length === 0 || filterText.length > 4096) return fail('VIGIL_ANOMALY_BAD_FILTER', 'query must be a query-language filter (text, at most 4096 characters)');
  let filter;
  try {
    filter = tailFilter(filterText);
  } catch (e) {
    return fail('VIGIL_ANOMALY_BAD_FILTER', `query: ${errorMessage(e)}`);
  }
  const rawKey = typeof doc['key'] === 'string' ? [doc['key']] : doc['key'];
  if (!Array.isArray(rawKey) || rawKey.length === 0 || rawKey.length > 8) return fail('VIGIL_ANOMALY_BAD_KEY', 'key must be a field or a list of 1 to 8 fields');
  const key = rawKey.map((f, i) => field(f, `key[${i}]`));
  const maxKeys = num(doc, 'max_keys', 10_000, 1, 1_000_000);
  const common = { meta: m, filterText, filter, key, maxKeys };
  if (type === 'baseline') {
    const th = doc['threshold'] ?? {};
    if (!isObj(th)) return fail('VIGIL_ANOMALY_BAD_THRESHOLD', 'threshold must be a map of sigma, factor, min');
    for (const k of Object.keys(th)) if (!['sigma', 'factor', 'min'].includes(k)) fail('VIGIL_ANOMALY_UNKNOWN_KEY', `unknown key 'threshold.${k}'`);
    const r: BaselineRule = {
      type: 'baseline',
      ...common,
      metric: parseMetric(doc['metric']),
      bucketMs: doc['bucket'] === undefined ? 60_000 : parseDuration(doc['bucket'], 'bucket'),
      alpha: num(doc, 'alpha', 0.1, 0.0001, 1),
      sigma: num(th, 'sigma', 4, 0, 1000),
      factor: num(th, 'factor', 3, 1, 1e9),
      min: num(th, 'min', 10, 0, 1e15),
      warmup: num(doc, 'warmup', 10, 0, 100_000),
      maxDistinct: num(doc, 'max_distinct', 10_000, 1, 1_000_000),
    };
    if (r.alpha <= 0) fail('VIGIL_ANOMALY_BAD_VALUE', 'alpha must be greater than 0');
    if (r.bucketMs < 1000) fail('VIGIL_ANOMALY_BAD_DURATION', 'bucket must be at least 1s');
    const profile = doc['profile'] ?? 'ewma';
    if (typeof profile !== 'string' || !PROFILES.includes(profile)) fail('VIGIL_ANOMALY_BAD_VALUE', `profile ${JSON.stringify(profile) ?? 'undefined'} must be one of ${PROFILES.join(', ')}`);
    if (profile === 'seasonal') {
      if (3_600_000 % r.bucketMs !== 0) fail('VIGIL_ANOMALY_BAD_DURATION', 'a seasonal profile needs a bucket that divides an hour (1m, 5m, 10m, 15m, 1h …)');
      r.season = { alpha: num(doc, 'season_alpha', 0.3, 0.0001, 1), warmupWeeks: num(doc, 'season_warmup', 2, 1, 52) };
      if (!Number.isInteger(r.season.warmupWeeks)) fail('VIGIL_ANOMALY_BAD_VALUE', 'season_warmup must be a whole number of weeks');
    } else if (doc['season_alpha'] !== undefined || doc['season_warmup'] !== undefined) fail('VIGIL_ANOMALY_BAD_VALUE', 'season_alpha and season_warmup need profile: seasonal');
    return r;
  }
  const r: SilenceRule = {
    type: 'silence',
    ...common,
    minEvents: num(doc, 'min_events', 10, 2, 1_000_000),
    multiplier: num(doc, 'multiplier', 5, 1, 10_000),
    minSilenceMs: doc['min_silence'] === undefined ? 300_000 : parseDuration(doc['min_silence'], 'min_silence'),
    maxSilenceMs: doc['max_silence'] === undefined ? 86_400_000 : parseDuration(doc['max_silence'], 'max_silence'),
  };
  if (doc['interval'] !== undefined && doc['interval'] !== 'learned') r.intervalMs = parseDuration(doc['interval'], 'interval');
  if (r.maxSilenceMs < r.minSilenceMs) fail('VIGIL_ANOMALY_BAD_DURATION', 'max_silence must not be shorter than min_silence');
  return r;
}

export interface AnomalyLoadResult {
  rules: AnomalyRule[];
  problems: RuleProblem[];
  /** `file:line:column` of every document claimed as a detector document (valid or not) */
  claimed: Set<string>;
}

export const claimKey = (l: RuleLocation): string => `${l.file}:${l.line ?? 0}:${l.column ?? 0}`;

/** Reads the detector documents of one YAML text (other documents are left to the Sigma loader). */
export function loadAnomalyText(text: string, file: string, out: AnomalyLoadResult): void {
  if (!text.includes(`${DETECTOR_KEY}:`)) return;
  const lc = new LineCounter();
  let docs;
  try {
    docs = parseAllDocuments(text, { lineCounter: lc, uniqueKeys: true });
  } catch {
    return; // the Sigma loader reports YAML syntax errors
  }
  if (!Array.isArray(docs)) return;
  docs.forEach((doc, i) => {
    if (doc.errors.length > 0) return;
    let js: unknown;
    try {
      js = doc.toJS({ maxAliasCount: 100 });
    } catch {
      return;
    }
    if (!isObj(js) || !(DETECTOR_KEY in js)) return;
    const off = doc.contents?.range?.[0];
    const p = off === undefined ? undefined : lc.linePos(off);
    const location: RuleLocation = p ? { file, line: p.line, column: p.col } : { file, line: 1, column: 1 };
    out.claimed.add(claimKey(location));
    try {
      out.rules.push(parseAnomalyRule(js, location, `${basename(file)}#${i + 1}`));
    } catch (e) {
      const prob: RuleProblem = { code: e instanceof AnomalyLoadError ? e.code : 'VIGIL_ANOMALY_INTERNAL', message: errorMessage(e), location };
      if (typeof js['id'] === 'string') prob.ruleId = js['id'];
      out.problems.push(prob);
    }
  });
}

/** The detector rules of some rule files; duplicate ids are problems (the second is dropped). */
export function loadAnomalyFiles(files: readonly string[], takenIds: ReadonlySet<string> = new Set()): AnomalyLoadResult {
  const out: AnomalyLoadResult = { rules: [], problems: [], claimed: new Set() };
  for (const f of files) {
    try {
      if (statSync(f).size > MAX_FILE_BYTES) continue; // reported by the Sigma loader
      loadAnomalyText(readFileSync(f, 'utf8'), f, out);
    } catch {
      // unreadable files are reported by the Sigma loader
    }
  }
  const seen = new Set(takenIds);
  out.rules = out.rules.filter((r) => {
    if (seen.has(r.meta.id)) {
      out.problems.push({ code: 'VIGIL_ANOMALY_DUPLICATE_ID', message: `rule id ${r.meta.id} is already used`, location: r.meta.location, ruleId: r.meta.id });
      return false;
    }
    seen.add(r.meta.id);
    return true;
  });
  return out;
}
