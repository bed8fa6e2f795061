import type { SigmaValue, StringPart } from './model.js';
import { parseSigmaString } from './values.js';
import { backtrackingRisk } from './regex-screen.js';

/*
 * Value modifiers: one small function each, all in one registry (MODIFIERS). A modifier either transforms the
 * values (contains, base64, windash, …) or sets how they are compared (re, cidr, gt, exists, cased, all, …).
 * `applyModifiers` runs them in the order written and gives the item spec the matcher compiles; the loader runs the
 * same pipeline to reject unknown modifiers and impossible combinations with a stable code.
 */

/** A part of a pattern: Sigma string parts plus `set` (any one of some characters; windash). */
export type PatternPart = StringPart | { t: 'set'; chars: string };

/** One alternative a value expands to. `bytes`: the text is a byte string (one char per byte, from utf16 modifiers). */
export type Alt =
  | { kind: 'str'; parts: PatternPart[]; raw: string; bytes: boolean }
  | { kind: 'num'; value: number; raw: string }
  | { kind: 'bool'; value: boolean }
  | { kind: 'null' };

export type CompareOp = 'gt' | 'gte' | 'lt' | 'lte';
export type TimePart = 'minute' | 'hour' | 'day' | 'week' | 'month' | 'year';
export type ItemType = 'str' | 're' | 'cidr' | 'cmp' | 'exists' | 'fieldref';

/** The state modifiers work on; what is left at the end is what the matcher compiles. */
export interface ItemSpec {
  field: string | undefined;
  /** per original value (AND when `all`, else OR), its alternatives (OR) */
  values: Alt[][];
  type: ItemType;
  all: boolean;
  cased: boolean;
  neq: boolean;
  cmp?: CompareOp;
  timePart?: TimePart;
  re: { i: boolean; m: boolean; s: boolean };
  /** contains/startswith/endswith or re given: a keyword value is then not wrapped in an implicit contains */
  anchored: boolean;
  placeholders: Record<string, readonly string[]> | undefined;
}

export class ModifierError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

type Modifier = (s: ItemSpec) => void;

const fail = (code: string, msg: string): never => {
  throw new ModifierError(code, msg);
};

/** Maps every alternative of every value. */
function mapAlts(s: ItemSpec, f: (a: Alt) => Alt | Alt[]): void {
  s.values = s.values.map((alts) => alts.flatMap((a) => f(a)));
}

/** An alternative as a string pattern (numbers and booleans by their text); null cannot be. */
function asStr(a: Alt, mod: string): Extract<Alt, { kind: 'str' }> {
  if (a.kind === 'str') return a;
  if (a.kind === 'null') return fail('SIGMA_MODIFIER_TYPE', `'${mod}' cannot apply to null`);
  const raw = a.kind === 'num' ? a.raw : String(a.value);
  return { kind: 'str', parts: [{ t: 'lit', s: raw }], raw, bytes: false };
}

function requireStrType(s: ItemSpec, mod: string): void {
  if (s.type !== 'str') fail('SIGMA_MODIFIER_CONFLICT', `'${mod}' cannot follow a '${s.type}' modifier`);
}

const wrap =
  (before: boolean, after: boolean, name: string): Modifier =>
  (s) => {
    requireStrType(s, name);
    s.anchored = true;
    mapAlts(s, (a0) => {
      const a = asStr(a0, name);
      const parts = [...a.parts];
      if (before && parts[0]?.t !== 'star') parts.unshift({ t: 'star' });
      if (after && parts[parts.length - 1]?.t !== 'star') parts.push({ t: 'star' });
      return { ...a, parts };
    });
  };

/** The bytes of a plain alternative (UTF-8 for text, as is for byte strings); wildcards cannot be encoded. */
function plainBytes(a: Extract<Alt, { kind: 'str' }>, mod: string): Buffer {
  let text = '';
  for (const p of a.parts) {
    if (p.t !== 'lit') fail('SIGMA_MODIFIER_WILDCARD', `'${mod}' cannot encode a value with wildcards`);
    else text += p.s;
  }
  return Buffer.from(text, a.bytes ? 'latin1' : 'utf8');
}

