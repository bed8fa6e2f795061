import type Database from 'better-sqlite3';

/** Small named JSON documents (saved searches) kept in the catalog database, beside the partition list. */
const DDL = 'CREATE TABLE IF NOT EXISTS state(key TEXT PRIMARY KEY, value TEXT NOT NULL, updated_at INTEGER NOT NULL)';

export function getState(db: Database.Database, key: string): string | undefined {
  db.exec(DDL);
  const row = db.prepare('SELECT value FROM state WHERE key = ?').get(key) as { value: string } | undefined;
  return row?.value;
}

export function putState(db: Database.Database, key: string, value: string, now = Date.now()): void {
  db.exec(DDL);
  db.prepare('INSERT INTO state(key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at').run(key, value, now);
}
