import { parseQuery } from '../../../query/parser.js';
import { printQuery } from '../../../query/printer.js';
import { fieldType, isArrayField } from '../../../schema/types.js';
import { patternMatcher } from '../condition.js';
import { ECS_FIELDS } from '../fields.js';
import type { ConditionNode, DetectionItem, SearchIdentifier, SigmaRule, SigmaValue, StringPart } from '../model.js';

/*
 * A Sigma detection rule → a filter in Vigil's query language, for hunting stored events. The query language is
 * case-sensitive and Sigma is not, and some modifiers have no counterpart, so the filter is built to be a SUPERSET of
 * what the rule matches: whatever cannot be expressed exactly is widened (to "the field exists", or to every event),
 * and the hunt then runs the real matcher over the candidates the filter returns. The result is the matcher's,
 * never the approximation's; `exact` says whether the filter alone already was the rule.
 *
 * Expressed exactly: values without letters (numbers, addresses, codes) as equals, contains, startswith, endswith
 * with Sigma wildcards; cidr on IP fields; gt/gte/lt/lte on numeric fields; exists; null; and/or/not/of.
 * Widened: any value with letters (case-insensitive in Sigma), keyword (field-less) searches, re, base64,
 * base64offset, wide/utf16*, windash, fieldref, expand, cased, neq, time parts, and Windows fields (mapped per event).
 */

export interface HuntQuery {
  /** the filter text (`*` when nothing could be narrowed) */
  query: string;
  /** true when the filter is exactly the rule (no matcher pass would remove anything) */
  exact: boolean;
  /** what was widened and why */
  notes: string[];
}

interface Part {
  text: string;
  exact: boolean;
}

const ALL: Part = { text: '*', exact: false };
const LETTER = /\p{L}/u;
const SPACE = /\s/;
const EXACT_MODS = new Set(['contains', 'startswith', 'endswith', 'all', 'cidr', 'gt', 'gte', 'lt', 'lte', 'exists']);

