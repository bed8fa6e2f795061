import Database from 'better-sqlite3';
import { cidrContains } from '../../query/cidr.js';
import { textMatches } from './text.js';

export type SyncMode = 'full' | 'normal';

/** Opens a partition file with Vigil's SQL functions registered. */
export function openPartition(path: string, opts: { readonly?: boolean; mustExist?: boolean } = {}): Database.Database {
  const db = new Database(path, { readonly: opts.readonly ?? false, fileMustExist: opts.mustExist ?? false });
  db.pragma('busy_timeout = 10000');
  registerFunctions(db);
  return db;
}

/** Whether the partition file has a table (virtual ones included) of this name. */
export function hasTable(db: Database.Database, name: string): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined;
}

export function registerFunctions(db: Database.Database): void {
  db.function('vigil_cidr', { deterministic: true }, (ip: unknown, cidr: unknown) =>
    typeof ip === 'string' && typeof cidr === 'string' && cidrContains(ip, cidr) ? 1 : 0,
  );
  db.function('vigil_text', { deterministic: true }, (text: unknown, phrase: unknown, prefix: unknown) =>
    typeof text === 'string' && typeof phrase === 'string' && textMatches(text, phrase, prefix === 1) ? 1 : 0,
  );
}
