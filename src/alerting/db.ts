import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

/*
 * DATA_DIR/alerting.db: the alert queue's mutable state beside the append-only event store. One row per (grouped)
 * alert with its triage state and document, its history and comments, suppressions, the entity risk ledger and the
 * asset inventory edited through the API. WAL, so `vigil alerts` can read (and triage) while `vigil serve` writes.
 * Schema changes are numbered migrations recorded in PRAGMA user_version.
 */

const MIGRATIONS: readonly string[] = [
  `CREATE TABLE alerts (
     id TEXT PRIMARY KEY,
     rule_id TEXT NOT NULL,
     rule_name TEXT NOT NULL,
     level TEXT NOT NULL,
     severity INTEGER NOT NULL,
     risk INTEGER NOT NULL,
     status TEXT NOT NULL,
     assignee TEXT,
     close_reason TEXT,
     group_key TEXT NOT NULL,
     count INTEGER NOT NULL,
     first_seen INTEGER NOT NULL,
     last_seen INTEGER NOT NULL,
     building_block INTEGER NOT NULL,
     entities TEXT NOT NULL,
     entity_text TEXT NOT NULL,
     assets TEXT NOT NULL,
     asset_text TEXT NOT NULL,
     evidence_ids TEXT NOT NULL,
     doc TEXT NOT NULL,
     created INTEGER NOT NULL,
     updated INTEGER NOT NULL
   );
   CREATE INDEX alerts_group ON alerts(group_key, last_seen);
   CREATE INDEX alerts_risk ON alerts(building_block, status, risk, last_seen);
   CREATE INDEX alerts_time ON alerts(last_seen);
   CREATE TABLE history (
     seq INTEGER PRIMARY KEY,
     alert_id TEXT NOT NULL,
     at INTEGER NOT NULL,
     who TEXT NOT NULL,
     action TEXT NOT NULL,
     from_value TEXT,
     to_value TEXT,
     reason TEXT,
     comment TEXT
   );
   CREATE INDEX history_alert ON history(alert_id, seq);
   CREATE TABLE comments (
     seq INTEGER PRIMARY KEY,
     alert_id TEXT NOT NULL,
     at INTEGER NOT NULL,
     who TEXT NOT NULL,
     text TEXT NOT NULL
   );
   CREATE INDEX comments_alert ON comments(alert_id, seq);
   CREATE TABLE suppressions (
     id TEXT PRIMARY KEY,
     rule_id TEXT,
     entity TEXT,
     field_values TEXT,
     until INTEGER,
     reason TEXT NOT NULL,
     created INTEGER NOT NULL,
     who TEXT NOT NULL,
     hits INTEGER NOT NULL DEFAULT 0,
     last_hit INTEGER
   );
   CREATE TABLE risk (
     seq INTEGER PRIMARY KEY,
     entity TEXT NOT NULL,
     at INTEGER NOT NULL,
     points INTEGER NOT NULL,
     alert_id TEXT NOT NULL
   );
   CREATE INDEX risk_entity ON risk(entity, at);
   CREATE INDEX risk_at ON risk(at);
   CREATE TABLE assets (
     name TEXT PRIMARY KEY,
     asset TEXT,
     updated INTEGER NOT NULL
   );
   CREATE TABLE meta (
     key TEXT PRIMARY KEY,
     value TEXT NOT NULL
   );`,
  // the risk ledger keeps one row per entity, alert and minute: a storm of repeats updates a row instead of adding one
  `DROP INDEX risk_entity;
   CREATE UNIQUE INDEX risk_bucket ON risk(entity, at, alert_id);`,
];

export type AlertingDb = Database.Database;

/** Opens (creating and migrating) the alerting database. `readOnly` for listing without a writer. */
export function openAlertingDb(path: string, opts: { readOnly?: boolean } = {}): AlertingDb {
  if (!opts.readOnly) mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path, opts.readOnly ? { readonly: true, fileMustExist: true } : {});
  db.pragma('busy_timeout = 10000');
  if (opts.readOnly) return db;
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  // one immediate (write-locked) transaction: a CLI and a server opening the same new file migrate it once
  const migrate = db.transaction((): number => {
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > MIGRATIONS.length) return version;
    for (let v = version; v < MIGRATIONS.length; v++) db.exec(MIGRATIONS[v] as string);
    db.pragma(`user_version = ${MIGRATIONS.length}`);
    return MIGRATIONS.length;
  });
  const version = migrate.immediate();
  if (version > MIGRATIONS.length) {
    db.close();
    throw new Error(`${path} was written by a newer Vigil (schema ${version}, this one knows ${MIGRATIONS.length})`);
  }
  return db;
}

/** The meta read, prepared once per database (it is asked for every batch of events the asset stamp sees). */
const metaReads = new WeakMap<AlertingDb, Database.Statement>();

export function getMeta(db: AlertingDb, key: string): string | undefined {
  let st = metaReads.get(db);
  if (!st) {
    st = db.prepare('SELECT value FROM meta WHERE key = ?');
    metaReads.set(db, st);
  }
  const r = st.get(key) as { value: string } | undefined;
  return r?.value;
}

export function setMeta(db: AlertingDb, key: string, value: string): void {
  db.prepare('INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value);
}
