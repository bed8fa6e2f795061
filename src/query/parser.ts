import type { Expr, Pos, Query, RangeOp, Stage, Value } from './ast.js';
import { QueryError, invalidError, parseError } from './errors.js';
import { tokenize, type Token } from './lexer.js';
import { parseStage, type Cursor } from './stages.js';
import { hasWildcard, isKeyword } from './value.js';

export const MAX_QUERY_LENGTH = 10_000;
export const MAX_NESTING = 100;

const FIELD_NAME = /^[A-Za-z0-9_.@-]+$/;
const OPERAND = "a field, value or '('";

/**
 * Parses a query: a KQL-style filter, optionally followed by pipe stages (`| stats …`, see stages.ts).
 * An empty query, or `*`, matches every event. Throws QueryError with the position of the problem.
 */
export function parseQuery(text: string): Query {
  if (text.length > MAX_QUERY_LENGTH) {
    throw parseError(`query is longer than ${MAX_QUERY_LENGTH} characters`, MAX_QUERY_LENGTH);
  }
  return new Parser(text, tokenize(text)).parse();
}

class Parser implements Cursor {
  private i = 0;
  private depth = 0;
  private prev: Token | undefined;

  constructor(
    private readonly text: string,
    private readonly tokens: Token[],
  ) {}

  parse(): Query {
    const first = this.peek();
    const filter: Expr =
      first.kind === 'eof' || first.kind === 'pipe' ? { kind: 'all', pos: { start: 0, end: 0 } } : this.orExpr();
    const stages: Stage[] = [];
    while (this.peek().kind === 'pipe') stages.push(parseStage(this, this.next()));
    const t = this.peek();
    if (t.kind !== 'eof') {
      throw this.expected(stages.length === 0 ? "'and', 'or', '|' or the end of the query" : "'|' or the end of the query", t);
    }
    return { filter, stages };
  }

  /** The filter of a `where` stage: the same grammar; an empty one is an error. */
  filter(): Expr {
    return this.orExpr();
  }

  last(): Token {
    return this.prev ?? this.peek();
  }

  // filter := or; or := and ('or' and)*; and := not (('and')? not)*; not := 'not' not | primary

  private orExpr(): Expr {
    const args = [this.andExpr()];
    while (this.atKeyword('or')) {
      this.next();
      args.push(this.andExpr("after 'or'"));
    }
    return nary('or', args);
  }

  private andExpr(context?: string): Expr {
    const args = [this.notExpr(context)];
    for (;;) {
      if (this.atKeyword('and')) {
        this.next();
        args.push(this.notExpr("after 'and'"));
      } else if (this.startsOperand(this.peek())) {
        args.push(this.notExpr());
      } else {
        return nary('and', args);
      }
    }
  }

  private notExpr(context?: string): Expr {
    const t = this.peek();
    if (!this.atKeyword('not')) return this.primary(context);
    this.next();
    this.enter(t);
    const arg = this.notExpr("after 'not'");
    this.depth--;
    return { kind: 'not', pos: { start: t.start, end: arg.pos.end }, arg };
  }

  private primary(context?: string): Expr {
    const t = this.peek();
    if (t.kind === 'lparen') {
      this.next();
      this.enter(t);
      const inner = this.orExpr();
      this.closeParen();
      this.depth--;
      return inner;
    }
    if (t.kind === 'string') {
      this.next();
      return { kind: 'text', pos: span(t), phrase: true, value: quotedValue(t) };
    }
    if (t.kind !== 'word' || isKeyword(t.text)) throw this.expected(OPERAND + (context ? ` ${context}` : ''), t);
    const after = this.peekAt(1);
    if (after.kind === 'colon' || after.kind === 'op') return this.fieldExpr();
    this.next();
    if (t.text === '*') return { kind: 'all', pos: span(t) };
    return { kind: 'text', pos: span(t), phrase: false, value: wordValue(t.text, span(t)) };
  }

  /** `field:value`, `field:*`, `field:(…)` or `field <op> value`. */
  private fieldExpr(): Expr {
    const name = this.next();
    if (!FIELD_NAME.test(name.text)) {
      throw parseError(`invalid field name '${name.text}'`, name.start, "a field name of letters, digits, '_', '.', '@' or '-'");
    }
    const field = name.text;
    const sep = this.next();
    if (sep.kind === 'op') {
      const value = this.value();
      if (!value) throw this.expected(`a value after '${sep.text}'`, this.peek());
      if (value.wildcard) throw invalidError('wildcards are not allowed in a range', value.pos.start);
      return { kind: 'range', pos: { start: name.start, end: value.pos.end }, field, op: sep.text as RangeOp, value };
    }
    const open = this.peek();
    if (open.kind === 'lparen') {
      // the group's own parentheses do not count as nesting: the printer may write `f:a or f:b` as `f:(a or b)`
      this.next();
      const inner = this.valueOr(field);
      this.closeParen();
      return inner;
    }
    const value = this.value();
    if (!value) throw this.expected("a value after ':'", this.peek());
    const pos = { start: name.start, end: value.pos.end };
    if (isStar(value)) return { kind: 'exists', pos, field };
    return { kind: 'match', pos, field, value };
  }

