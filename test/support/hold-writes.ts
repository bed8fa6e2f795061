import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';

export interface HeldWrites {
  /** lets the store's writer go on (idempotent) */
  release(): void;
}

/**
 * Holds SQLite's write lock on a store's hot partition from another connection (as a backup tool or a second
 * process would): the store's writer thread waits for it (within its busy timeout), so commits stay pending and the
 * store falls behind for real until `release`.
 */
export function holdHotWrites(storeDir: string): HeldWrites {
  const hot = readdirSync(storeDir).filter((f) => /^p\d+\.sqlite$/.test(f));
  assert.equal(hot.length, 1, `one hot partition expected in ${storeDir}: ${hot.join(', ')}`);
  const db = new Database(join(storeDir, hot[0] as string));
  db.exec('BEGIN IMMEDIATE');
  return {
    release() {
      if (!db.open) return;
      if (db.inTransaction) db.exec('ROLLBACK');
      db.close();
    },
  };
}
