import { closeSync, fsyncSync, openSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Catalog } from './catalog.js';
import { EVENT_INSERT_COLUMNS, partitionFile, SEALED_INDEX_DDL, SEALED_TABLES_DDL } from './schema.js';

const qualified = EVENT_INSERT_COLUMNS.split(', ')
  .map((c) => `e.${c}`)
  .join(', ');

function fsyncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Seals one partition: copies its rows in time order into a new file, builds the secondary and full-text indexes
 * in bulk, makes the file durable, then records it in the catalog. The hot file is left for the reader side to
 * remove once it no longer reads it. Safe to repeat after a crash at any point.
 */
export function sealPartition(dir: string, id: number): { file: string; bytes: number; events: number } {
  const catalog = new Catalog(dir);
  try {
    const info = catalog.get(id);
    if (!info) throw new Error(`no partition ${id}`);
    const sealedName = partitionFile(id, 'sealed');
    if (info.state === 'sealed') return { file: info.file, bytes: info.bytes, events: info.events };
    const hotPath = join(dir, info.file);
    const tmp = join(dir, `${sealedName}.tmp`);
    rmSync(tmp, { force: true });
    const db = new Database(tmp);
    try {
      db.pragma('journal_mode = OFF');
      db.pragma('synchronous = OFF');
      db.pragma('cache_size = -262144');
      db.pragma('temp_store = MEMORY');
      db.exec(SEALED_TABLES_DDL);
      db.prepare('ATTACH DATABASE ? AS h').run(hotPath);
      db.exec(
        // Sort only (ts, id) and fetch each row by id: far cheaper than sorting whole rows.
        `INSERT INTO events(${EVENT_INSERT_COLUMNS}) SELECT ${qualified} FROM (SELECT id AS hid FROM h.events ORDER BY ts, id) o ` +
          'CROSS JOIN h.events e ON e.id = o.hid;' +
          'INSERT INTO batches SELECT * FROM h.batches;',
      );
      db.exec('DETACH DATABASE h');
      db.exec(SEALED_INDEX_DDL);
      db.pragma('analysis_limit = 1000');
      db.exec('ANALYZE');
    } finally {
      db.close();
    }
    fsyncPath(tmp);
    const finalPath = join(dir, sealedName);
    renameSync(tmp, finalPath);
    fsyncPath(dir);
    const bytes = statSync(finalPath).size;
    catalog.markSealed(id, sealedName, bytes, Date.now());
    return { file: sealedName, bytes, events: info.events };
  } finally {
    catalog.close();
  }
}
