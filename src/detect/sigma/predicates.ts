import { BlockList, isIP } from 'node:net';
import type { LogSource, DetectionItem } from './model.js';
import { applyModifiers, compileSigmaRegex, type Alt, type ItemSpec, type TimePart } from './modifiers.js';
import { foldParts, patternTest, type StrTest } from './pattern.js';
import { chainTest } from './regex-chain.js';
import { regexNeed } from './regex-literals.js';
import { fieldGetter, fieldKey, keywordKey, keywordTexts, slotOf, texts, type EventView, type Getter } from './fields.js';

/*
 * Detection items compiled to predicates over an EventView. Each item also states what the prefilter may require:
 * literals (lower-cased) one of which must occur in the field, or whole values one of which the field must equal.
 */

export type Pred = (v: EventView) => boolean;

/** A necessary condition of an item: the field (key) contains one of `lits` or equals one of `exact`. */
export interface Need {
  key: string;
  lits: string[];
  exact: string[];
}

export interface CompiledItem {
  test: Pred;
  /** undefined: the item can be true without any literal (no prefilter) */
  need: Need | undefined;
  /** evaluation cost class: 0 exists/equality, 1 patterns, 2 regex */
  cost: number;
  text: string;
  /** the field's getter (undefined for keyword items) */
  get: Getter | undefined;
  /**
   * The item alternative by alternative, when each has a literal or whole value the prefilter looks for: per
   * original value (AND under `all`, else OR), its alternatives, each true when its need was seen and, unless the
   * stamp alone decides it (whole values; `*literal*` short enough to be scanned whole, case-insensitive), `verify`.
   */
  plan?: { all: boolean; groups: Array<Array<{ need: Need | undefined; verify: Pred | undefined }>> };
}

export const MAX_SCAN_LITERAL = 10;

/** The item alternative by alternative (see CompiledItem.plan); undefined for other types than plain strings. */
function altPlan(spec: ItemSpec, key: string, get: Getter | undefined, implicitContains: boolean): CompiledItem['plan'] {
  if (spec.type !== 'str' || spec.neq) return undefined;
  const slot = slotOf(key);
  const groups: Array<Array<{ need: Need | undefined; verify: Pred | undefined }>> = [];
  for (const alts of spec.values) {
    const g: Array<{ need: Need | undefined; verify: Pred | undefined }> = [];
    for (const a of alts) {
      const x = altNeed(a, implicitContains);
      if (!x) {
        // no literal to look for: always tested (null: the field is absent or null)
        const tests = altTests(a, spec.cased, implicitContains);
        const cased = spec.cased;
        const g0 = get;
        g.push({ need: undefined, verify: a.kind === 'null' ? (v) => (g0 ? isNullish(g0(v)) : false) : (v) => anyAlt(valuesOf(v, slot, get, cased), tests) });
        continue;
      }
      const need: Need = { key, lits: x.lit !== undefined ? [x.lit] : [], exact: x.exact ?? [] };
      let decided = !spec.cased && x.exact !== undefined;
      if (!spec.cased && x.lit !== undefined && a.kind === 'str' && x.lit.length <= MAX_SCAN_LITERAL) {
        const p = implicitContains ? a.parts.filter((q) => q.t !== 'star') : a.parts;
        const inner = implicitContains ? p : p.length === 3 && p[0]?.t === 'star' && p[2]?.t === 'star' ? [p[1]] : [];
        decided = inner.length === 1 && inner[0]?.t === 'lit' && inner[0].s.toLowerCase() === x.lit && inner[0].s.length === x.lit.length;
      }
      let verify: Pred | undefined;
      if (!decided) {
        const tests = altTests(a, spec.cased, implicitContains);
        const cased = spec.cased;
        verify = (v) => anyAlt(valuesOf(v, slot, get, cased), tests);
      }
      g.push({ need, verify });
    }
    groups.push(g);
  }
  return { all: spec.all, groups };
}

/** Lower-cased (or as is, when cased) text values of a field, cached per event. */
function valuesOf(v: EventView, key: number, get: Getter | undefined, cased: boolean): readonly string[] {
  const cache = cased ? v.text : v.lower;
  let out = cache.get(key);
  if (out === undefined) {
    const raw = get ? texts(get(v)) : keywordTexts(v).flatMap((x) => texts(x));
    out = cased ? raw : raw.map((s) => s.toLowerCase());
    cache.set(key, out);
  }
  return out;
}

