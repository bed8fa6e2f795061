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
CREATE TABLE IF NOT EXISTS chain_anchor(
  id INTEGER PRIMARY KEY CHECK (id = 1),
  batch INTEGER NOT NULL, hash BLOB NOT NULL, partition INTEGER NOT NULL, removed_at INTEGER NOT NULL
);`;

const EVENT_COLUMNS = `
  id INTEGER PRIMARY KEY,
  ts INTEGER NOT NULL,
  batch INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  source_ip TEXT, destination_ip TEXT, user_name TEXT, host_name TEXT, dataset TEXT, outcome TEXT,
  message TEXT,
  doc TEXT NOT NULL`;

const BATCHES = `
CREATE TABLE IF NOT EXISTS batches(
  id INTEGER PRIMARY KEY, prev_hash BLOB NOT NULL, hash BLOB NOT NULL, count INTEGER NOT NULL,
  min_ts INTEGER NOT NULL, max_ts INTEGER NOT NULL, committed_at INTEGER NOT NULL
);`;

/** The hot partition: append-only, in arrival order, no secondary index. */
export const HOT_DDL = `CREATE TABLE IF NOT EXISTS events(${EVENT_COLUMNS});${BATCHES}`;

/**
 * A sealed partition: rows re-numbered in time order, then indexed once, in bulk. High-cardinality keys get an index;
 * low-cardinality ones (dataset, outcome) are columns filtered during the newest-first scan, where an index would
 * cost more at sealing than it saves at query time.
 */
export const SEALED_TABLES_DDL = `CREATE TABLE events(${EVENT_COLUMNS});${BATCHES}`;

export const SEALED_INDEX_DDL = `
CREATE INDEX events_ts ON events(ts);
CREATE INDEX events_source_ip ON events(source_ip) WHERE source_ip IS NOT NULL;
CREATE INDEX events_destination_ip ON events(destination_ip) WHERE destination_ip IS NOT NULL;
CREATE INDEX events_user_name ON events(user_name) WHERE user_name IS NOT NULL;
CREATE INDEX events_host_name ON events(host_name) WHERE host_name IS NOT NULL;
CREATE VIRTUAL TABLE fts USING fts5(message, content='', columnsize=0, tokenize='unicode61 remove_diacritics 0');
INSERT INTO fts(rowid, message) SELECT id, message FROM events WHERE message IS NOT NULL;`;

export const EVENT_INSERT_COLUMNS =
  'ts, batch, seq, source_ip, destination_ip, user_name, host_name, dataset, outcome, message, doc';

export function partitionFile(id: number, state: 'hot' | 'sealed'): string {
  const n = String(id).padStart(8, '0');
  return state === 'hot' ? `p${n}.hot.sqlite` : `p${n}.sqlite`;
}
