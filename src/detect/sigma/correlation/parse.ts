import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import type { RawCorrelation } from '../model.js';
import type { RuleMeta, RuleProblem } from '../../types.js';
import { CONDITION_OPS, CORRELATION_TYPES, type ConditionOp, type CorrelationRule, type CorrelationType, type Criterion } from './model.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

const LEVELS = new Set(['informational', 'low', 'medium', 'high', 'critical']);
const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
/** the longest window accepted: state is kept for a timespan, so it must stay bounded */
export const MAX_TIMESPAN_MS = 31 * 86_400_000;
const MAX_RULE_REFS = 100;
const MAX_GROUP_BY = 16;

class CorrelationError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function fail(code: string, message: string): never {
  throw new CorrelationError(code, message);
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);

function strList(v: unknown, what: string, max: number): string[] {
  if (v === undefined || v === null) return [];
  const list = typeof v === 'string' ? [v] : Array.isArray(v) ? v : fail('SIGMA_CORR_BAD_LIST', `${what} must be a list of strings`);
  if (list.length > max) fail('SIGMA_CORR_BAD_LIST', `${what}: more than ${max} entries`);
  const out: string[] = [];
  for (const x of list) {
    const s = str(x);
    if (s === undefined || s.length === 0) fail('SIGMA_CORR_BAD_LIST', `${what} must be a list of non-empty strings`);
    if (out.includes(s)) fail('SIGMA_CORR_DUPLICATE', `${what}: '${s}' is listed twice`);
    out.push(s);
  }
  return out;
}

/** `5m`, `90s`, `1h`, `2d` → milliseconds. */
export function parseTimespan(v: unknown): number {
  const s = str(v);
  const m = s === undefined ? null : /^(\d{1,9})([smhd])$/.exec(s);
  if (!m) fail('SIGMA_CORR_BAD_TIMESPAN', `timespan '${String(v)}' must be a number and one of s, m, h, d (e.g. 5m)`);
  const ms = Number(m[1]) * (UNIT_MS[m[2] as string] ?? 0);
  if (ms <= 0) fail('SIGMA_CORR_BAD_TIMESPAN', 'timespan must be greater than zero');
  if (ms > MAX_TIMESPAN_MS) fail('SIGMA_CORR_BAD_TIMESPAN', `timespan '${s ?? ''}' is longer than 31 days`);
  return ms;
}

function parseCondition(v: unknown, type: CorrelationType): { criteria: Criterion[]; fields: string[] } {
  const needsField = type === 'value_count' || type === 'value_sum' || type === 'value_avg' || type === 'value_percentile';
  const temporal = type === 'temporal' || type === 'temporal_ordered';
  if (v === undefined || v === null) {
    if (temporal) return { criteria: [], fields: [] };
    fail('SIGMA_CORR_MISSING_CONDITION', `a ${type} correlation needs a condition`);
  }
  if (!isObj(v)) fail('SIGMA_CORR_BAD_CONDITION', 'condition must be a map such as {gte: 10}');
  const criteria: Criterion[] = [];
  let fields: string[] = [];
  for (const [k, val] of Object.entries(v)) {
    if (k === 'field') {
      fields = strList(val, 'condition.field', 16);
      continue;
    }
    if (!(CONDITION_OPS as readonly string[]).includes(k)) fail('SIGMA_CORR_BAD_CONDITION', `unknown condition operator '${k}' (one of ${CONDITION_OPS.join(', ')}, field)`);
    if (typeof val !== 'number' || !Number.isFinite(val)) fail('SIGMA_CORR_BAD_CONDITION', `condition ${k} must be a number`);
    criteria.push({ op: k as ConditionOp, value: val });
  }
  if (criteria.length === 0) fail('SIGMA_CORR_BAD_CONDITION', 'condition needs at least one of gt, gte, lt, lte, eq, neq');
  if (needsField && fields.length === 0) fail('SIGMA_CORR_MISSING_FIELD', `a ${type} correlation needs condition.field`);
  if (!needsField && fields.length > 0) fail('SIGMA_CORR_BAD_CONDITION', `condition.field does not apply to ${type}`);
  if (type !== 'value_count' && fields.length > 1) fail('SIGMA_CORR_BAD_CONDITION', `${type} takes one condition.field`);
  if (type === 'value_percentile' && criteria.some((c) => c.value < 0 || c.value > 100)) fail('SIGMA_CORR_BAD_CONDITION', 'value_percentile compares a percentage: 0 to 100');
  return { criteria, fields };
}

function parseAliases(v: unknown): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>();
  if (v === undefined || v === null) return out;
  if (!isObj(v)) fail('SIGMA_CORR_BAD_ALIASES', 'aliases must map alias names to {rule name: field}');
  for (const [alias, m] of Object.entries(v)) {
    if (!isObj(m)) fail('SIGMA_CORR_BAD_ALIASES', `alias '${alias}' must map rule names to field names`);
    const inner = new Map<string, string>();
    for (const [rule, field] of Object.entries(m)) {
      const f = str(field);
      if (f === undefined || f.length === 0) fail('SIGMA_CORR_BAD_ALIASES', `alias '${alias}': the field for rule '${rule}' must be a string`);
      inner.set(rule, f);
    }
    out.set(alias, inner);
  }
  return out;
}

