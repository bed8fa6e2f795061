import type Database from 'better-sqlite3';
import { compileFilter } from '../../query/compile.js';
import type { SqlFragment } from '../../query/target.js';
import { fromRow } from '../row.js';
import type { SearchHit, SearchRequest, SearchResult } from '../store.js';
import type { PartitionInfo } from './catalog.js';
import { hotTarget, sealedTarget } from './target.js';

export interface PartitionHandle {
  info: PartitionInfo;
  db: Database.Database;
}

interface HitRow {
  ts: number;
  batch: number;
  seq: number;
  message: string | null;
  doc: string;
}

/** Counting stops here; the answer then says total >= this. */
export const TOTAL_CAP = 10_000;

const STMT_CACHE = new WeakMap<Database.Database, Map<string, Database.Statement>>();

function prepare(db: Database.Database, sql: string): Database.Statement {
  let cache = STMT_CACHE.get(db);
  if (!cache) {
    cache = new Map();
    STMT_CACHE.set(db, cache);
  }
  let stmt = cache.get(sql);
  if (!stmt) {
    if (cache.size >= 128) cache.clear();
    stmt = db.prepare(sql);
    cache.set(sql, stmt);
  }
  return stmt;
}

function overlaps(p: PartitionInfo, from: number, to: number): boolean {
  if (p.state !== 'sealed' || p.minTs === null || p.maxTs === null) return true;
  return p.maxTs >= from && p.minTs < to;
}

/** Newest-first search over the partitions: the newest are read first and older ones are skipped once they cannot improve the answer. */
export function searchPartitions(parts: readonly PartitionHandle[], req: SearchRequest): SearchResult {
  const started = performance.now();
  const candidates = parts
    .filter((p) => overlaps(p.info, req.from, req.to))
    .sort((a, b) => (b.info.state === 'sealed' ? (b.info.maxTs ?? 0) : Infinity) - (a.info.state === 'sealed' ? (a.info.maxTs ?? 0) : Infinity) || b.info.id - a.info.id);
  const compiled = new Map<'hot' | 'sealed', SqlFragment>();
  const whereFor = (sealed: boolean): SqlFragment => {
    const key = sealed ? 'sealed' : 'hot';
    let f = compiled.get(key);
    if (!f) {
      f = compileFilter(req.filter, sealed ? sealedTarget : hotTarget);
      compiled.set(key, f);
    }
    return f;
  };
  let hits: SearchHit[] = [];
  let total = 0;
  let scanned = 0;
  for (const p of candidates) {
    const sealed = p.info.state === 'sealed';
    const where = whereFor(sealed);
    const base = `FROM events WHERE ts >= ? AND ts < ? AND (${where.sql})`;
    const params = [req.from, req.to, ...where.params];
    scanned++;
    if (total < TOTAL_CAP) {
      const n = prepare(p.db, `SELECT count(*) AS n FROM (SELECT 1 ${base} LIMIT ?)`).get(...params, TOTAL_CAP - total) as { n: number };
      total += n.n;
    }
    const floor = hits.length >= req.limit ? (hits[hits.length - 1] as SearchHit).ts : -Infinity;
    const maxTs = sealed ? (p.info.maxTs ?? Infinity) : Infinity;
    if (req.limit === 0 || maxTs < floor) {
      if (total >= TOTAL_CAP) break;
      continue;
    }
    const order = sealed ? 'ORDER BY id DESC' : 'ORDER BY ts DESC, id DESC';
    const rows = prepare(p.db, `SELECT ts, batch, seq, message, doc ${base} ${order} LIMIT ?`).all(...params, req.limit) as HitRow[];
    for (const r of rows) hits.push({ id: `${r.batch}:${r.seq}`, ts: r.ts, event: fromRow(r.doc, r.message) });
    hits.sort((a, b) => b.ts - a.ts);
    if (hits.length > req.limit) hits = hits.slice(0, req.limit);
  }
  return {
    total,
    totalRelation: total >= TOTAL_CAP ? 'gte' : 'eq',
    events: hits,
    partitionsScanned: scanned,
    tookMs: performance.now() - started,
  };
}
