import type { Agg, Expr, Query, Stage, Value } from './ast.js';

/** Binding strength: a child that binds more loosely than its place requires gets parentheses. */
const PRECEDENCE: Record<Expr['kind'], number> = { or: 1, and: 2, not: 3, match: 4, range: 4, exists: 4, text: 4, all: 4 };

/**
 * Canonical text of a query: lower-case keywords, explicit `and`, single spaces, parentheses only where needed,
 * values exactly as written. `parseQuery(printQuery(q))` gives `q` back (positions aside).
 */
export function printQuery(q: Query): string {
  return [printExpr(q.filter), ...q.stages.map(printStage)].join(' | ');
}

/** Canonical text of one stage (without its `|`). */
export function printStage(s: Stage): string {
  switch (s.kind) {
    case 'stats':
      return `stats ${s.aggs.map(printAgg).join(', ')}${s.by.length > 0 ? ` by ${s.by.map((b) => b.name).join(', ')}` : ''}`;
    case 'timechart':
      return `timechart span=${s.span} ${printAgg(s.agg)}${s.by ? ` by ${s.by.name}` : ''}`;
    case 'top':
    case 'rare':
      return `${s.kind} ${s.n} ${s.field.name}`;
    case 'where':
      return `where ${printExpr(s.filter)}`;
    case 'sort':
      return `sort ${s.keys.map((k) => `${k.desc ? '-' : ''}${k.field.name}`).join(', ')}`;
    case 'head':
      return `head ${s.n}`;
    case 'fields':
      return `fields ${s.fields.map((f) => f.name).join(', ')}`;
  }
}

export function printAgg(a: Agg): string {
  const args = a.field === undefined ? '' : a.func === 'percentile' ? `${a.field.name}, ${a.percent ?? 50}` : a.field.name;
  return `${a.func}(${args})${a.as ? ` as ${a.as.name}` : ''}`;
}

export function printExpr(e: Expr): string {
  switch (e.kind) {
    case 'or':
    case 'and': {
      const field = singleField(e);
      if (field !== undefined) return `${field}:(${printGroup(e)})`;
      // operands of the same kind nest only when they were parenthesised, so they keep their parentheses
      return e.args.map((a) => wrap(a, PRECEDENCE[e.kind] + 1)).join(` ${e.kind} `);
    }
    case 'not':
      return `not ${wrap(e.arg, PRECEDENCE.not)}`;
    case 'match':
      return `${e.field}:${printValue(e.value)}`;
    case 'range':
      return `${e.field} ${e.op} ${printValue(e.value)}`;
    case 'exists':
      return `${e.field}:*`;
    case 'text':
      return printValue(e.value);
    case 'all':
      return '*';
  }
}

export function printValue(v: Value): string {
  return v.quoted ? `"${v.raw}"` : v.raw;
}

function wrap(e: Expr, min: number, print: (e: Expr) => string = printExpr): string {
  const text = print(e);
  // a `field:( … )` group is an operand on its own
  const atomic = print === printExpr && (e.kind === 'and' || e.kind === 'or') && singleField(e) !== undefined;
  return PRECEDENCE[e.kind] < min && !atomic ? `(${text})` : text;
}

/** The field when every leaf of `e` is a match or exists on that one field (printed as `field:( … )`). */
function singleField(e: Expr): string | undefined {
  switch (e.kind) {
    case 'and':
    case 'or': {
      const fields = new Set(e.args.map(singleField));
      const [only] = fields;
      return fields.size === 1 ? only : undefined;
    }
    case 'not':
      return singleField(e.arg);
    case 'match':
    case 'exists':
      return e.field;
    default:
      return undefined;
  }
}

/** The inside of `field:( … )`: the same operators over bare values. */
function printGroup(e: Expr): string {
  switch (e.kind) {
    case 'and':
    case 'or':
      return e.args.map((a) => wrap(a, PRECEDENCE[e.kind] + 1, printGroup)).join(` ${e.kind} `);
    case 'not':
      return `not ${wrap(e.arg, PRECEDENCE.not, printGroup)}`;
    case 'match':
      return printValue(e.value);
    default:
      return '*';
  }
}
