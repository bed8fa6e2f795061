import { statSync } from 'node:fs';
import { join } from 'node:path';
import { Catalog } from './catalog.js';
import { hasTable, openPartition } from './open.js';
import { FTS_DDL, SEALED_INDEX_DDL } from './schema.js';
import { ROLLUP_DDL } from './rollup.js';

/**
 * Seals one partition in place, after the writer has moved on to a new hot partition: builds the secondary indexes,
 * the full-text index and (unless the writer wrote it) the per-minute rollup (rollup.ts) in bulk, once, gathers
 * planner statistics, checkpoints so the file holds everything, then records it as sealed. Every step can be repeated
 * after a crash: a partition left 'sealing' is sealed again at the next start.
 */
export function sealPartition(dir: string, id: number): { file: string; bytes: number; events: number } {
  const catalog = new Catalog(dir);
  try {
    const info = catalog.get(id);
    if (!info) throw new Error(`no partition ${id}`);
    if (info.state === 'sealed') return { file: info.file, bytes: info.bytes, events: info.events };
    if (info.state !== 'sealing') throw new Error(`partition ${id} is still being written`);
    const path = join(dir, info.file);
    const db = openPartition(path, { mustExist: true });
    try {
      db.pragma('synchronous = FULL');
      db.pragma('cache_size = -65536');
      db.exec(SEALED_INDEX_DDL);
      if (!hasTable(db, 'fts')) db.transaction(() => db.exec(FTS_DDL))();
      // the writer wrote it at rotation when it had counted every row (rollup-counter.ts); a table that exists is
      // complete (it is written in one transaction, after the partition took its last row)
      if (!hasTable(db, 'rollup_1m')) db.transaction(() => db.exec(ROLLUP_DDL))();
      db.pragma('analysis_limit = 1000');
      // statistics for the planner's one choice, which index of `events` to use: the other tables are read by rowid
      // or by FTS5's own keys, and counting their rows cost ten times as much (13 against 1.5 ms a partition)
      db.exec('ANALYZE events');
      db.pragma('wal_checkpoint(TRUNCATE)');
    } finally {
      db.close();
    }
    const bytes = statSync(path).size;
    catalog.markSealed(id, info.file, bytes, Date.now());
    return { file: info.file, bytes, events: info.events };
  } finally {
    catalog.close();
  }
}
