import type { Agg, Expr, Name, Query, Stage, StatsStage, TimechartStage, TopStage } from '../query/ast.js';
import { QueryError, invalidError } from '../query/errors.js';
import { closest } from '../query/suggest.js';
import { F } from '../schema/fields.js';
import { fieldType, isArrayField } from '../schema/types.js';

export type AggStage = StatsStage | TimechartStage | TopStage;

/**
 * What a query asks for, in execution order: one filter (the query's, and-ed with any `where` before the
 * aggregation), then either events (newest first, optionally cut by `head` and projected by `fields`) or one
 * aggregation followed by stages over its rows.
 */
export interface Plan {
  filter: Expr;
  agg?: AggStage;
  /** before an aggregation: how many events `head` keeps, and the columns `fields` keeps */
  eventHead?: number;
  eventFields?: Name[];
  /** after the aggregation: where, sort, head, fields over its rows */
  post: Stage[];
}

export function plan(q: Query): Plan {
  const p: Plan = { filter: q.filter, post: [] };
  const filters: Expr[] = [q.filter];
  for (const s of q.stages) {
    if (p.agg) {
      if (s.kind === 'stats' || s.kind === 'timechart' || s.kind === 'top' || s.kind === 'rare') {
        throw new QueryError('VIGIL_ERR_QUERY_UNSUPPORTED', `only one aggregating stage per query ('${s.kind}' follows '${p.agg.kind}')`, s.pos.start);
      }
      p.post.push(s);
      continue;
    }
    switch (s.kind) {
      case 'stats':
      case 'timechart':
      case 'top':
      case 'rare':
        if (p.eventHead !== undefined || p.eventFields !== undefined) {
          throw new QueryError('VIGIL_ERR_QUERY_UNSUPPORTED', `'${s.kind}' must come before 'head' and 'fields'`, s.pos.start);
        }
        p.agg = s;
        break;
      case 'where':
        filters.push(s.filter);
        break;
      case 'head':
        p.eventHead = Math.min(p.eventHead ?? Infinity, s.n);
        break;
      case 'fields':
        p.eventFields = s.fields;
        break;
      case 'sort': {
        const only = s.keys.length === 1 && s.keys[0]?.field.name === F.timestamp && s.keys[0].desc;
        if (!only) {
          throw new QueryError(
            'VIGIL_ERR_QUERY_UNSUPPORTED',
            "events come newest first ('sort -@timestamp'); to sort by other fields aggregate first (stats, top, rare)",
            s.pos.start,
          );
        }
        break;
      }
    }
  }
  const real = filters.filter((f) => f.kind !== 'all');
  if (real.length > 1) {
    const first = real[0] as Expr;
    const last = real[real.length - 1] as Expr;
    p.filter = { kind: 'and', pos: { start: first.pos.start, end: last.pos.end }, args: real };
  } else if (real.length === 1) p.filter = real[0] as Expr;
  return p;
}

/** Every event field a plan reads, with where it was written (for validation). */
export function eventFields(p: Plan): Name[] {
  const out: Name[] = [];
  exprFields(p.filter, out);
  const a = p.agg;
  if (a?.kind === 'stats') {
    out.push(...a.by);
    for (const g of a.aggs) if (g.field) out.push(g.field);
  } else if (a?.kind === 'timechart') {
    if (a.agg.field) out.push(a.agg.field);
    if (a.by) out.push(a.by);
  } else if (a) out.push(a.field);
  if (p.eventFields) out.push(...p.eventFields);
  return out;
}

export function exprFields(e: Expr, out: Name[]): void {
  switch (e.kind) {
    case 'and':
    case 'or':
      for (const x of e.args) exprFields(x, out);
      return;
    case 'not':
      exprFields(e.arg, out);
      return;
    case 'match':
    case 'range':
    case 'exists':
      out.push({ name: e.field, pos: { start: e.pos.start, end: e.pos.start + e.field.length } });
      return;
    default:
      return;
  }
}

/** Field names the schema defines (F constants, typed and list fields). */
export const SCHEMA_FIELDS: ReadonlySet<string> = new Set<string>([...Object.values(F), 'event.start', 'event.end', 'client.ip', 'server.ip', 'host.ip', 'observer.ip', 'related.ip', 'related.user', 'related.hosts', 'source.bytes', 'destination.bytes', 'process.pid']);

export function knownField(name: string): boolean {
  return SCHEMA_FIELDS.has(name) || fieldType(name) !== 'keyword' || isArrayField(name);
}

/**
 * Rejects a field that is neither in the schema nor in the data when a known field is close to it (a typo): the
 * error names the closest ones. A field with no close match passes: it may be rare, and it simply matches nothing.
 */
export function checkFields(names: readonly Name[], seen: readonly string[]): void {
  const data = new Set(seen);
  for (const n of names) {
    if (knownField(n.name) || data.has(n.name)) continue;
    const near = closest(n.name, new Set([...SCHEMA_FIELDS, ...data]), 3, false);
    if (near.length > 0) throw invalidError(`unknown field '${n.name}' (did you mean ${near.map((x) => `'${x}'`).join(', ')}?)`, n.pos.start);
  }
}

/** Rejects a column name that the rows do not have, naming the closest columns. */
export function checkColumns(names: readonly Name[], columns: readonly string[]): void {
  for (const n of names) {
    if (columns.includes(n.name)) continue;
    const near = closest(n.name, columns);
    const hint = near.length > 0 ? ` (did you mean ${near.map((x) => `'${x}'`).join(', ')}?)` : ` (columns: ${columns.join(', ')})`;
    throw invalidError(`no column '${n.name}' in the results${hint}`, n.pos.start);
  }
}

/** The column an aggregation writes: its `as` name, else `count`, `dc(field)`, `p95(field)`, … */
export function aggName(a: Agg): string {
  if (a.as) return a.as.name;
  if (a.field === undefined) return a.func;
  if (a.func === 'percentile') return `p${a.percent ?? 50}(${a.field.name})`;
  return `${a.func}(${a.field.name})`;
}
