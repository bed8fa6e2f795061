import { VigilError } from '../core/errors.js';
import { parseTimeArg } from '../core/time.js';
import { budgetError } from '../query/errors.js';
import { parseQuery } from '../query/parser.js';
import { getPath } from '../schema/event.js';
import type { GroupKey, Metric, Store } from '../store/store.js';
import { checkFields, eventFields, knownField, plan, type Plan } from './plan.js';
import { applyStages, tableOf, timechartOf, MAX_BUCKETS, type Cell, type Table } from './table.js';

export interface SearchParams {
  q: string;
  from?: string | undefined;
  to?: string | undefined;
  limit?: string | number | undefined;
  /** a smaller time budget than the default, in milliseconds */
  budget_ms?: string | number | undefined;
}

export interface SearchResponse {
  total: number;
  total_relation: 'eq' | 'gte';
  took_ms: number;
  events: (Record<string, unknown> & { id?: string })[];
}

/** The answer to an aggregating query (or one that picks `fields`): a table. */
export interface TableResponse {
  columns: string[];
  rows: Cell[][];
  /** true when more rows were made than `limit` allowed */
  truncated: boolean;
  took_ms: number;
}

export type SearchOutput = SearchResponse | TableResponse;

export const MAX_LIMIT = 10_000;
/** Time a query may run before it is stopped with VIGIL_ERR_QUERY_BUDGET. */
export const DEFAULT_BUDGET_MS = 30_000;
/** Groups an aggregation may make before it is stopped with VIGIL_ERR_QUERY_BUDGET. */
export const MAX_GROUPS = 200_000;

export function isTable(r: SearchOutput): r is TableResponse {
  return 'columns' in r;
}

interface Resolved {
  from: number;
  to: number;
  limit: number | undefined;
  budgetMs: number;
}

function resolve(p: SearchParams, now: number): Resolved {
  const from = p.from !== undefined && p.from !== '' ? parseTimeArg(p.from, now, 'from') : 0;
  const to = p.to !== undefined && p.to !== '' ? parseTimeArg(p.to, now, 'to') : Number.MAX_SAFE_INTEGER;
  const limit = p.limit === undefined || p.limit === '' ? undefined : Number(p.limit);
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 0 || limit > MAX_LIMIT)) {
    throw new VigilError('VIGIL_ERR_BAD_REQUEST', `limit must be an integer from 0 to ${MAX_LIMIT}`);
  }
  const budgetMs = p.budget_ms === undefined || p.budget_ms === '' ? DEFAULT_BUDGET_MS : Number(p.budget_ms);
  if (!Number.isInteger(budgetMs) || budgetMs < 1 || budgetMs > DEFAULT_BUDGET_MS) {
    throw new VigilError('VIGIL_ERR_BAD_REQUEST', `budget_ms must be an integer from 1 to ${DEFAULT_BUDGET_MS}`);
  }
  if (from > to) throw new VigilError('VIGIL_ERR_BAD_REQUEST', 'from is after to');
  return { from, to, limit, budgetMs };
}

/** Parses, plans and checks a query against the schema and the fields seen in the data. */
export async function prepareQuery(store: Store, q: string, from: number, to: number): Promise<Plan> {
  const p = plan(parseQuery(q));
  const names = eventFields(p);
  if (names.some((n) => !knownField(n.name))) checkFields(names, await store.fieldNames(from, to));
  return p;
}

/**
 * The one search entry point behind GET /api/v1/search and `vigil search --json`: same input, same JSON. A filter
 * alone answers events, newest first; an aggregating query (stats, timechart, top, rare) or `fields` answers a table.
 */
export async function runSearch(store: Store, p: SearchParams, now: number): Promise<SearchOutput> {
  const started = performance.now();
  const r = resolve(p, now);
  const pl = await prepareQuery(store, p.q, r.from, r.to);
  if (!pl.agg) return events(store, pl, r, started);
  const agg = pl.agg;
  let groups: GroupKey[];
  let metrics: Metric[];
  if (agg.kind === 'stats') {
    groups = agg.by.map((b) => ({ kind: 'field', field: b.name }));
    metrics = agg.aggs.map((a) => ({ func: a.func, ...(a.field ? { field: a.field.name } : {}), ...(a.percent !== undefined ? { percent: a.percent } : {}) }));
  } else if (agg.kind === 'timechart') {
    if (r.from > 0 && r.to < Number.MAX_SAFE_INTEGER && (r.to - r.from) / agg.spanMs > MAX_BUCKETS) {
      throw budgetError(`the timechart would make more than ${MAX_BUCKETS} buckets: use a larger span or a shorter time range`);
    }
    groups = [{ kind: 'time', spanMs: agg.spanMs }, ...(agg.by ? [{ kind: 'field' as const, field: agg.by.name }] : [])];
    const a = agg.agg;
    metrics = [{ func: a.func, ...(a.field ? { field: a.field.name } : {}), ...(a.percent !== undefined ? { percent: a.percent } : {}) }];
  } else {
    groups = [{ kind: 'field', field: agg.field.name }];
    metrics = [{ func: 'count' }];
  }
  const res = await store.aggregate({ filter: pl.filter, from: r.from, to: r.to, groups, metrics, maxGroups: MAX_GROUPS, budgetMs: r.budgetMs });
  let table: Table;
  if (agg.kind === 'timechart') {
    const times = res.rows.map((x) => Number(x.key[0]));
    // a loop, not Math.min(...times): a spread of 200,000 arguments can overflow the stack
    const first = times.reduce((a, b) => Math.min(a, b), Infinity);
    const lo = r.from > 0 ? r.from : times.length > 0 ? first : 0;
    // without `to`: up to now when the range is relative to now (`from` given), else up to the newest bucket
    const last = times.length > 0 ? times.reduce((a, b) => Math.max(a, b), -Infinity) + agg.spanMs : 0;
    const hi = r.to < Number.MAX_SAFE_INTEGER ? r.to : r.from > 0 ? Math.max(now, last) : last;
    table = timechartOf(agg, res.rows, lo, hi);
  } else table = tableOf(agg, res.rows);
  table = applyStages(table, pl.post);
  return finishTable(table, r.limit, started);
}

function finishTable(t: Table, limit: number | undefined, started: number): TableResponse {
  const cap = limit ?? MAX_LIMIT;
  return {
    columns: t.columns,
    rows: t.rows.length > cap ? t.rows.slice(0, cap) : t.rows,
    truncated: t.rows.length > cap,
    took_ms: Math.round((performance.now() - started) * 100) / 100,
  };
}

async function events(store: Store, pl: Plan, r: Resolved, started: number): Promise<SearchOutput> {
  // `head N` asks for N events; an explicit limit still caps them
  const limit = Math.min(r.limit ?? (pl.eventHead === undefined ? 100 : MAX_LIMIT), pl.eventHead ?? Infinity);
  const res = await store.search({ filter: pl.filter, from: r.from, to: r.to, limit, budgetMs: r.budgetMs });
  const fields = pl.eventFields;
  if (fields) {
    const columns = fields.map((f) => f.name);
    const rows = res.events.map((h) => columns.map((c) => toCell(c === 'id' ? h.id : getPath(h.event, c))));
    return finishTable({ columns, rows, types: new Map() }, limit, started);
  }
  return {
    total: res.total,
    total_relation: res.totalRelation,
    took_ms: Math.round(res.tookMs * 100) / 100,
    events: res.events.map((h) => ({ id: h.id, ...h.event })),
  };
}

function toCell(v: unknown): Cell {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string' || typeof v === 'number') return v;
  if (typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return v.map(toCell);
  return JSON.stringify(v);
}