const lit = (text: string): Extract<Alt, { kind: 'str' }> => ({ kind: 'str', parts: text.length > 0 ? [{ t: 'lit', s: text }] : [], raw: text, bytes: false });

const BASE64_START = [0, 2, 3] as const;
const BASE64_END = [undefined, -3, -2] as const;

/** Transforms the literal parts of text into a byte string (wildcards kept). */
const encode =
  (name: string, f: (text: string) => string, bom = ''): Modifier =>
  (s) => {
    requireStrType(s, name);
    mapAlts(s, (a0) => {
      const a = asStr(a0, name);
      if (a.bytes) fail('SIGMA_MODIFIER_CONFLICT', `'${name}' applied to an already encoded value`);
      const parts: PatternPart[] = a.parts.map((p) => (p.t === 'lit' ? { t: 'lit', s: f(p.s) } : p));
      if (bom.length > 0) parts.unshift({ t: 'lit', s: bom });
      return { kind: 'str', parts, raw: a.raw, bytes: true };
    });
  };

function utf16le(text: string): string {
  return Buffer.from(text, 'utf16le').toString('latin1');
}

function utf16be(text: string): string {
  return Buffer.from(text, 'utf16le').swap16().toString('latin1');
}

const WINDASH = '-/\u2013\u2014\u2015';

const compare =
  (op: CompareOp): Modifier =>
  (s) => {
    if (s.type !== 'str' || s.neq) fail('SIGMA_MODIFIER_CONFLICT', `'${op}' cannot be combined with the modifiers before it`);
    s.type = 'cmp';
    s.cmp = op;
    s.values = s.values.map((alts) =>
      alts.map((a) => {
        if (a.kind === 'num') return a;
        if (a.kind === 'str' && /^-?\d+(\.\d+)?$/.test(a.raw.trim())) return { kind: 'num', value: Number(a.raw), raw: a.raw };
        return fail('SIGMA_MODIFIER_TYPE', `'${op}' needs a number, not ${a.kind === 'str' ? `'${a.raw}'` : a.kind}`);
      }),
    );
  };

const timePart =
  (part: TimePart): Modifier =>
  (s) => {
    if (s.type !== 'str' || s.timePart !== undefined) fail('SIGMA_MODIFIER_CONFLICT', `'${part}' cannot follow the modifiers before it`);
    s.timePart = part;
  };

const reFlag =
  (flag: 'i' | 'm' | 's'): Modifier =>
  (s) => {
    if (s.type !== 're') fail('SIGMA_MODIFIER_CONFLICT', `'${flag}' is a sub-modifier of 're' and must follow it`);
    s.re[flag] = true;
  };

/** Splits raw text on `%name%` placeholders (`\%` is a plain percent) into Sigma string text and placeholder names. */
function placeholderPieces(raw: string): Array<{ text: string } | { name: string }> {
  const out: Array<{ text: string } | { name: string }> = [];
  let text = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (c === '\\' && raw[i + 1] === '%') {
      text += '%';
      i++;
    } else if (c === '%') {
      const end = raw.indexOf('%', i + 1);
      if (end < 0) {
        text += c;
        continue;
      }
      if (text.length > 0) out.push({ text });
      text = '';
      out.push({ name: raw.slice(i + 1, end) });
      i = end;
    } else text += c;
  }
  if (text.length > 0) out.push({ text });
  return out;
}

/** Every combination of placeholder values (bounded). */
function expandRaw(raw: string, table: Record<string, readonly string[]>): string[] {
  let acc = [''];
  for (const p of placeholderPieces(raw)) {
    if ('text' in p) acc = acc.map((x) => x + p.text);
    else {
      const vals = table[p.name];
      if (vals === undefined) return fail('SIGMA_UNKNOWN_PLACEHOLDER', `placeholder %${p.name}% has no values configured`);
      acc = acc.flatMap((x) => vals.map((v) => x + v));
      if (acc.length > 10_000) fail('SIGMA_TOO_MANY_VALUES', 'placeholder expansion gives more than 10,000 values');
    }
  }
  return acc;
}

