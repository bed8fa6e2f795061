import type { Expr, MatchExpr, RangeExpr, TextExpr, Value } from './ast.js';
import { formatIp, canonicalIp, parseCidr } from './cidr.js';
import { parseInstant, parseNumber } from './convert.js';
import { QueryError, invalidError } from './errors.js';
import type { FieldRef, FieldType, SqlFragment, SqlTarget } from './target.js';
import { globPattern, valuePieces, valueText } from './value.js';

type Param = string | number | null;

/**
 * Compiles a filter to an SQLite WHERE fragment. Values are always bound parameters. Semantics:
 * - keyword/text: exact, case-sensitive `=`; with wildcards `GLOB` (other GLOB metacharacters matched literally);
 *   ranges compare strings. On keyword fields an unquoted numeric value also matches, and compares numerically
 *   with, values stored as numbers (see `looseNumber`).
 * - ip: `a/n` is a network, `vigil_cidr(<ip>, ?)`; otherwise `=` on the canonical address text (see cidr.ts);
 *   with wildcards `GLOB` on the text. No ranges.
 * - number: numeric; date: epoch milliseconds, `=` is the exact instant (`@timestamp:2024-01-02` is midnight UTC,
 *   not the whole day: use a range for a day); boolean: `true`/`false` as 1/0, no ranges.
 * - `not X` is `NOT COALESCE((X), 0)`: an absent field makes X unknown in SQL, and `not` must still match it.
 * - array fields: any element matches, through `json_each`.
 */
export function compileFilter(expr: Expr, target: SqlTarget): SqlFragment {
  const params: Param[] = [];
  const sql = new Compiler(target, params).expr(expr);
  return { sql, params };
}

class Compiler {
  constructor(
    private readonly target: SqlTarget,
    private readonly params: Param[],
  ) {}

  expr(e: Expr): string {
    switch (e.kind) {
      case 'and':
        return e.args.map((a) => `(${this.expr(a)})`).join(' AND ');
      case 'or':
        return e.args.map((a) => `(${this.expr(a)})`).join(' OR ');
      case 'not':
        return `NOT COALESCE((${this.expr(e.arg)}), 0)`;
      case 'all':
        return '1';
      case 'text':
        return this.text(e);
      case 'exists':
        return this.onField(this.target.field(e.field), (x) => `${x} IS NOT NULL`);
      case 'match':
      case 'range': {
        const ref = this.target.field(e.field);
        return this.onField(ref, (x) => (e.kind === 'match' ? this.match(x, ref.type, e) : this.range(x, ref.type, e)));
      }
    }
  }

  /** Applies a condition on the value expression of a field; for an array field, to each element. */
  private onField(ref: FieldRef, cond: (valueSql: string) => string): string {
    if (ref.kind === 'scalar') return cond(ref.sql);
    this.params.push(ref.path);
    return `EXISTS (SELECT 1 FROM json_each(${ref.json}, ?) AS vigil_je WHERE ${cond('vigil_je.value')})`;
  }

  private match(x: string, type: FieldType, e: MatchExpr): string {
    const v = e.value;
    if (v.wildcard) {
      if (type === 'keyword' || type === 'text' || type === 'ip') return this.bind(`${x} GLOB ?`, globPattern(v));
      throw invalidError(`wildcards are not allowed on ${type} field '${e.field}'`, v.pos.start);
    }
    const text = valueText(v);
    switch (type) {
      case 'keyword': {
        const n = looseNumber(v);
        if (n === null) return this.bind(`${x} = ?`, text);
        this.params.push(text, n);
        return `${x} IN (?, ?)`;
      }
      case 'text':
        return this.bind(`${x} = ?`, text);
      case 'ip': {
        if (text.includes('/')) {
          const net = parseCidr(text);
          if (!net) throw invalidError(`'${text}' is not a valid IPv4 or IPv6 network`, v.pos.start);
          return this.bind(`vigil_cidr(${x}, ?)`, `${formatIp(net.bytes)}/${net.prefix}`);
        }
        const ip = canonicalIp(text);
        if (ip === null) throw invalidError(`'${text}' is not an IP address`, v.pos.start);
        return this.bind(`${x} = ?`, ip);
      }
      case 'boolean': {
        const b = text.toLowerCase();
        if (b !== 'true' && b !== 'false') throw invalidError(`expected true or false for '${e.field}'`, v.pos.start);
        return this.bind(`${x} = ?`, b === 'true' ? 1 : 0);
      }
      case 'number':
      case 'date':
        return this.bind(`${x} = ?`, comparable(type, v, e.field));
    }
  }

  private range(x: string, type: FieldType, e: RangeExpr): string {
    switch (type) {
      case 'keyword': {
        const n = looseNumber(e.value);
        if (n === null) return this.bind(`${x} ${e.op} ?`, valueText(e.value));
        this.params.push(n, valueText(e.value));
        return `CASE WHEN typeof(${x}) IN ('integer', 'real') THEN ${x} ${e.op} ? ELSE ${x} ${e.op} ? END`;
      }
      case 'text':
        return this.bind(`${x} ${e.op} ?`, valueText(e.value));
      case 'number':
      case 'date':
        return this.bind(`${x} ${e.op} ?`, comparable(type, e.value, e.field));
      case 'ip':
      case 'boolean':
        throw invalidError(`a range needs a number, date or keyword field, and '${e.field}' is ${type}`, e.pos.start);
    }
  }

  private text(e: TextExpr): string {
    const v = e.value;
    let value = valueText(v);
    let prefix = false;
    if (v.wildcard) {
      const pieces = valuePieces(v);
      const last = pieces[pieces.length - 1];
      const wilds = pieces.filter((p) => 'wildcard' in p).length;
      if (wilds !== 1 || pieces.length < 2 || !last || !('wildcard' in last) || last.wildcard !== '*') {
        throw new QueryError('VIGIL_ERR_QUERY_UNSUPPORTED', "full-text words support only a trailing '*'", v.pos.start);
      }
      value = value.slice(0, -1);
      prefix = true;
    }
    if (value === '') throw invalidError('empty phrase', v.pos.start);
    const frag = this.target.text({ value, phrase: e.phrase, prefix });
    this.params.push(...frag.params);
    return frag.sql;
  }

  private bind(sql: string, param: Param): string {
    this.params.push(param);
    return sql;
  }
}

/**
 * Keyword fields are compared as stored: an unquoted numeric value also matches a value stored as a JSON number
 * (`seq:5`, `seq > 5` on a field the schema does not type). A quoted value is always a string.
 */
function looseNumber(v: Value): number | null {
  return v.quoted ? null : parseNumber(valueText(v));
}

function comparable(type: 'number' | 'date', v: Value, field: string): number {
  const text = valueText(v);
  if (type === 'number') {
    const n = parseNumber(text);
    if (n === null) throw invalidError(`'${text}' is not a number, and '${field}' is a number field`, v.pos.start);
    return n;
  }
  const ms = parseInstant(text);
  if (ms === null) {
    throw invalidError(
      `'${text}' is not a date: use ISO 8601 (2024-01-02, 2024-01-02T03:04:05Z, …+02:00) or epoch milliseconds`,
      v.pos.start,
    );
  }
  return ms;
}
