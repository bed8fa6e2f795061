/** DDL for the catalog, hot partitions and sealed partitions. */

export const CATALOG_DDL = `
CREATE TABLE IF NOT EXISTS partitions(
  id INTEGER PRIMARY KEY,
  state TEXT NOT NULL CHECK (state IN ('hot','sealing','sealed')),
  file TEXT NOT NULL,
  min_ts INTEGER, max_ts INTEGER,
  events INTEGER NOT NULL DEFAULT 0,
  first_batch INTEGER, last_batch INTEGER, last_hash BLOB,
  bytes INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL, sealed_at INTEGER
);
CREATE TABLE IF NOT EXISTS chain_head(
  id INTEGER PRIMARY KEY CHECK (id = 1), batch INTEGER NOT NULL, hash BLOB NOT NULL, recorded_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS chain_anchor(
  id INTEGER PRIMARY KEY CHECK (id = 1),
  batch INTEGER NOT NULL, hash BLOB NOT NULL, partition INTEGER NOT NULL, removed_at INTEGER NOT NULL
);`;

/**
 * One layout for every partition. `events` is narrow (time, chain position, key columns, message) so that scanning
 * the unindexed hot partition is cheap; the rest of each event is JSON in `docs`, read only for the rows returned.
 */
export const PARTITION_DDL = `
CREATE TABLE IF NOT EXISTS events(
  id INTEGER PRIMARY KEY,
  ts INTEGER NOT NULL,
  batch INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  source_ip TEXT, destination_ip TEXT, user_name TEXT, host_name TEXT, dataset TEXT, outcome TEXT,
  message TEXT
);
CREATE TABLE IF NOT EXISTS docs(id INTEGER PRIMARY KEY, doc TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS batches(
  id INTEGER PRIMARY KEY, prev_hash BLOB NOT NULL, hash BLOB NOT NULL, count INTEGER NOT NULL,
  min_ts INTEGER NOT NULL, max_ts INTEGER NOT NULL, committed_at INTEGER NOT NULL
);`;

/**
 * Built once, in bulk, when a partition is sealed (in place: rows are never rewritten). High-cardinality keys get an
 * index ordered by time, so "newest N for this address" is one backward index range; low-cardinality ones (dataset,
 * outcome) are filtered during the newest-first scan, where an index would cost more at sealing than it saves.
 */
export const SEALED_INDEX_DDL = `
CREATE INDEX IF NOT EXISTS events_ts ON events(ts);
CREATE INDEX IF NOT EXISTS events_source_ip ON events(source_ip, ts) WHERE source_ip IS NOT NULL;
CREATE INDEX IF NOT EXISTS events_destination_ip ON events(destination_ip, ts) WHERE destination_ip IS NOT NULL;
CREATE INDEX IF NOT EXISTS events_user_name ON events(user_name, ts) WHERE user_name IS NOT NULL;
CREATE INDEX IF NOT EXISTS events_host_name ON events(host_name, ts) WHERE host_name IS NOT NULL;`;

/**
 * The full-text index over messages: contentless (the text stays in `events` only), same tokenizer as vigil_text.
 * Built once, in bulk, with FTS5's in-memory term table allowed 32 MiB (its default is 1 MiB) before it is flushed: a
 * partition's index is then written as one segment, instead of several merged as they are flushed. 100,000 loggen
 * messages, six alternated builds: median 278 against 342 ms of CPU, one segment instead of four, and a phrase lookup
 * 129 against 279 µs. (Merging off instead was cheaper to build, 248 ms, but left ten segments: 722 µs a lookup.)
 */
export const FTS_DDL = `
CREATE VIRTUAL TABLE fts USING fts5(message, content='', columnsize=0, tokenize='unicode61 remove_diacritics 0');
INSERT INTO fts(fts, rank) VALUES('hashsize', 33554432);
INSERT INTO fts(rowid, message) SELECT id, message FROM events WHERE message IS NOT NULL;`;

export const EVENT_INSERT_COLUMNS = 'id, ts, batch, seq, source_ip, destination_ip, user_name, host_name, dataset, outcome, message';

/** A partition keeps its file name for life; the catalog says whether it is hot, sealing or sealed. */
export function partitionFile(id: number, _state?: 'hot' | 'sealed'): string {
  return `p${String(id).padStart(8, '0')}.sqlite`;
}
