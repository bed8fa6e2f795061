import type Database from 'better-sqlite3';
import { F } from '../../schema/fields.js';
import { isObject } from '../../schema/event.js';
import type { PartitionHandle } from './search.js';

/** Documents sampled per partition (the newest), field names kept per partition, and how long a hot sample lives. */
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

function sample(db: Database.Database): Set<string> {
  const names = new Set<string>();
  const rows = db.prepare('SELECT d.doc AS doc, e.message IS NOT NULL AS m FROM docs d JOIN events e ON e.id = d.id ORDER BY d.id DESC LIMIT ?').all(SAMPLE_DOCS) as { doc: string; m: number }[];
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