export function lowerValues(v: EventView, key: number, get: Getter | undefined): readonly string[] {
  return valuesOf(v, key, get, false);
}

/** Text values of a field as they are (the cased cache). */
export function textValues(v: EventView, key: number, get: Getter | undefined): readonly string[] {
  return valuesOf(v, key, get, true);
}

/** String tests of one alternative. */
function altTests(a: Alt, cased: boolean, implicitContains: boolean): StrTest[] {
  switch (a.kind) {
    case 'str': {
      let parts = cased ? a.parts : foldParts(a.parts);
      if (implicitContains) {
        parts = [...parts];
        if (parts[0]?.t !== 'star') parts.unshift({ t: 'star' });
        if (parts[parts.length - 1]?.t !== 'star') parts.push({ t: 'star' });
      }
      return [patternTest(parts)];
    }
    case 'num': {
      const forms = new Set([a.raw.toLowerCase(), String(a.value)]);
      return [...forms].map((f) => (implicitContains ? (s: string) => s.includes(f) : (s: string) => s === f));
    }
    case 'bool': {
      const f = String(a.value);
      return [implicitContains ? (s: string) => s.includes(f) : (s: string) => s === f];
    }
    case 'null':
      return [];
  }
}

/** What the prefilter may require of one alternative: a literal, a whole value, or nothing (undefined). */
function altNeed(a: Alt, implicitContains: boolean): { lit?: string; exact?: string[] } | undefined {
  if (a.kind === 'num') return implicitContains ? { lit: a.raw.toLowerCase() } : { exact: [...new Set([a.raw.toLowerCase(), String(a.value)])] };
  if (a.kind === 'bool') return implicitContains ? { lit: String(a.value) } : { exact: [String(a.value)] };
  if (a.kind === 'null') return undefined;
  if (!implicitContains && a.parts.length === 1 && a.parts[0]?.t === 'lit') return { exact: [a.parts[0].s.toLowerCase()] };
  if (!implicitContains && a.parts.length === 0) return { exact: [''] };
  let best = '';
  for (const p of a.parts) if (p.t === 'lit' && p.s.length > best.length) best = p.s;
  // one character outside ASCII (homoglyphs, emoji, direction marks) is rare enough in log values to look for alone;
  // capital sigma is not: it lower-cases by context (final form)
  const rareOne = best.length === 1 && best.charCodeAt(0) >= 0x80 && best !== '\u03a3';
  return best.length >= 2 || rareOne ? { lit: best.toLowerCase() } : undefined;
}

function needOf(spec: ItemSpec, key: string, implicitContains: boolean): Need | undefined {
  if (spec.type !== 'str' || spec.neq) return undefined;
  // one original value suffices under `all` (each must match); pick the one with the longest shortest literal
  const groups = spec.all ? spec.values : [spec.values.flat()];
  let best: Need | undefined;
  let bestScore = -1;
  for (const alts of groups) {
    const n: Need = { key, lits: [], exact: [] };
    let ok = alts.length > 0;
    let score = Infinity;
    for (const a of alts) {
      const x = altNeed(a, implicitContains);
      if (!x) {
        ok = false;
        break;
      }
      if (x.lit !== undefined) {
        n.lits.push(x.lit);
        score = Math.min(score, x.lit.length);
      }
      if (x.exact) n.exact.push(...x.exact);
    }
    if (ok && score > bestScore) {
      best = n;
      bestScore = score;
    }
  }
  return best;
}

/** A regex item's need: under `all` one value's literals (the best), else every value's (see regexNeed). */
function regexItemNeed(spec: ItemSpec, key: string): Need | undefined {
  const groups = spec.all ? spec.values : [spec.values.flat()];
  let best: Need | undefined;
  let bestScore = -1;
  for (const alts of groups) {
    const lits: string[] = [];
    for (const a of alts) {
      const l = a.kind === 'str' ? regexNeed(compileSigmaRegex(a.raw, spec.re)) : undefined;
      if (!l) {
        lits.length = 0;
        break;
      }
      lits.push(...l);
    }
    const score = lits.length > 0 ? Math.min(...lits.map((l) => l.length)) : -1;
    if (score > bestScore) {
      best = { key, lits: [...new Set(lits)], exact: [] };
      bestScore = score;
    }
  }
  return best;
}

