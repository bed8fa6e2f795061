import type Database from 'better-sqlite3';
import { F } from '../../schema/fields.js';
import { isObject } from '../../schema/event.js';
import type { PartitionHandle } from './search.js';

/** Documents sampled per partition (spread over it, and as many of the newest), names kept per partition, and how long a hot sample lives. */
const SAMPLE_DOCS = 300;
const MAX_NAMES = 2000;
const HOT_TTL_MS = 10_000;
const MAX_DEPTH = 8;

/**
 * The field names seen in a sample of each partition's documents: enough to tell a typo from a field that exists in
 * the data. Sealed partitions never change, so their sample is kept; the hot one is sampled again after a few seconds.
 */
export class FieldCatalog {
  private readonly cache = new Map<string, { names: Set<string>; at: number; sealed: boolean }>();

  names(parts: readonly PartitionHandle[], now = Date.now()): string[] {
    const all = new Set<string>([F.timestamp]);
    for (const p of parts) {
      const sealed = p.info.state === 'sealed';
      let c = this.cache.get(p.info.file);
      if (!c || (!c.sealed && now - c.at > HOT_TTL_MS) || (sealed && !c.sealed)) {
        c = { names: sample(p.db), at: now, sealed };
        this.cache.set(p.info.file, c);
        if (this.cache.size > 4096) this.cache.delete(this.cache.keys().next().value as string);
      }
      for (const n of c.names) all.add(n);
    }
    return [...all];
  }
}

/** Runs of documents read from evenly spaced places in the partition (by row id: one index seek each). */
const RUNS = 10;

function sample(db: Database.Database): Set<string> {
  const names = new Set<string>();
  // two statements: SQLite answers a lone min() or max() of the row id with one seek, but both together with a scan
  const lo = (db.prepare('SELECT min(id) AS v FROM docs').get() as { v: number | null }).v;
  const hi = (db.prepare('SELECT max(id) AS v FROM docs').get() as { v: number | null }).v;
  if (lo === null || hi === null) return names;
  const range = { lo, hi };
  const run = db.prepare('SELECT d.doc AS doc, e.message IS NOT NULL AS m FROM docs d JOIN events e ON e.id = d.id WHERE d.id >= ? ORDER BY d.id LIMIT ?');
  const rows: { doc: string; m: number }[] = [];
  const step = (range.hi - range.lo) / RUNS;
  for (let k = 0; k < RUNS; k++) rows.push(...(run.all(Math.floor(range.lo + k * step), Math.ceil(SAMPLE_DOCS / RUNS)) as { doc: string; m: number }[]));
  // and the newest, where a field that just started to appear is
  rows.push(...(db.prepare('SELECT d.doc AS doc, e.message IS NOT NULL AS m FROM docs d JOIN events e ON e.id = d.id ORDER BY d.id DESC LIMIT ?').all(SAMPLE_DOCS) as { doc: string; m: number }[]));
  for (const r of rows) {
    if (r.m) names.add(F.message);
    try {
      walk(JSON.parse(r.doc) as unknown, '', names, 0);
    } catch {
      // a document that is not JSON has no field names to offer
    }
    if (names.size >= MAX_NAMES) break;
  }
  return names;
}

function walk(v: unknown, prefix: string, out: Set<string>, depth: number): void {
  if (!isObject(v) || depth > MAX_DEPTH) return;
  for (const [k, x] of Object.entries(v)) {
    const name = prefix === '' ? k : `${prefix}.${k}`;
    if (isObject(x)) walk(x, name, out, depth + 1);
    else if (out.size < MAX_NAMES) out.add(name);
  }
}
