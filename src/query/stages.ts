import type { Agg, AggFunc, Expr, Name, Pos, SortKey, Stage } from './ast.js';
import { parseError } from './errors.js';
import type { Token } from './lexer.js';
import { closest } from './suggest.js';

/** What the stage parser needs from the filter parser: the token cursor and the filter grammar (for `where`). */
export interface Cursor {
  peek(): Token;
  peekAt(offset: number): Token;
  next(): Token;
  /** the token consumed last */
  last(): Token;
  filter(): Expr;
  expected(what: string, t: Token): Error;
}

export const STAGE_NAMES = ['stats', 'timechart', 'top', 'rare', 'where', 'sort', 'head', 'fields'] as const;
export const AGG_FUNCS: readonly AggFunc[] = ['count', 'dc', 'sum', 'avg', 'min', 'max', 'values', 'percentile'];
/** The largest N of `head` and `top`/`rare`, and of a span in buckets. */
export const MAX_N = 1_000_000;

const NAME = /^[A-Za-z0-9_.@-]+$/;
const SPAN = /^([1-9][0-9]{0,5})(s|m|h|d|w)$/;
const SPAN_UNIT: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
/** `p95(x)` and `perc95(x)` are spellings of `percentile(x, 95)`. */
const PERCENTILE_ALIAS = /^(?:p|perc)([0-9]{1,2}(?:\.[0-9]+)?|100)$/;

/** Length of a `span=` value (`30s`, `5m`, `1h`, `1d`, `1w`) in milliseconds, or null. */
export function spanMs(text: string): number | null {
  const m = SPAN.exec(text);
  return m ? Number(m[1]) * (SPAN_UNIT[m[2] as string] as number) : null;
}

/** Parses one stage; the cursor stands just after its `|`. */
export function parseStage(c: Cursor, pipe: Token): Stage {
  const t = c.peek();
  if (t.kind !== 'word') throw c.expected(`a stage after '|' (${STAGE_NAMES.join(', ')})`, t);
  const kind = t.text.toLowerCase();
  switch (kind) {
    case 'stats': {
      c.next();
      const aggs = aggList(c);
      let by: Name[] = [];
      if (atWord(c, 'by')) {
        c.next();
        by = nameList(c, 'a field to group by');
      }
      return { kind, pos: from(pipe, c), aggs, by };
    }
    case 'timechart': {
      c.next();
      const s = c.peek();
      const m = /^span=(.*)$/i.exec(s.kind === 'word' ? s.text : '');
      if (!m) throw c.expected("'span=' and a length such as 5m, 1h or 1d", s);
      const span = m[1] ?? '';
      const ms = spanMs(span);
      if (ms === null) throw parseError(`'${span}' is not a span: use a number and s, m, h, d or w (5m, 1h, 1d)`, s.start + 5, 'a span such as 5m, 1h or 1d');
      c.next();
      const a = agg(c);
      if (!a) throw c.expected(`an aggregation (${AGG_FUNCS.join(', ')})`, c.peek());
      if (atWord(c, 'by')) {
        c.next();
        const by = name(c, 'a field to split by');
        return { kind, pos: from(pipe, c), span, spanMs: ms, agg: a, by };
      }
      return { kind, pos: from(pipe, c), span, spanMs: ms, agg: a };
    }
    case 'top':
    case 'rare': {
      c.next();
      const n = optionalCount(c) ?? 10;
      const field = name(c, 'a field');
      return { kind, pos: from(pipe, c), n, field };
    }
    case 'where': {
      c.next();
      const filter = c.filter();
      return { kind, pos: from(pipe, c), filter };
    }
    case 'sort': {
      c.next();
      const keys: SortKey[] = [];
      do {
        if (c.peek().kind === 'comma' && keys.length > 0) c.next();
        const k = c.peek();
        if (k.kind !== 'word') throw c.expected("a field to sort by, '-' before it for descending", k);
        const desc = k.text.startsWith('-');
        const plain = desc || k.text.startsWith('+') ? k.text.slice(1) : k.text;
        checkName(plain, k.start + (plain.length === k.text.length ? 0 : 1));
        c.next();
        keys.push({ field: { name: plain, pos: { start: k.end - plain.length, end: k.end } }, desc });
      } while (c.peek().kind === 'comma' || (c.peek().kind === 'word' && keys.length > 0));
      return { kind, pos: from(pipe, c), keys };
    }
    case 'head': {
      c.next();
      const n = optionalCount(c) ?? 10;
      return { kind, pos: from(pipe, c), n };
    }
    case 'fields': {
      c.next();
      return { kind, pos: from(pipe, c), fields: nameList(c, 'a field name') };
    }
    default: {
      const near = closest(kind, STAGE_NAMES);
      const hint = near.length > 0 ? ` (did you mean ${near.map((s) => `'${s}'`).join(' or ')}?)` : '';
      throw parseError(`unknown stage '${t.text}'${hint}`, t.start, `a stage: ${STAGE_NAMES.join(', ')}`);
    }
  }
}