function anyAlt(values: readonly string[], tests: readonly StrTest[]): boolean {
  for (const s of values) for (const t of tests) if (t(s)) return true;
  return false;
}

function isNullish(v: unknown): boolean {
  return v === undefined || v === null;
}

function cidrTest(spec: ItemSpec): (s: string) => boolean {
  const list = new BlockList();
  for (const alts of spec.values) {
    for (const a of alts) {
      if (a.kind !== 'str') continue;
      const [net = '', bits] = a.raw.trim().split('/');
      const kind = isIP(net);
      if (kind === 0) throw new Error(`cidr: '${a.raw}' is not an address or network`);
      const prefix = bits === undefined ? (kind === 4 ? 32 : 128) : Number(bits);
      if (!Number.isInteger(prefix) || prefix < 0 || prefix > (kind === 4 ? 32 : 128)) throw new Error(`cidr: bad prefix in '${a.raw}'`);
      list.addSubnet(net, prefix, kind === 4 ? 'ipv4' : 'ipv6');
    }
  }
  return (s) => {
    const kind = isIP(s);
    return kind !== 0 && list.check(s, kind === 4 ? 'ipv4' : 'ipv6');
  };
}

/** ISO week number (1–53) of a UTC date. */
function isoWeek(d: Date): number {
  const t = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  const day = t.getUTCDay() || 7;
  t.setUTCDate(t.getUTCDate() + 4 - day);
  const yearStart = Date.UTC(t.getUTCFullYear(), 0, 1);
  return Math.ceil((t.getTime() - yearStart) / 86_400_000 / 7 + 1 / 7);
}

function timeOf(s: string, part: TimePart): number | undefined {
  const ms = /^\d+(\.\d+)?$/.test(s) ? Number(s) * (Number(s) < 1e11 ? 1000 : 1) : Date.parse(s);
  if (!Number.isFinite(ms)) return undefined;
  const d = new Date(ms);
  switch (part) {
    case 'minute':
      return d.getUTCMinutes();
    case 'hour':
      return d.getUTCHours();
    case 'day':
      return d.getUTCDate();
    case 'week':
      return isoWeek(d);
    case 'month':
      return d.getUTCMonth() + 1;
    case 'year':
      return d.getUTCFullYear();
  }
}

function describe(item: DetectionItem): string {
  const name = `${item.field ?? ''}${item.modifiers.map((m) => `|${m}`).join('')}`;
  const vals = item.values.map((v) => (v.kind === 'string' ? `'${v.raw}'` : v.kind === 'null' ? 'null' : String(v.kind === 'number' ? v.raw : v.value)));
  const shown = vals.length > 3 ? `${vals.slice(0, 3).join(', ')}, … (${vals.length})` : vals.join(', ');
  return name.length > 0 ? `${name} ${shown}` : shown;
}

