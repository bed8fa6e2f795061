import type { ConditionNode, CondPos } from './model.js';

/*
 * The Sigma condition language, hand-written: lexer → recursive-descent parser with positions.
 * Precedence, least to most binding: or, and, not, `x of pattern`, ( expression ).
 */

export class ConditionError extends Error {
  constructor(
    message: string,
    readonly pos: CondPos,
    readonly code: string = 'SIGMA_CONDITION_SYNTAX',
  ) {
    super(message);
    this.name = 'ConditionError';
  }
}

type Tok =
  | { t: 'lp' | 'rp' | 'and' | 'or' | 'not' | 'of' | 'pipe' | 'end'; offset: number }
  | { t: 'word'; v: string; offset: number };

const MAX_CONDITION = 10_000;
const MAX_DEPTH = 200;

function lex(text: string, condition: number): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i] ?? '';
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    if (c === '(') out.push({ t: 'lp', offset: i++ });
    else if (c === ')') out.push({ t: 'rp', offset: i++ });
    else if (c === '|') throw new ConditionError('aggregation expressions (`| count() …`) are deprecated Sigma; use a correlation rule', { condition, offset: i }, 'SIGMA_CONDITION_AGGREGATION');
    else if (/[A-Za-z0-9_*\-.]/.test(c)) {
      const start = i;
      while (i < text.length && /[A-Za-z0-9_*\-.]/.test(text[i] ?? '')) i++;
      const w = text.slice(start, i);
      const lw = w.toLowerCase();
      if (lw === 'and' || lw === 'or' || lw === 'not' || lw === 'of') out.push({ t: lw, offset: start });
      else out.push({ t: 'word', v: w, offset: start });
    } else throw new ConditionError(`unexpected character '${c}'`, { condition, offset: i });
  }
  out.push({ t: 'end', offset: text.length });
  return out;
}

function describe(t: Tok): string {
  return t.t === 'word' ? `'${t.v}'` : t.t === 'end' ? 'end of condition' : `'${t.t === 'lp' ? '(' : t.t === 'rp' ? ')' : t.t === 'pipe' ? '|' : t.t}'`;
}

class Parser {
  private i = 0;
  private depth = 0;
  constructor(
    private readonly toks: Tok[],
    private readonly condition: number,
  ) {}

  private peek(): Tok {
    return this.toks[this.i] ?? { t: 'end', offset: 0 };
  }

  private pos(t: Tok): CondPos {
    return { condition: this.condition, offset: t.offset };
  }

  parse(): ConditionNode {
    const n = this.or();
    const t = this.peek();
    if (t.t === 'pipe') throw new ConditionError('aggregation expressions (`| count() …`) are deprecated Sigma; use a correlation rule', this.pos(t), 'SIGMA_CONDITION_AGGREGATION');
    if (t.t !== 'end') throw new ConditionError(`expected 'and', 'or' or end of condition, found ${describe(t)}`, this.pos(t));
    return n;
  }

  private or(): ConditionNode {
    const first = this.peek();
    const ops = [this.and()];
    while (this.peek().t === 'or') {
      this.i++;
      ops.push(this.and());
    }
    return ops.length === 1 && ops[0] ? ops[0] : { kind: 'or', operands: ops, pos: this.pos(first) };
  }

  private and(): ConditionNode {
    const first = this.peek();
    const ops = [this.not()];
    while (this.peek().t === 'and') {
      this.i++;
      ops.push(this.not());
    }
    return ops.length === 1 && ops[0] ? ops[0] : { kind: 'and', operands: ops, pos: this.pos(first) };
  }

  private not(): ConditionNode {
    const t = this.peek();
    if (t.t === 'not') {
      this.i++;
      if (++this.depth > MAX_DEPTH) throw new ConditionError('condition nested too deeply', this.pos(t));
      const operand = this.not();
      this.depth--;
      return { kind: 'not', operand, pos: this.pos(t) };
    }
    return this.primary();
  }

  private primary(): ConditionNode {
    const t = this.peek();
    if (t.t === 'lp') {
      this.i++;
      if (++this.depth > MAX_DEPTH) throw new ConditionError('condition nested too deeply', this.pos(t));
      const n = this.or();
      this.depth--;
      const r = this.peek();
      if (r.t !== 'rp') throw new ConditionError(`expected ')' for the '(' at ${t.offset}, found ${describe(r)}`, this.pos(r));
      this.i++;
      return n;
    }
    if (t.t === 'word') {
      this.i++;
      const next = this.peek();
      if (next.t === 'of') {
        const q = t.v.toLowerCase();
        if (q !== '1' && q !== 'any' && q !== 'all') throw new ConditionError(`'of' needs '1', 'any' or 'all' before it, found '${t.v}'`, this.pos(t));
        this.i++;
        const p = this.peek();
        if (p.t !== 'word') throw new ConditionError(`expected a search identifier pattern or 'them' after 'of', found ${describe(p)}`, this.pos(p));
        this.i++;
        return { kind: 'of', quantifier: q === 'all' ? 'all' : 'any', pattern: p.v, pos: this.pos(t) };
      }
      if (t.v.includes('*')) throw new ConditionError(`wildcard identifier '${t.v}' needs '1 of' or 'all of'`, this.pos(t));
      return { kind: 'ref', name: t.v, pos: this.pos(t) };
    }
    throw new ConditionError(`expected a search identifier, 'not', '(' or 'x of', found ${describe(t)}`, this.pos(t));
  }
}

/** Parses one condition string (the `index`-th of the rule's condition list). Throws ConditionError. */
export function parseCondition(text: string, index = 0): ConditionNode {
  if (text.length > MAX_CONDITION) throw new ConditionError(`condition longer than ${MAX_CONDITION} characters`, { condition: index, offset: 0 });
  return new Parser(lex(text, index), index).parse();
}

/** Sigma's `1 of sel*` pattern as a predicate on search identifier names (`them`: every name not starting with `_`). */
export function patternMatcher(pattern: string): (name: string) => boolean {
  if (pattern === 'them') return (name) => !name.startsWith('_');
  if (!pattern.includes('*')) return (name) => name === pattern;
  const re = new RegExp(`^${pattern.split('*').map((s) => s.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&')).join('.*')}$`, 's');
  return (name) => re.test(name);
}

/** Condition text from the AST (for explanations and the parse/print round trip). */
export function printCondition(n: ConditionNode): string {
  switch (n.kind) {
    case 'ref':
      return n.name;
    case 'of':
      return `${n.quantifier === 'all' ? 'all' : '1'} of ${n.pattern}`;
    case 'not':
      return `not ${wrap(n.operand, n)}`;
    case 'and':
    case 'or':
      return n.operands.map((o) => wrap(o, n)).join(` ${n.kind} `);
  }
}

function wrap(child: ConditionNode, parent: ConditionNode): string {
  const s = printCondition(child);
  const rank = (k: ConditionNode['kind']): number => (k === 'or' ? 1 : k === 'and' ? 2 : 3);
  return rank(child.kind) < rank(parent.kind) || (child.kind === parent.kind && (child.kind === 'and' || child.kind === 'or')) ? `(${s})` : s;
}