function from(pipe: Token, c: Cursor): Pos {
  return { start: pipe.start, end: c.last().end };
}

function atWord(c: Cursor, word: string): boolean {
  const t = c.peek();
  return t.kind === 'word' && t.text.toLowerCase() === word;
}

function checkName(text: string, start: number): void {
  if (!NAME.test(text)) throw parseError(`invalid field name '${text}'`, start, "a field name of letters, digits, '_', '.', '@' or '-'");
}

function name(c: Cursor, what: string): Name {
  const t = c.peek();
  if (t.kind !== 'word') throw c.expected(what, t);
  checkName(t.text, t.start);
  c.next();
  return { name: t.text, pos: { start: t.start, end: t.end } };
}

function nameList(c: Cursor, what: string): Name[] {
  const out = [name(c, what)];
  for (;;) {
    if (c.peek().kind === 'comma') {
      c.next();
      out.push(name(c, what));
    } else if (c.peek().kind === 'word') {
      out.push(name(c, what));
    } else return out;
  }
}

function optionalCount(c: Cursor): number | undefined {
  const t = c.peek();
  if (t.kind !== 'word' || !/^[0-9]+$/.test(t.text)) return undefined;
  const n = Number(t.text);
  if (n < 1 || n > MAX_N) throw parseError(`${t.text} is not a count from 1 to ${MAX_N}`, t.start, 'a positive whole number');
  c.next();
  return n;
}

function aggList(c: Cursor): Agg[] {
  const first = agg(c);
  if (!first) throw c.expected(`an aggregation (${AGG_FUNCS.join(', ')})`, c.peek());
  const out = [first];
  for (;;) {
    if (c.peek().kind === 'comma') {
      c.next();
      const a = agg(c);
      if (!a) throw c.expected(`an aggregation (${AGG_FUNCS.join(', ')})`, c.peek());
      out.push(a);
      continue;
    }
    if (atWord(c, 'by')) return out;
    const a = c.peek().kind === 'word' ? agg(c) : undefined;
    if (!a) return out;
    out.push(a);
  }
}

/** `func`, `func()`, `func(field)`, `percentile(field, P)`, `pP(field)`, each optionally `as name`. */
function agg(c: Cursor): Agg | undefined {
  const t = c.peek();
  if (t.kind !== 'word' || t.text.toLowerCase() === 'by') return undefined;
  const lower = t.text.toLowerCase();
  const alias = PERCENTILE_ALIAS.exec(lower);
  const func = alias ? 'percentile' : (AGG_FUNCS as readonly string[]).includes(lower) ? (lower as AggFunc) : undefined;
  if (!func) {
    const near = closest(lower, AGG_FUNCS);
    const hint = near.length > 0 ? ` (did you mean ${near.map((s) => `'${s}'`).join(' or ')}?)` : '';
    throw parseError(`unknown aggregation '${t.text}'${hint}`, t.start, `an aggregation: ${AGG_FUNCS.join(', ')}`);
  }
  c.next();
  const out: Agg = { func, pos: { start: t.start, end: t.end } };
  if (alias) out.percent = Number(alias[1]);
  if (c.peek().kind === 'lparen' && !c.peek().spaced) {
    c.next();
    if (c.peek().kind === 'word') out.field = name(c, 'a field');
    if (func === 'percentile' && !alias) {
      const comma = c.peek();
      if (comma.kind !== 'comma') throw c.expected("',' and a percentile from 0 to 100", comma);
      c.next();
      const p = c.peek();
      const n = p.kind === 'word' && /^[0-9]+(\.[0-9]+)?$/.test(p.text) ? Number(p.text) : NaN;
      if (!(n >= 0 && n <= 100)) throw c.expected('a percentile from 0 to 100', p);
      c.next();
      out.percent = n;
    }
    const close = c.peek();
    if (close.kind !== 'rparen') throw c.expected("')'", close);
    c.next();
    out.pos = { start: t.start, end: close.end };
  } else if (func === 'percentile' && !alias) {
    throw c.expected("'(' with a field and a percentile, e.g. percentile(network.bytes, 95)", c.peek());
  }
  if (func !== 'count' && out.field === undefined) throw c.expected(`a field: ${func}(field)`, c.peek());
  if (atWord(c, 'as')) {
    c.next();
    out.as = name(c, 'a name after as');
    out.pos = { start: out.pos.start, end: out.as.pos.end };
  }
  return out;
}