/** Compiles one detection item of a rule with this logsource. Throws on values that cannot be compiled. */
export function compileItem(item: DetectionItem, ls: LogSource, placeholders: Record<string, readonly string[]>): CompiledItem {
  const spec = applyModifiers(item.field, item.modifiers, item.values, placeholders);
  const field = item.field;
  const get = field !== undefined ? fieldGetter(field, ls) : undefined;
  const key = field !== undefined ? fieldKey(field, ls) : keywordKey(ls);
  const slot = slotOf(key);
  const text = describe(item);
  const keyword = field === undefined;
  const implicitContains = keyword && !spec.anchored;
  const combine = (one: (alts: readonly Alt[]) => Pred): Pred => {
    const preds = spec.values.map((alts) => one(alts));
    if (preds.length === 1 && preds[0]) return preds[0];
    return spec.all ? (v) => preds.every((p) => p(v)) : (v) => preds.some((p) => p(v));
  };
  switch (spec.type) {
    case 'exists': {
      const want = spec.values[0]?.[0]?.kind === 'bool' ? spec.values[0][0].value : true;
      const g = get ?? (() => undefined);
      return { test: (v) => (g(v) !== undefined) === want, need: undefined, cost: 0, text, get };
    }
    case 'str': {
      const cased = spec.cased;
      const g = get;
      if (spec.neq) {
        const tests = spec.values.flat().flatMap((a) => altTests(a, cased, false));
        const wantNull = spec.values.flat().some((a) => a.kind === 'null');
        return {
          test: (v) => {
            if (g && isNullish(g(v))) return false;
            const vals = valuesOf(v, slot, g, cased);
            return (!wantNull || vals.length > 0) && !anyAlt(vals, tests);
          },
          need: undefined,
          cost: 1,
          text,
          get,
        };
      }
      const test = combine((alts) => {
        const tests = alts.flatMap((a) => altTests(a, cased, implicitContains));
        const nullOk = alts.some((a) => a.kind === 'null');
        if (nullOk && g) return (v) => isNullish(g(v)) || anyAlt(valuesOf(v, slot, g, cased), tests);
        return (v) => anyAlt(valuesOf(v, slot, g, cased), tests);
      });
      const allExact = spec.values.every((alts) => alts.every((a) => a.kind !== 'str' || (a.parts.length <= 1 && a.parts.every((p) => p.t === 'lit'))));
      const c: CompiledItem = { test, need: needOf(spec, key, implicitContains), cost: allExact ? 0 : 1, text, get };
      const plan = altPlan(spec, key, get, implicitContains);
      if (plan) c.plan = plan;
      return c;
    }
    case 're': {
      // literal chains (`\+.*\+.*\+`) decided in linear time, other expressions by RegExp
      const res = spec.values.map((alts) =>
        alts.flatMap((a): StrTest[] => {
          if (a.kind !== 'str') return [];
          const re = compileSigmaRegex(a.raw, spec.re);
          return [chainTest(re) ?? ((s) => re.test(s))];
        }),
      );
      const g = get;
      const preds: Pred[] = res.map((rs) => (v) => {
        for (const s of valuesOf(v, slot, g, true)) for (const r of rs) if (r(s)) return true;
        return false;
      });
      const test: Pred = preds.length === 1 && preds[0] ? preds[0] : spec.all ? (v) => preds.every((p) => p(v)) : (v) => preds.some((p) => p(v));
      return { test, need: regexItemNeed(spec, key), cost: 2, text, get };
    }
    case 'cidr': {
      const t = cidrTest(spec);
      const g = get;
      return { test: (v) => valuesOf(v, slot, g, true).some((s) => t(s.trim())), need: undefined, cost: 1, text, get };
    }
    case 'cmp': {
      const op = spec.cmp;
      const part = spec.timePart;
      const g = get;
      const numbers = (v: EventView): number[] => {
        const out: number[] = [];
        for (const s of valuesOf(v, slot, g, true)) {
          const n = part !== undefined ? timeOf(s, part) : s.trim().length > 0 ? Number(s) : NaN;
          if (n !== undefined && Number.isFinite(n)) out.push(n);
        }
        return out;
      };
      const cmp = (x: number, want: number): boolean => (op === 'gt' ? x > want : op === 'gte' ? x >= want : op === 'lt' ? x < want : op === 'lte' ? x <= want : x === want);
      const test = combine((alts) => {
        const wants = alts.flatMap((a) => (a.kind === 'num' ? [a.value] : []));
        return (v) => numbers(v).some((x) => wants.some((w) => cmp(x, w) !== spec.neq));
      });
      return { test, need: undefined, cost: 1, text, get };
    }
    case 'fieldref': {
      const g = get;
      const refs = spec.values.flat().flatMap((a) => (a.kind === 'str' ? [{ slot: slotOf(fieldKey(a.raw, ls)), get: fieldGetter(a.raw, ls) }] : []));
      const cased = spec.cased;
      const test: Pred = (v) => {
        const mine = valuesOf(v, slot, g, cased);
        if (mine.length === 0) return false;
        const eq = refs.some((r) => {
          const other = valuesOf(v, r.slot, r.get, cased);
          return mine.some((s) => other.includes(s));
        });
        return eq !== spec.neq;
      };
      return { test, need: undefined, cost: 1, text, get };
    }
  }
}
