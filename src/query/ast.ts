/** Source span of a node: 0-based character offsets into the query, `end` exclusive. */
export interface Pos {
  start: number;
  end: number;
}

/**
 * A value as written. `raw` is the source text without surrounding quotes and with its backslash escapes kept, so
 * the printer can reproduce it and the compiler can tell a wildcard `*` from an escaped literal `\*`. Use
 * `valueText` (value.ts) for the literal text. `wildcard` is true when an unquoted value holds an unescaped `*`/`?`.
 */
export interface Value {
  raw: string;
  quoted: boolean;
  wildcard: boolean;
  pos: Pos;
}

export type RangeOp = '>' | '>=' | '<' | '<=';

export interface AndExpr {
  kind: 'and';
  pos: Pos;
  /** two or more operands; `a and b and c` is one node, `(a and b) and c` nests */
  args: Expr[];
}

export interface OrExpr {
  kind: 'or';
  pos: Pos;
  /** two or more operands */
  args: Expr[];
}

export interface NotExpr {
  kind: 'not';
  pos: Pos;
  arg: Expr;
}

/** `field:value`; `field:(a or b)` parses to an `or` of matches on the same field. */
export interface MatchExpr {
  kind: 'match';
  pos: Pos;
  field: string;
  value: Value;
}

/** `field > value` and friends. */
export interface RangeExpr {
  kind: 'range';
  pos: Pos;
  field: string;
  op: RangeOp;
  value: Value;
}

/** `field:*`: the field is present (not null, not an empty list). */
export interface ExistsExpr {
  kind: 'exists';
  pos: Pos;
  field: string;
}

/** A bare word or "quoted phrase": full-text search over the event message. `phrase` equals `value.quoted`. */
export interface TextExpr {
  kind: 'text';
  pos: Pos;
  phrase: boolean;
  value: Value;
}

/** `*` alone, or an empty query: every event. */
export interface AllExpr {
  kind: 'all';
  pos: Pos;
}

export type Expr = AndExpr | OrExpr | NotExpr | MatchExpr | RangeExpr | ExistsExpr | TextExpr | AllExpr;

/** Pipe stages (stats, sort, head, …) are not part of the language yet; later versions extend this union. */
export type Stage = never;

export interface Query {
  filter: Expr;
  stages: Stage[];
}