/** Escapes a literal for an unquoted query value. */
function esc(s: string): string {
  return s.replace(/[()\\:"|<>*?]/g, (c) => `\\${c}`);
}

function partsText(parts: readonly StringPart[]): string | undefined {
  let out = '';
  for (const p of parts) {
    if (p.t === 'star') out += '*';
    else if (p.t === 'one') out += '?';
    else {
      if (LETTER.test(p.s) || SPACE.test(p.s)) return undefined;
      out += esc(p.s);
    }
  }
  return out;
}

function and(parts: Part[]): Part {
  const real = parts.filter((p) => p.text !== '*');
  const exact = parts.every((p) => p.exact);
  if (real.length === 0) return { text: '*', exact };
  if (real.length === 1) return { text: (real[0] as Part).text, exact };
  return { text: real.map((p) => `(${p.text})`).join(' and '), exact };
}

function or(parts: Part[]): Part {
  if (parts.length === 0) return { text: 'not *', exact: true };
  if (parts.some((p) => p.text === '*')) return { text: '*', exact: parts.every((p) => p.exact) };
  if (parts.length === 1) return parts[0] as Part;
  return { text: parts.map((p) => `(${p.text})`).join(' or '), exact: parts.every((p) => p.exact) };
}

class Compiler {
  readonly notes = new Set<string>();
  constructor(private readonly rule: SigmaRule) {}

  private widen(why: string, field: string | undefined, paths: string[]): Part {
    this.notes.add(why);
    if (field === undefined || paths.length === 0) return ALL;
    return { text: paths.map((p) => `${p}:*`).join(' or '), exact: false };
  }

  private paths(field: string): string[] {
    const ecs = Object.hasOwn(ECS_FIELDS, field) ? ECS_FIELDS[field] : undefined;
    return ecs !== undefined && ecs !== field ? [ecs, field] : [field];
  }

  private value(path: string, mods: Set<string>, v: SigmaValue): Part | undefined {
    const type = fieldType(path);
    if (v.kind === 'null') return { text: `not ${path}:*`, exact: true };
    if (mods.has('exists')) return v.kind === 'bool' && !v.value ? { text: `not ${path}:*`, exact: true } : { text: `${path}:*`, exact: true };
    const cmp = ['gt', 'gte', 'lt', 'lte'].find((m) => mods.has(m));
    if (cmp !== undefined) {
      if (v.kind !== 'number' || type !== 'number') return undefined;
      const op = { gt: '>', gte: '>=', lt: '<', lte: '<=' }[cmp];
      return { text: `${path} ${op ?? '>'} ${v.value}`, exact: true };
    }
    if (mods.has('cidr')) {
      if (type !== 'ip' || v.kind !== 'string') return undefined;
      const t = v.parts.map((p) => (p.t === 'lit' ? p.s : '')).join('');
      return /^[0-9a-fA-F.:/]+$/.test(t) ? { text: `${path}:"${t}"`, exact: true } : undefined;
    }
    if (v.kind === 'bool') return undefined;
    if (v.kind === 'number') return /^-?\d+(\.\d+)?$/.test(v.raw) && String(v.value) === v.raw ? { text: `${path}:${v.raw}`, exact: type === 'number' } : undefined;
    const t = partsText(v.parts);
    if (t === undefined || t === '') return undefined;
    if (type === 'ip' && /[*?]/.test(t)) return undefined;
    const text = mods.has('contains') ? `*${t}*` : mods.has('startswith') ? `${t}*` : mods.has('endswith') ? `*${t}` : t;
    return { text: `${path}:${text.replace(/\*\*+/g, '*')}`, exact: type === 'keyword' && !isArrayField(path) };
  }

  item(it: DetectionItem): Part {
    if (it.field === undefined) return this.widen('keyword (field-less) searches are substring matches over several fields: widened to every event', undefined, []);
    if (this.rule.logsource.product === 'windows') return this.widen('Windows fields are mapped per event (event data, renames): widened to every event', undefined, []);
    const paths = this.paths(it.field);
    const mods = new Set(it.modifiers);
    const odd = it.modifiers.filter((m) => !EXACT_MODS.has(m));
    if (odd.length > 0) return this.widen(`modifier(s) ${odd.join(', ')} have no query counterpart: widened to the field existing`, it.field, paths);
    const perValue: Part[] = [];
    for (const v of it.values) {
      const alts: Part[] = [];
      for (const p of paths) {
        const part = this.value(p, mods, v);
        if (!part) return this.widen(`values with letters (case-insensitive in Sigma) or of another type than the field: widened to the field existing`, it.field, paths);
        alts.push(part);
      }
      perValue.push(v.kind === 'null' || (mods.has('exists') && v.kind === 'bool' && !v.value) ? and(alts) : or(alts));
    }
    const combined = mods.has('all') ? and(perValue) : or(perValue);
    return paths.length > 1 ? { ...combined, exact: false } : combined;
  }

  search(s: SearchIdentifier): Part {
    return or(s.groups.map((g) => and(g.map((it) => this.item(it)))));
  }

  node(n: ConditionNode): Part {
    switch (n.kind) {
      case 'and':
        return and(n.operands.map((o) => this.node(o)));
      case 'or':
        return or(n.operands.map((o) => this.node(o)));
      case 'not': {
        const x = this.node(n.operand);
        if (x.exact) return { text: x.text === '*' ? 'not *' : `not (${x.text})`, exact: true };
        this.notes.add('a negated part that is not exact cannot narrow the search: widened');
        return ALL;
      }
      case 'ref': {
        const s = this.rule.detection.searches.get(n.name);
        return s ? this.search(s) : ALL;
      }
      case 'of': {
        const m = patternMatcher(n.pattern);
        const names = [...this.rule.detection.searches.keys()].filter((k) => m(k) && !(n.pattern === 'them' && k.startsWith('_')));
        const parts = names.map((k) => this.search(this.rule.detection.searches.get(k) as SearchIdentifier));
        return n.quantifier === 'all' ? and(parts) : or(parts);
      }
    }
  }
}

/** The hunting filter for one detection rule. */
export function huntQuery(rule: SigmaRule): HuntQuery {
  const c = new Compiler(rule);
  let p = c.node(rule.detection.condition);
  if (p.text === 'not *') p = { text: '*', exact: false };
  try {
    p = { ...p, text: printQuery(parseQuery(p.text)) };
  } catch (e) {
    c.notes.add(`the translated filter did not parse (${e instanceof Error ? e.message : String(e)}): widened to every event`);
    p = ALL;
  }
  return { query: p.text, exact: p.exact && c.notes.size === 0, notes: [...c.notes] };
}