/** The registry: every modifier of the Sigma specification (v2.1), by name. */
export const MODIFIERS: Readonly<Record<string, Modifier>> = {
  contains: wrap(true, true, 'contains'),
  startswith: wrap(false, true, 'startswith'),
  endswith: wrap(true, false, 'endswith'),
  all: (s) => {
    s.all = true;
  },
  cased: (s) => {
    s.cased = true;
  },
  neq: (s) => {
    if (s.type !== 'str' && s.type !== 'fieldref') fail('SIGMA_MODIFIER_CONFLICT', `'neq' cannot follow a '${s.type}' modifier`);
    s.neq = true;
  },
  exists: (s) => {
    if (s.field === undefined) fail('SIGMA_MODIFIER_TYPE', "'exists' needs a field");
    s.type = 'exists';
    for (const alts of s.values) for (const a of alts) if (a.kind !== 'bool') fail('SIGMA_MODIFIER_TYPE', "'exists' needs true or false");
  },
  re: (s) => {
    requireStrType(s, 're');
    s.type = 're';
    s.anchored = true;
    mapAlts(s, (a0) => {
      const a = asStr(a0, 're');
      if (a.bytes) fail('SIGMA_MODIFIER_CONFLICT', "'re' cannot follow an encoding modifier");
      return { kind: 'str', parts: [{ t: 'lit', s: a.raw }], raw: a.raw, bytes: false };
    });
  },
  i: reFlag('i'),
  m: reFlag('m'),
  s: reFlag('s'),
  cidr: (s) => {
    requireStrType(s, 'cidr');
    s.type = 'cidr';
    mapAlts(s, (a) => asStr(a, 'cidr'));
  },
  base64: (s) => {
    requireStrType(s, 'base64');
    mapAlts(s, (a) => ({ ...lit(plainBytes(asStr(a, 'base64'), 'base64').toString('base64')), bytes: false }));
    s.cased = true;
  },
  base64offset: (s) => {
    requireStrType(s, 'base64offset');
    mapAlts(s, (a) => {
      const val = plainBytes(asStr(a, 'base64offset'), 'base64offset');
      const out: Alt[] = [];
      for (let i = 0; i < 3; i++) {
        const b64 = Buffer.concat([Buffer.alloc(i, ' '), val]).toString('base64');
        out.push(lit(b64.slice(BASE64_START[i], BASE64_END[(val.length + i) % 3])));
      }
      return out;
    });
    s.cased = true;
  },
  utf16le: encode('utf16le', utf16le),
  wide: encode('wide', utf16le),
  utf16be: encode('utf16be', utf16be),
  utf16: encode('utf16', utf16le, '\xff\xfe'),
  windash: (s) => {
    requireStrType(s, 'windash');
    mapAlts(s, (a0) => {
      const a = asStr(a0, 'windash');
      const parts: PatternPart[] = [];
      for (const p of a.parts) {
        if (p.t !== 'lit') {
          parts.push(p);
          continue;
        }
        let run = '';
        for (const ch of p.s) {
          if (WINDASH.includes(ch)) {
            if (run.length > 0) parts.push({ t: 'lit', s: run });
            run = '';
            parts.push({ t: 'set', chars: WINDASH });
          } else run += ch;
        }
        if (run.length > 0) parts.push({ t: 'lit', s: run });
      }
      return { ...a, parts };
    });
  },
  gt: compare('gt'),
  gte: compare('gte'),
  lt: compare('lt'),
  lte: compare('lte'),
  fieldref: (s) => {
    requireStrType(s, 'fieldref');
    if (s.field === undefined) fail('SIGMA_MODIFIER_TYPE', "'fieldref' needs a field");
    s.type = 'fieldref';
    mapAlts(s, (a) => asStr(a, 'fieldref'));
  },
  expand: (s) => {
    requireStrType(s, 'expand');
    const table = s.placeholders;
    mapAlts(s, (a0) => {
      const a = asStr(a0, 'expand');
      // without a placeholder table (linting), the value is checked for placeholders and kept
      if (table === undefined) return a;
      return expandRaw(a.raw, table).map((raw) => ({ kind: 'str', parts: parseSigmaString(raw), raw, bytes: false }));
    });
  },
  minute: timePart('minute'),
  hour: timePart('hour'),
  day: timePart('day'),
  week: timePart('week'),
  month: timePart('month'),
  year: timePart('year'),
};

