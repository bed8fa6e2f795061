import type { Expr, MatchExpr, RangeExpr, Value } from './ast.js';
import { canonicalIp, cidrContains, formatIp, parseCidr } from './cidr.js';
import { parseInstant, parseNumber } from './convert.js';
import type { FieldType } from './target.js';
import { valuePieces, valueText, type Piece } from './value.js';

/**
 * Where an evaluated filter finds its data: the value of a field (undefined when absent), the field's type, whether
 * it is a list, and the full-text test over the message.
 */
export interface EvalSource {
  get(field: string): unknown;
  type(field: string): FieldType;
  isArray(field: string): boolean;
  text(term: { value: string; prefix: boolean }): boolean;
}

/**
 * Evaluates a filter in memory with the semantics of the SQL the compiler produces (compile.ts): values compare as
 * SQLite compares them (numbers before text, text by code point), a JSON boolean is 1/0, an absent field makes a
 * condition false and `not` true. Used by the live tail, by `where` on result rows, and as the reference the SQL
 * path is tested against. The filter must have compiled once (compileFilter rejects what this would not decide).
 */
export function evaluate(e: Expr, src: EvalSource): boolean {
  switch (e.kind) {
    case 'and':
      return e.args.every((a) => evaluate(a, src));
    case 'or':
      return e.args.some((a) => evaluate(a, src));
    case 'not':
      return !evaluate(e.arg, src);
    case 'all':
      return true;
    case 'text': {
      const v = e.value;
      const text = valueText(v);
      if (v.wildcard) return src.text({ value: text.slice(0, -1), prefix: true });
      return src.text({ value: text, prefix: false });
    }
    case 'exists':
      return values(src, e.field).some((x) => x !== null && x !== undefined);
    case 'match': {
      const type = src.type(e.field);
      const test = matcher(type, e);
      return values(src, e.field).some((x) => x !== null && x !== undefined && test(sqlValue(x, type, e.field)));
    }
    case 'range': {
      const type = src.type(e.field);
      const test = ranger(type, e);
      return values(src, e.field).some((x) => x !== null && x !== undefined && test(sqlValue(x, type, e.field)));
    }
  }
}

type Sql = number | string;

/** The values a condition is tried on: the elements of a list field, else the one value. */
function values(src: EvalSource, field: string): unknown[] {
  const v = src.get(field);
  if (v === undefined) return [];
  if (src.isArray(field) && Array.isArray(v)) return v as unknown[];
  return [v];
}

/** What SQLite sees: JSON true/false as 1/0, objects and lists as their JSON text, dates as epoch milliseconds. */
function sqlValue(x: unknown, type: FieldType, _field: string): Sql {
  if (typeof x === 'boolean') return x ? 1 : 0;
  if (typeof x === 'number') return x;
  if (typeof x === 'string') {
    if (type === 'date') {
      const ms = Date.parse(x);
      return Number.isNaN(ms) ? x : ms;
    }
    return x;
  }
  return JSON.stringify(x);
}

/** SQLite's order for numbers and text: every number sorts before every text; text by UTF-8 bytes. */
export function sqlCompare(a: Sql, b: Sql): number {
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'number') return -1;
  if (typeof b === 'number') return 1;
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

function matcher(type: FieldType, e: MatchExpr): (x: Sql) => boolean {
  const v = e.value;
  if (v.wildcard) {
    const pieces = valuePieces(v);
    return (x) => globMatch(pieces, String(x));
  }
  const text = valueText(v);
  switch (type) {
    case 'keyword': {
      const n = looseNumber(v);
      return (x) => x === text || (n !== null && x === n);
    }
    case 'text':
      return (x) => x === text;
    case 'ip': {
      if (text.includes('/')) {
        const net = parseCidr(text);
        const cidr = net ? `${formatIp(net.bytes)}/${net.prefix}` : '';
        return (x) => typeof x === 'string' && net !== null && cidrContains(x, cidr);
      }
      const ip = canonicalIp(text);
      return (x) => x === ip;
    }
    case 'boolean': {
      const b = text.toLowerCase() === 'true' ? 1 : 0;
      return (x) => x === b;
    }
    case 'number':
      return (x) => x === parseNumber(text);
    case 'date':
      return (x) => x === parseInstant(text);
  }
}

function ranger(type: FieldType, e: RangeExpr): (x: Sql) => boolean {
  const op = e.op;
  const ok = (c: number): boolean => (op === '>' ? c > 0 : op === '>=' ? c >= 0 : op === '<' ? c < 0 : c <= 0);
  const text = valueText(e.value);
  switch (type) {
    case 'keyword': {
      const n = looseNumber(e.value);
      return (x) => ok(sqlCompare(x, n !== null && typeof x === 'number' ? n : text));
    }
    case 'number': {
      const n = parseNumber(text) ?? 0;
      return (x) => ok(sqlCompare(x, n));
    }
    case 'date': {
      const n = parseInstant(text) ?? 0;
      return (x) => ok(sqlCompare(x, n));
    }
    default:
      return (x) => ok(sqlCompare(x, text));
  }
}

function looseNumber(v: Value): number | null {
  return v.quoted ? null : parseNumber(valueText(v));
}

/** Steps one wildcard match may take (pattern × text at worst); past it the value counts as not matching. */
export const GLOB_STEPS = 4_000_000;

/**
 * SQLite GLOB over code points: `*` any run, `?` one character, the rest literal and case-sensitive. Bounded: a
 * hostile pattern against a long value stops after GLOB_STEPS steps (no match) instead of holding the thread.
 */
export function globMatch(pieces: readonly Piece[], input: string): boolean {
  // a pattern element: a literal character, or -1 for `*` and -2 for `?`
  const pat: (string | -1 | -2)[] = [];
  for (const p of pieces) {
    if ('literal' in p) for (const ch of p.literal) pat.push(ch);
    else pat.push(p.wildcard === '*' ? -1 : -2);
  }
  const s = Array.from(input);
  // iterative matcher with one backtrack point: O(len(pattern) * len(input)) at worst, never exponential
  let i = 0;
  let j = 0;
  let star = -1;
  let mark = 0;
  let steps = 0;
  while (i < s.length) {
    if (++steps > GLOB_STEPS) return false;
    const p = pat[j];
    if (p === -2 || (p !== undefined && p !== -1 && p === s[i])) {
      i++;
      j++;
    } else if (p === -1) {
      star = j++;
      mark = i;
    } else if (star >= 0) {
      j = star + 1;
      i = ++mark;
    } else return false;
  }
  while (pat[j] === -1) j++;
  return j === pat.length;
}