  // Inside `field:( … )`: the same boolean grammar over values of one field.

  private valueOr(field: string): Expr {
    const args = [this.valueAnd(field)];
    while (this.atKeyword('or')) {
      this.next();
      args.push(this.valueAnd(field));
    }
    return nary('or', args);
  }

  private valueAnd(field: string): Expr {
    const args = [this.valueNot(field)];
    for (;;) {
      if (this.atKeyword('and')) {
        this.next();
        args.push(this.valueNot(field));
      } else if (this.startsOperand(this.peek()) || this.peek().kind === 'colon') {
        args.push(this.valueNot(field));
      } else {
        return nary('and', args);
      }
    }
  }

  private valueNot(field: string): Expr {
    const t = this.peek();
    if (this.atKeyword('not')) {
      this.next();
      this.enter(t);
      const arg = this.valueNot(field);
      this.depth--;
      return { kind: 'not', pos: { start: t.start, end: arg.pos.end }, arg };
    }
    if (t.kind === 'lparen') {
      this.next();
      this.enter(t);
      const inner = this.valueOr(field);
      this.closeParen();
      this.depth--;
      return inner;
    }
    const value = this.value();
    if (!value) throw this.expected("a field value or '('", t);
    if (isStar(value)) return { kind: 'exists', pos: value.pos, field };
    return { kind: 'match', pos: value.pos, field, value };
  }

  /**
   * A quoted string, or an unquoted value: adjacent words and colons glue into one value, so
   * `source.ip:2001:db8::1` and `@timestamp >= 2024-01-01T00:00:00Z` need no quotes.
   */
  private value(): Value | null {
    const t = this.peek();
    if (t.kind === 'string') {
      this.next();
      return quotedValue(t);
    }
    if (t.kind !== 'word' && t.kind !== 'colon') return null;
    const glued = (tok: Token): boolean => (tok.kind === 'word' || tok.kind === 'colon') && !tok.spaced;
    if (t.kind === 'word' && isKeyword(t.text) && !glued(this.peekAt(1))) return null;
    let end = this.next().end;
    while (glued(this.peek())) end = this.next().end;
    return wordValue(this.text.slice(t.start, end), { start: t.start, end });
  }

  private closeParen(): void {
    const t = this.peek();
    if (t.kind !== 'rparen') throw this.expected("')'", t);
    this.next();
  }

  private enter(t: Token): void {
    if (++this.depth > MAX_NESTING) throw parseError(`query nests deeper than ${MAX_NESTING} levels`, t.start);
  }

  private startsOperand(t: Token): boolean {
    if (t.kind === 'string' || t.kind === 'lparen') return true;
    return t.kind === 'word' && !(isKeyword(t.text) && t.text.toLowerCase() !== 'not');
  }

  /** A keyword glued to a following ':' is the start of a value (`f:not:x`), not an operator. */
  private atKeyword(word: string): boolean {
    const t = this.peek();
    const after = this.peekAt(1);
    return t.kind === 'word' && t.text.toLowerCase() === word && !(after.kind === 'colon' && !after.spaced);
  }

  expected(what: string, t: Token): QueryError {
    const detail = t.kind === 'eof' ? `unexpected end of query, expected ${what}` : `expected ${what}`;
    return parseError(detail, t.start, what);
  }

  peek(): Token {
    return this.peekAt(0);
  }

  peekAt(offset: number): Token {
    const last = this.tokens[this.tokens.length - 1] as Token;
    return this.tokens[this.i + offset] ?? last;
  }

  next(): Token {
    const t = this.peek();
    if (t.kind !== 'eof') this.i++;
    this.prev = t;
    return t;
  }
}

function nary(kind: 'and' | 'or', args: Expr[]): Expr {
  const first = args[0] as Expr;
  if (args.length === 1) return first;
  const last = args[args.length - 1] as Expr;
  return { kind, pos: { start: first.pos.start, end: last.pos.end }, args };
}

function span(t: Token): Pos {
  return { start: t.start, end: t.end };
}

function quotedValue(t: Token): Value {
  return { raw: t.text, quoted: true, wildcard: false, pos: span(t) };
}

function wordValue(raw: string, pos: Pos): Value {
  return { raw, quoted: false, wildcard: hasWildcard(raw), pos };
}

function isStar(v: Value): boolean {
  return !v.quoted && v.raw === '*';
}
