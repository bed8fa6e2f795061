import type Database from 'better-sqlite3';
import { hasTable } from './open.js';

/**
 * Named values committed in the same transaction as a batch of events (a file source's read positions), kept in the
 * partition the batch went to. A new hot partition starts with a copy of the previous one's values, so the newest
 * partition that has a key holds its latest value; older partitions keep theirs until retention removes them.
 */
export const COMMIT_STATE_DDL = 'CREATE TABLE IF NOT EXISTS commit_state(key TEXT PRIMARY KEY, value TEXT NOT NULL, batch INTEGER NOT NULL)';

/** at most this many keys, this many bytes per value (one per file source: a cap against misuse, not a tuning knob) */
export const MAX_COMMIT_STATE_KEYS = 4096;
export const MAX_COMMIT_STATE_BYTES = 4 * 1024 * 1024;

export type CommitStateEntry = readonly [key: string, value: string];

/** A statement that writes one key in the open transaction of `db` (whose DDL includes COMMIT_STATE_DDL). */
export function commitStateWriter(db: Database.Database): (key: string, value: string, batch: number) => void {
  const st = db.prepare('INSERT INTO commit_state(key, value, batch) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, batch = excluded.batch');
  return (key, value, batch) => {
    st.run(key, value, batch);
  };
}

/** Every key and value of a partition (to carry them into the next hot partition). */
export function readAllCommitState(db: Database.Database): { key: string; value: string; batch: number }[] {
  if (!hasTable(db, 'commit_state')) return [];
  return db.prepare('SELECT key, value, batch FROM commit_state LIMIT ?').all(MAX_COMMIT_STATE_KEYS) as { key: string; value: string; batch: number }[];
}

/** The value of `key` in this partition, or undefined (also when the partition predates the table). */
export function readCommitState(db: Database.Database, key: string): string | undefined {
  if (!hasTable(db, 'commit_state')) return undefined;
  const row = db.prepare('SELECT value FROM commit_state WHERE key = ?').get(key) as { value: string } | undefined;
  return row?.value;
}

/** Rejects what would not fit the caps (checked on the main thread, before the batch is sent to the writer). */
export function checkCommitState(entries: readonly CommitStateEntry[]): void {
  if (entries.length > MAX_COMMIT_STATE_KEYS) throw new RangeError(`commit state: ${entries.length} keys in one append (at most ${MAX_COMMIT_STATE_KEYS})`);
  for (const [k, v] of entries) {
    if (k.length === 0 || k.length > 256) throw new RangeError('commit state: a key is 1 to 256 characters');
    if (v.length > MAX_COMMIT_STATE_BYTES) throw new RangeError(`commit state ${k}: value longer than ${MAX_COMMIT_STATE_BYTES} characters`);
  }
}