function meta(doc: Obj, raw: RawCorrelation): RuleMeta {
  const title = str(doc['title']);
  if (title === undefined || title.length === 0) fail('SIGMA_MISSING_TITLE', 'a correlation rule needs a title');
  const level = (str(doc['level']) ?? 'medium').toLowerCase();
  if (!LEVELS.has(level)) fail('SIGMA_BAD_LEVEL', `level '${level}' is not one of ${[...LEVELS].join(', ')}`);
  const tags = Array.isArray(doc['tags']) ? doc['tags'].map(str).filter((t): t is string => t !== undefined).map((t) => t.toLowerCase()) : [];
  const m: RuleMeta = {
    id: str(doc['id']) ?? `${basename(raw.location.file)}:${raw.location.line ?? 0}`,
    title,
    level,
    tags,
    generate: true,
    location: raw.location,
  };
  const status = str(doc['status']);
  if (status !== undefined) m.status = status;
  const description = str(doc['description']);
  if (description !== undefined) m.description = description;
  const name = str(doc['name']);
  if (name !== undefined) m.name = name;
  return m;
}

/** Validates one correlation document (spec v2.1 and its JSON schema). */
export function parseCorrelation(raw: RawCorrelation): CorrelationRule {
  const doc = raw.doc;
  const m = meta(doc, raw);
  const c = doc['correlation'];
  if (!isObj(c)) fail('SIGMA_CORR_BAD_SECTION', 'correlation must be a map with type, rules, group-by, timespan and condition');
  for (const k of Object.keys(c)) {
    if (!['type', 'rules', 'group-by', 'timespan', 'condition', 'aliases', 'generate'].includes(k)) fail('SIGMA_CORR_UNKNOWN_KEY', `unknown key correlation.${k}`);
  }
  const type = str(c['type']);
  if (type === undefined || !(CORRELATION_TYPES as readonly string[]).includes(type)) fail('SIGMA_CORR_BAD_TYPE', `correlation type '${String(c['type'])}' is not one of ${CORRELATION_TYPES.join(', ')}`);
  const t = type as CorrelationType;
  const rules = strList(c['rules'], 'correlation.rules', MAX_RULE_REFS);
  if (rules.length === 0) fail('SIGMA_CORR_NO_RULES', 'correlation.rules must name at least one rule');
  if (t === 'temporal_ordered' && rules.length < 2) fail('SIGMA_CORR_NO_RULES', 'temporal_ordered needs at least two rules');
  if (!('group-by' in c)) fail('SIGMA_CORR_MISSING_GROUP_BY', 'correlation.group-by is required (an empty list groups every event together)');
  const groupBy = strList(c['group-by'], 'correlation.group-by', MAX_GROUP_BY);
  if (!('timespan' in c)) fail('SIGMA_CORR_BAD_TIMESPAN', 'correlation.timespan is required');
  const timespanMs = parseTimespan(c['timespan']);
  const { criteria, fields } = parseCondition(c['condition'], t);
  const aliases = parseAliases(c['aliases']);
  for (const a of aliases.keys()) if (!groupBy.includes(a)) fail('SIGMA_CORR_BAD_ALIASES', `alias '${a}' is not used in group-by`);
  const gen = doc['generate'] ?? c['generate'];
  if (gen !== undefined && typeof gen !== 'boolean') fail('SIGMA_CORR_BAD_GENERATE', 'generate must be true or false');
  const def = { type: t, rules, groupBy, timespanMs, criteria, fields, aliases: [...aliases].map(([k, v]) => [k, [...v]]) };
  return {
    kind: 'correlation',
    meta: m,
    type: t,
    rules,
    groupBy,
    aliases,
    timespanMs,
    timespan: str(c['timespan']) ?? '',
    condition: criteria,
    fields,
    generateReferenced: gen === true,
    fingerprint: createHash('sha256').update(JSON.stringify(def)).digest('hex').slice(0, 16),
  };
}

/** Parses every correlation document; each invalid one becomes a problem (never thrown). */
export function parseCorrelations(raws: readonly RawCorrelation[], problems: RuleProblem[]): CorrelationRule[] {
  const out: CorrelationRule[] = [];
  for (const raw of raws) {
    try {
      out.push(parseCorrelation(raw));
    } catch (e) {
      const id = str(raw.doc['id']);
      const p: RuleProblem = {
        code: e instanceof CorrelationError ? e.code : 'SIGMA_CORR_INTERNAL',
        message: e instanceof Error ? e.message : String(e),
        location: raw.location,
      };
      if (id !== undefined) p.ruleId = id;
      problems.push(p);
    }
  }
  return out;
}
