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

/** A field or column name as written, with its position. */
export interface Name {
  name: string;
  pos: Pos;
}

export type AggFunc = 'count' | 'dc' | 'sum' | 'avg' | 'min' | 'max' | 'values' | 'percentile';

/**
 * One aggregation: `count()`, `count(field)`, `dc(field)`, `percentile(field, 95)`, optionally `as name`.
 * `percent` is set for `percentile` only (0–100).
 */
export interface Agg {
  func: AggFunc;
  field?: Name;
  percent?: number;
  as?: Name;
  pos: Pos;
}

/** `stats AGG[, AGG…] [by FIELD[, FIELD…]]` */
export interface StatsStage {
  kind: 'stats';
  pos: Pos;
  aggs: Agg[];
  by: Name[];
}

/** `timechart span=1h AGG [by FIELD]`: `span` as written (`1h`), `spanMs` its length. */
export interface TimechartStage {
  kind: 'timechart';
  pos: Pos;
  span: string;
  spanMs: number;
  agg: Agg;
  by?: Name;
}

/** `top N FIELD` / `rare N FIELD`: counts by FIELD, most (least) frequent first, with a percent column. */
export interface TopStage {
  kind: 'top' | 'rare';
  pos: Pos;
  n: number;
  field: Name;
}

/** `where FILTER` over the rows so far (or, before any aggregation, over events). */
export interface WhereStage {
  kind: 'where';
  pos: Pos;
  filter: Expr;
}

export interface SortKey {
  field: Name;
  desc: boolean;
}

/** `sort [-]FIELD[, …]` */
export interface SortStage {
  kind: 'sort';
  pos: Pos;
  keys: SortKey[];
}

/** `head N` */
export interface HeadStage {
  kind: 'head';
  pos: Pos;
  n: number;
}

/** `fields FIELD[, …]`: keep these columns, in this order. */
export interface FieldsStage {
  kind: 'fields';
  pos: Pos;
  fields: Name[];
}

export type Stage = StatsStage | TimechartStage | TopStage | WhereStage | SortStage | HeadStage | FieldsStage;

export interface Query {
  filter: Expr;
  stages: Stage[];
}
