import Database from 'better-sqlite3';
import { join } from 'node:path';
import { CATALOG_DDL } from './schema.js';

export type PartitionState = 'hot' | 'sealing' | 'sealed';

export interface PartitionInfo {
  id: number;
  state: PartitionState;
  file: string;
  minTs: number | null;
  maxTs: number | null;
  events: number;
  firstBatch: number | null;
  lastBatch: number | null;
  lastHash: Buffer | null;
  bytes: number;
  createdAt: number;
  sealedAt: number | null;
}

interface PartitionRow {
  id: number;
  state: PartitionState;
  file: string;
  min_ts: number | null;
  max_ts: number | null;
  events: number;
  first_batch: number | null;
  last_batch: number | null;
  last_hash: Buffer | null;
  bytes: number;
  created_at: number;
  sealed_at: number | null;
}

export interface ChainAnchor {
  batch: number;
  hash: Buffer;
  partition: number;
  removedAt: number;
}

function toInfo(r: PartitionRow): PartitionInfo {
  return {
    id: r.id,
    state: r.state,
    file: r.file,
    minTs: r.min_ts,
    maxTs: r.max_ts,
    events: r.events,
    firstBatch: r.first_batch,
    lastBatch: r.last_batch,
    lastHash: r.last_hash,
    bytes: r.bytes,
    createdAt: r.created_at,
    sealedAt: r.sealed_at,
  };
}

/** The list of partitions and their state. Several threads open it; SQLite's locking orders their writes. */
export class Catalog {
  readonly db: Database.Database;
  constructor(dir: string) {
    this.db = new Database(join(dir, 'catalog.sqlite'));
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('busy_timeout = 10000');
    this.db.exec(CATALOG_DDL);
  }

  list(): PartitionInfo[] {
    const rows = this.db.prepare('SELECT * FROM partitions ORDER BY id').all() as PartitionRow[];
    return rows.map(toInfo);
  }

  get(id: number): PartitionInfo | undefined {
    const row = this.db.prepare('SELECT * FROM partitions WHERE id = ?').get(id) as PartitionRow | undefined;
    return row ? toInfo(row) : undefined;
  }

  createHot(file: (id: number) => string, now: number, init?: (file: string) => void): PartitionInfo {
    const tx = this.db.transaction(() => {
      const next = (this.db.prepare('SELECT coalesce(max(id), 0) + 1 AS n FROM partitions').get() as { n: number }).n;
      // The file gets its tables before the catalog names it, so a reader never opens a partition without them.
      init?.(file(next));
      this.db
        .prepare("INSERT INTO partitions(id, state, file, created_at) VALUES (?, 'hot', ?, ?)")
        .run(next, file(next), now);
      return next;
    });
    const id = tx.immediate();
    const info = this.get(id);
    if (!info) throw new Error(`partition ${id} vanished`);
    return info;
  }

  markSealing(p: { id: number; minTs: number | null; maxTs: number | null; events: number; firstBatch: number | null; lastBatch: number | null; lastHash: Buffer | null }): void {
    this.db
      .prepare(
        "UPDATE partitions SET state = 'sealing', min_ts = ?, max_ts = ?, events = ?, first_batch = ?, last_batch = ?, last_hash = ? WHERE id = ?",
      )
      .run(p.minTs, p.maxTs, p.events, p.firstBatch, p.lastBatch, p.lastHash, p.id);
  }

  markSealed(id: number, file: string, bytes: number, now: number): void {
    this.db
      .prepare("UPDATE partitions SET state = 'sealed', file = ?, bytes = ?, sealed_at = ? WHERE id = ?")
      .run(file, bytes, now, id);
  }

  /** Removes a sealed partition's record and moves the chain anchor past it, in one transaction. */
  removeSealed(p: PartitionInfo, now: number): void {
    const tx = this.db.transaction(() => {
      this.db.prepare('DELETE FROM partitions WHERE id = ?').run(p.id);
      if (p.lastBatch !== null && p.lastHash !== null) {
        this.db
          .prepare(
            'INSERT INTO chain_anchor(id, batch, hash, partition, removed_at) VALUES (1, ?, ?, ?, ?) ' +
              'ON CONFLICT(id) DO UPDATE SET batch = excluded.batch, hash = excluded.hash, partition = excluded.partition, removed_at = excluded.removed_at',
          )
          .run(p.lastBatch, p.lastHash, p.id, now);
      }
    });
    tx.immediate();
  }

  /** Records the newest committed batch, so that removing the newest batches is detectable too. */
  setHead(batch: number, hash: Buffer, now: number): void {
    this.db
      .prepare(
        'INSERT INTO chain_head(id, batch, hash, recorded_at) VALUES (1, ?, ?, ?) ' +
          'ON CONFLICT(id) DO UPDATE SET batch = excluded.batch, hash = excluded.hash, recorded_at = excluded.recorded_at',
      )
      .run(batch, hash, now);
  }

  head(): { batch: number; hash: Buffer } | undefined {
    return this.db.prepare('SELECT batch, hash FROM chain_head WHERE id = 1').get() as { batch: number; hash: Buffer } | undefined;
  }

  anchor(): ChainAnchor | undefined {
    const r = this.db.prepare('SELECT batch, hash, partition, removed_at FROM chain_anchor WHERE id = 1').get() as
      | { batch: number; hash: Buffer; partition: number; removed_at: number }
      | undefined;
    return r ? { batch: r.batch, hash: r.hash, partition: r.partition, removedAt: r.removed_at } : undefined;
  }

  close(): void {
    this.db.close();
  }
}
