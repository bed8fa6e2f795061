import type Database from 'better-sqlite3';
import { compileFilter } from '../../query/compile.js';
import { budgetError } from '../../query/errors.js';
import { fromRow } from '../row.js';
import type { SearchHit, SearchRequest, SearchResult } from '../store.js';
import type { PartitionInfo } from './catalog.js';
import { PartitionTarget } from './target.js';

export interface PartitionHandle {
  info: PartitionInfo;
  db: Database.Database;
}

interface Candidate {
  part: PartitionHandle;
  id: number;
  ts: number;
  batch: number;
  seq: number;
}

/** Counting stops here; the answer then says total >= this. */
export const TOTAL_CAP = 10_000;

const STMT_CACHE = new WeakMap<Database.Database, Map<string, Database.Statement>>();

export function prepare(db: Database.Database, sql: string): Database.Statement {
  let cache = STMT_CACHE.get(db);
  if (!cache) {
    cache = new Map();
    STMT_CACHE.set(db, cache);
  }
  let stmt = cache.get(sql);
  if (!stmt) {
    if (cache.size >= 64) cache.clear();
    stmt = db.prepare(sql);
    cache.set(sql, stmt);
  }
  return stmt;
}

export function overlaps(p: PartitionInfo, from: number, to: number): boolean {
  if (p.state !== 'sealed' || p.minTs === null || p.maxTs === null) return true;
  return p.maxTs >= from && p.minTs < to;
}

/** Newest time a partition can hold, for ordering and skipping (unsealed ones can hold anything). */
function ceiling(p: PartitionInfo): number {
  return p.state === 'sealed' ? (p.maxTs ?? -Infinity) : Infinity;
}

interface Compiled {
  from: string;
  where: string;
  params: (string | number | null)[];
}

function compileFor(req: SearchRequest, indexed: boolean): Compiled {
  const target = new PartitionTarget(indexed);
  const f = compileFilter(req.filter, target);
  return {
    from: target.usesDoc ? 'events e JOIN docs d ON d.id = e.id' : 'events e',
    where: `e.ts >= ? AND e.ts < ? AND (${f.sql})`,
    params: [req.from, req.to, ...f.params],
  };
}

/**
 * Newest-first search over the partitions. Each partition answers with the (time, id) of its newest matches from the
 * narrow events table; partitions are read newest first and skipped once they cannot change the newest-N answer;
 * documents are read only for the rows finally returned. Between partitions the search yields to the event loop
 * (parsing and detection share this thread) and checks its time budget.
 */
export async function searchPartitions(
  parts: readonly PartitionHandle[],
  req: SearchRequest,
  pause: () => Promise<void> = () => new Promise((r) => setImmediate(r)),
): Promise<SearchResult> {
  const started = performance.now();
  const candidates = parts.filter((p) => overlaps(p.info, req.from, req.to)).sort((a, b) => ceiling(b.info) - ceiling(a.info) || b.info.id - a.info.id);
  const compiled = { sealed: undefined as Compiled | undefined, hot: undefined as Compiled | undefined };
  let hits: Candidate[] = [];
  let total = 0;
  let scanned = 0;
  for (const p of candidates) {
    const sealed = p.info.state === 'sealed';
    const c = sealed ? (compiled.sealed ??= compileFor(req, true)) : (compiled.hot ??= compileFor(req, false));
    const full = hits.length >= req.limit;
    const floor = full && hits.length > 0 ? (hits[hits.length - 1] as Candidate).ts : -Infinity;
    const canImprove = req.limit > 0 && !(full && ceiling(p.info) < floor);
    if (!canImprove && total >= TOTAL_CAP) break;
    if (scanned > 0) await pause();
    if (req.budgetMs !== undefined && performance.now() - started > req.budgetMs) {
      throw budgetError(`the search ran longer than its budget of ${req.budgetMs} ms: narrow the filter or time range`);
    }
    scanned++;
    if (total < TOTAL_CAP) {
      const n = prepare(p.db, `SELECT count(*) AS n FROM (SELECT 1 FROM ${c.from} WHERE ${c.where} LIMIT ?)`).get(...c.params, TOTAL_CAP - total) as { n: number };
      total += n.n;
      if (n.n === 0) continue;
    }
    if (!canImprove) continue;
    const rows = prepare(p.db, `SELECT e.id AS id, e.ts AS ts, e.batch AS batch, e.seq AS seq FROM ${c.from} WHERE ${c.where} ORDER BY e.ts DESC, e.id DESC LIMIT ?`).all(
      ...c.params,
      req.limit,
    ) as Omit<Candidate, 'part'>[];
    if (rows.length === 0) continue;
    for (const r of rows) hits.push({ ...r, part: p });
    hits.sort((a, b) => b.ts - a.ts || b.batch - a.batch || b.seq - a.seq);
    if (hits.length > req.limit) hits = hits.slice(0, req.limit);
  }
  return {
    total,
    totalRelation: total >= TOTAL_CAP ? 'gte' : 'eq',
    events: fetchDocs(hits),
    partitionsScanned: scanned,
    tookMs: performance.now() - started,
  };
}

/** Reads the documents of the chosen rows, one statement per partition, and keeps the newest-first order. */
function fetchDocs(hits: readonly Candidate[]): SearchHit[] {
  const byPart = new Map<PartitionHandle, number[]>();
  for (const h of hits) {
    const ids = byPart.get(h.part);
    if (ids) ids.push(h.id);
    else byPart.set(h.part, [h.id]);
  }
  const docs = new Map<PartitionHandle, Map<number, { message: string | null; doc: string }>>();
  for (const [part, ids] of byPart) {
    const m = new Map<number, { message: string | null; doc: string }>();
    for (let i = 0; i < ids.length; i += 500) {
      const chunk = ids.slice(i, i + 500);
      const rows = part.db
        .prepare(`SELECT e.id AS id, e.message AS message, d.doc AS doc FROM events e JOIN docs d ON d.id = e.id WHERE e.id IN (${chunk.map(() => '?').join(',')})`)
        .all(...chunk) as { id: number; message: string | null; doc: string }[];
      for (const r of rows) m.set(r.id, r);
    }
    docs.set(part, m);
  }
  const out: SearchHit[] = [];
  for (const h of hits) {
    const r = docs.get(h.part)?.get(h.id);
    if (r) out.push({ id: `${h.batch}:${h.seq}`, ts: h.ts, event: fromRow(r.doc, r.message) });
  }
  return out;
}