function initialAlt(v: SigmaValue): Alt {
  switch (v.kind) {
    case 'string':
      return { kind: 'str', parts: v.parts, raw: v.raw, bytes: false };
    case 'number':
      return { kind: 'num', value: v.value, raw: v.raw };
    case 'bool':
      return { kind: 'bool', value: v.value };
    case 'null':
      return { kind: 'null' };
  }
}

/** Runs the modifiers in order over the values; throws ModifierError for unknown modifiers and bad combinations. */
export function applyModifiers(field: string | undefined, modifiers: readonly string[], values: readonly SigmaValue[], placeholders?: Record<string, readonly string[]>): ItemSpec {
  const s: ItemSpec = { field, values: values.map((v) => [initialAlt(v)]), type: 'str', all: false, cased: false, neq: false, re: { i: false, m: false, s: false }, anchored: false, placeholders };
  for (const m of modifiers) {
    const f = Object.hasOwn(MODIFIERS, m) ? MODIFIERS[m] : undefined;
    if (!f) fail('SIGMA_UNKNOWN_MODIFIER', `unknown modifier '${m}'`);
    else f(s);
  }
  if (s.timePart !== undefined) {
    if (s.type === 'str') {
      s.type = 'cmp';
      s.values = s.values.map((alts) => alts.map((a) => (a.kind === 'num' ? a : fail('SIGMA_MODIFIER_TYPE', `'${s.timePart ?? ''}' needs a number`))));
    } else if (s.type !== 'cmp') fail('SIGMA_MODIFIER_CONFLICT', `'${s.timePart}' cannot be combined with '${s.type}'`);
  }
  if (s.type === 'str' || s.type === 're') {
    const hasNull = s.values.some((alts) => alts.some((a) => a.kind === 'null'));
    if (hasNull && s.type === 're') fail('SIGMA_MODIFIER_TYPE', "'re' cannot apply to null");
  }
  if (s.type === 're') for (const alts of s.values) for (const a of alts) if (a.kind === 'str') compileSigmaRegex(a.raw, s.re);
  return s;
}

/** Checks an item's modifiers and values for the loader: undefined when fine, else the problem. */
export function checkModifiers(field: string | undefined, modifiers: readonly string[], values: readonly SigmaValue[]): { code: string; message: string } | undefined {
  try {
    applyModifiers(field, modifiers, values);
    return undefined;
  } catch (e) {
    if (e instanceof ModifierError) return { code: e.code, message: e.message };
    return { code: 'SIGMA_BAD_VALUE', message: e instanceof Error ? e.message : String(e) };
  }
}

const INLINE_FLAGS = /^\(\?([imsx]+)\)/;

/**
 * A Sigma (PCRE subset) regular expression as a JavaScript RegExp: leading inline flags `(?i)`, `(?s)`, `(?m)` become
 * RegExp flags, `\A` / `\Z` / `\z` anchors become `^` / `$`. Throws ModifierError when JavaScript cannot compile it.
 */
export function compileSigmaRegex(source: string, flags: { i: boolean; m: boolean; s: boolean }): RegExp {
  let src = source;
  const f = { ...flags };
  let m = INLINE_FLAGS.exec(src);
  while (m) {
    for (const c of m[1] ?? '') if (c === 'i' || c === 'm' || c === 's') f[c] = true;
    src = src.slice(m[0].length);
    m = INLINE_FLAGS.exec(src);
  }
  src = src.replace(/(^|[^\\])((?:\\\\)*)\\A/g, '$1$2^').replace(/(^|[^\\])((?:\\\\)*)\\[Zz]/g, '$1$2$');
  if (/\(\?[imsx-]+[:)]/.test(src)) fail('SIGMA_REGEX', `inline flag groups inside the expression are not supported: ${source}`);
  let re: RegExp;
  try {
    re = new RegExp(src, `${f.i ? 'i' : ''}${f.m ? 'm' : ''}${f.s ? 's' : ''}`);
  } catch (e) {
    return fail('SIGMA_REGEX', `invalid regular expression ${source}: ${e instanceof Error ? e.message : String(e)}`);
  }
  const risk = backtrackingRisk(src, f.i);
  if (risk !== undefined) fail('SIGMA_REGEX_BACKTRACKING', `regular expression ${source} risks catastrophic backtracking: ${risk}`);
  return re;
}
