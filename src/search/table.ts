import type { Expr, Name, Stage } from '../query/ast.js';
import { compileFilter } from '../query/compile.js';
import { budgetError } from '../query/errors.js';
import { evaluate, sqlCompare } from '../query/evaluate.js';
import type { FieldType, SqlTarget } from '../query/target.js';
import { fieldType } from '../schema/types.js';
import { textMatches } from '../store/sqlite/text.js';
import type { AggregateRow } from '../store/store.js';
import { aggName, checkColumns, exprFields, type AggStage } from './plan.js';

export type Cell = string | number | null | Cell[];

export interface Table {
  columns: string[];
  rows: Cell[][];
  /** column types for `where` (group fields keep their field's type; metrics compare as stored) */
  types: Map<string, FieldType>;
}

/** Series a timechart shows at most; the rest are summed into OTHER (for count and sum). */
export const MAX_SERIES = 10;
/** Buckets a timechart makes at most. */
export const MAX_BUCKETS = 10_000;
export const TIME_COLUMN = '_time';

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function keyCell(v: string | number | null, type: FieldType): Cell {
  return type === 'date' && typeof v === 'number' ? iso(v) : v;
}

/** The rows of a stats, top or rare aggregation, before the stages that follow it. */
export function tableOf(agg: Exclude<AggStage, { kind: 'timechart' }>, rows: AggregateRow[]): Table {
  if (agg.kind === 'stats') {
    const types = new Map<string, FieldType>(agg.by.map((b) => [b.name, fieldType(b.name)]));
    const columns = [...agg.by.map((b) => b.name), ...agg.aggs.map(aggName)];
    const out = rows.map((r) => [...r.key.map((k, i) => keyCell(k, fieldType(agg.by[i]?.name ?? ''))), ...(r.values as Cell[])]);
    return { columns, rows: out, types };
  }
  const field = agg.field.name;
  const total = rows.reduce((s, r) => s + Number(r.values[0]), 0);
  const sorted = rows
    .map((r) => [keyCell(r.key[0] ?? null, fieldType(field)), Number(r.values[0])] as [Cell, number])
    .sort((a, b) => (agg.kind === 'top' ? b[1] - a[1] : a[1] - b[1]) || sqlCompare(String(a[0]), String(b[0])))
    .slice(0, agg.n);
  return {
    columns: [field, 'count', 'percent'],
    rows: sorted.map(([k, n]) => [k, n, total === 0 ? 0 : Math.round((n / total) * 1e6) / 1e4]),
    types: new Map([[field, fieldType(field)]]),
  };
}

/**
 * A timechart: one row per bucket from `lo` (aligned down to the span) to `hi`, `_time` then one column per series
 * (the `by` values with the largest totals, then OTHER), or the metric alone without `by`. Empty buckets count 0.
 */
export function timechartOf(agg: Extract<AggStage, { kind: 'timechart' }>, rows: AggregateRow[], lo: number, hi: number): Table {
  const span = agg.spanMs;
  const additive = agg.agg.func === 'count' || agg.agg.func === 'sum';
  const empty: Cell = agg.agg.func === 'count' ? 0 : null;
  const metric = aggName(agg.agg);
  const start = Math.floor(lo / span) * span;
  const buckets = Math.max(0, Math.ceil((hi - start) / span));
  if (buckets > MAX_BUCKETS) throw budgetError(`the timechart would make ${buckets} buckets (at most ${MAX_BUCKETS}): use a larger span or a shorter time range`);
  const series: string[] = [];
  const cells = new Map<number, Map<string, Cell>>();
  if (agg.by) {
    const totals = new Map<string, number>();
    for (const r of rows) {
      const s = String(r.key[1]);
      const v = r.values[0];
      totals.set(s, (totals.get(s) ?? 0) + (typeof v === 'number' ? Math.abs(v) : 0));
    }
    const ranked = [...totals.entries()].sort((a, b) => b[1] - a[1] || sqlCompare(a[0], b[0])).map(([s]) => s);
    series.push(...ranked.slice(0, MAX_SERIES));
    if (ranked.length > MAX_SERIES && additive) series.push('OTHER');
  } else series.push(metric);
  const shown = new Set(series);
  for (const r of rows) {
    const t = Number(r.key[0]);
    let s = agg.by ? String(r.key[1]) : metric;
    if (!shown.has(s)) {
      if (!additive) continue;
      s = 'OTHER';
    }
    let m = cells.get(t);
    if (!m) cells.set(t, (m = new Map<string, Cell>()));
    const v = r.values[0] as Cell;
    const prev = m.get(s);
    m.set(s, typeof prev === 'number' && typeof v === 'number' ? prev + v : v);
  }
  const out: Cell[][] = [];
  for (let i = 0; i < buckets; i++) {
    const t = start + i * span;
    const m = cells.get(t);
    out.push([iso(t), ...series.map((s) => m?.get(s) ?? empty)]);
  }
  return { columns: [TIME_COLUMN, ...series], rows: out, types: new Map([[TIME_COLUMN, 'keyword']]) };
}

/** A target used only to check a `where` filter over rows with the compiler's rules (types, wildcards). */
function checkTarget(types: Map<string, FieldType>): SqlTarget {
  return {
    field: (name) => ({ kind: 'scalar', sql: 'x', type: types.get(name) ?? 'keyword' }),
    text: () => ({ sql: '1', params: [] }),
  };
}

/** Applies where, sort, head and fields to a table, in order. Column names are checked against the table. */
export function applyStages(t: Table, stages: readonly Stage[]): Table {
  let { columns, rows } = t;
  for (const s of stages) {
    switch (s.kind) {
      case 'where': {
        const names: Name[] = [];
        exprFields(s.filter, names);
        checkColumns(names, columns);
        compileFilter(s.filter, checkTarget(t.types));
        rows = rows.filter((r) => rowMatches(s.filter, columns, r, t.types));
        break;
      }
      case 'sort': {
        checkColumns(
          s.keys.map((k) => k.field),
          columns,
        );
        const idx = s.keys.map((k) => ({ i: columns.indexOf(k.field.name), desc: k.desc }));
        rows = [...rows].sort((a, b) => {
          for (const { i, desc } of idx) {
            const c = compareCells(a[i] ?? null, b[i] ?? null);
            if (c !== 0) return desc ? -c : c;
          }
          return 0;
        });
        break;
      }
      case 'head':
        rows = rows.slice(0, s.n);
        break;
      case 'fields': {
        checkColumns(s.fields, columns);
        const idx = s.fields.map((f) => columns.indexOf(f.name));
        columns = s.fields.map((f) => f.name);
        rows = rows.map((r) => idx.map((i) => r[i] ?? null));
        break;
      }
      default:
        break;
    }
  }
  return { columns, rows, types: t.types };
}

/** Nulls last; numbers before text; lists by their first value. */
function compareCells(a: Cell, b: Cell): number {
  const x = Array.isArray(a) ? (a[0] ?? null) : a;
  const y = Array.isArray(b) ? (b[0] ?? null) : b;
  if (x === null || Array.isArray(x)) return y === null || Array.isArray(y) ? 0 : 1;
  if (y === null || Array.isArray(y)) return -1;
  return sqlCompare(x, y);
}

function rowMatches(filter: Expr, columns: readonly string[], row: readonly Cell[], types: Map<string, FieldType>): boolean {
  return evaluate(filter, {
    get: (f) => {
      const i = columns.indexOf(f);
      return i < 0 ? undefined : (row[i] ?? undefined);
    },
    type: (f) => types.get(f) ?? 'keyword',
    isArray: () => true,
    text: ({ value, prefix }) => row.some((c) => typeof c === 'string' && textMatches(c, value, prefix)),
  });
}
