import type Database from 'better-sqlite3';
import { join } from 'node:path';
import { rmSync } from 'node:fs';
import { decodeBatch } from '../batch-codec.js';
import { chainHash, GENESIS_HASH } from '../chain.js';
import { Catalog, type PartitionInfo } from './catalog.js';
import { openPartition, type SyncMode } from './open.js';
import { EVENT_INSERT_COLUMNS, HOT_DDL, partitionFile } from './schema.js';

export interface HotWriterOptions {
  dir: string;
  sync: SyncMode;
  sealEvents: number;
  sealAgeMs: number;
}

export interface CommitInfo {
  batch: number;
  partition: number;
  /** a partition that was closed for sealing after this commit */
  rotated?: number;
}

interface HotState {
  info: PartitionInfo;
  db: Database.Database;
  insert: Database.Statement;
  insertBatch: Database.Statement;
  events: number;
  minTs: number | null;
  maxTs: number | null;
  firstBatch: number | null;
}

/**
 * Appends batches to the hot partition and extends the hash chain, one SQLite transaction per batch, so that a
 * batch and its chain link are committed together or not at all. Runs on the writer thread.
 */
export class HotWriter {
  private readonly catalog: Catalog;
  private hot!: HotState;
  private head: Buffer = GENESIS_HASH;
  private nextBatch = 1;

  constructor(private readonly opts: HotWriterOptions) {
    this.catalog = new Catalog(opts.dir);
    const current = this.catalog.list();
    this.restoreHead(current);
    const hot = current.find((p) => p.state === 'hot');
    this.hot = this.openHot(hot ?? this.catalog.createHot((id) => partitionFile(id, 'hot'), Date.now()));
  }

  private restoreHead(parts: PartitionInfo[]): void {
    const anchor = this.catalog.anchor();
    if (anchor) {
      this.head = anchor.hash;
      this.nextBatch = anchor.batch + 1;
    }
    for (const p of parts) {
      if (p.state === 'hot') continue;
      if (p.lastBatch !== null && p.lastHash !== null && p.lastBatch >= this.nextBatch) {
        this.head = p.lastHash;
        this.nextBatch = p.lastBatch + 1;
      }
    }
  }

  private openHot(info: PartitionInfo): HotState {
    const db = openPartition(join(this.opts.dir, info.file));
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${this.opts.sync === 'full' ? 'FULL' : 'NORMAL'}`);
    db.pragma('journal_size_limit = 67108864');
    db.pragma('cache_size = -65536');
    db.exec(HOT_DDL);
    const agg = db
      .prepare('SELECT count(*) AS n, min(ts) AS lo, max(ts) AS hi FROM events')
      .get() as { n: number; lo: number | null; hi: number | null };
    const batches = db
      .prepare('SELECT min(id) AS first, max(id) AS last FROM batches')
      .get() as { first: number | null; last: number | null };
    if (batches.last !== null) {
      const last = db.prepare('SELECT hash FROM batches WHERE id = ?').get(batches.last) as { hash: Buffer };
      this.head = last.hash;
      this.nextBatch = batches.last + 1;
    }
    return {
      info,
      db,
      insert: db.prepare(`INSERT INTO events(${EVENT_INSERT_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?)`),
      insertBatch: db.prepare('INSERT INTO batches(id, prev_hash, hash, count, min_ts, max_ts, committed_at) VALUES (?,?,?,?,?,?,?)'),
      events: agg.n,
      minTs: agg.lo,
      maxTs: agg.hi,
      firstBatch: batches.first,
    };
  }

  /** Stores one encoded batch durably; the whole batch and its chain link commit in one transaction. */
  append(buf: Uint8Array): CommitInfo {
    const rows = decodeBatch(buf);
    const h = this.hot;
    const batch = this.nextBatch;
    const hash = chainHash(this.head, buf);
    let lo = Infinity;
    let hi = -Infinity;
    const tx = h.db.transaction(() => {
      let seq = 0;
      for (const r of rows) {
        if (r.ts < lo) lo = r.ts;
        if (r.ts > hi) hi = r.ts;
        h.insert.run(r.ts, batch, seq++, r.sourceIp, r.destinationIp, r.userName, r.hostName, r.dataset, r.outcome, r.message, r.doc);
      }
      h.insertBatch.run(batch, this.head, hash, rows.length, rows.length ? lo : 0, rows.length ? hi : 0, Date.now());
    });
    tx.immediate();
    this.head = hash;
    this.nextBatch = batch + 1;
    h.events += rows.length;
    if (rows.length) {
      h.minTs = h.minTs === null ? lo : Math.min(h.minTs, lo);
      h.maxTs = h.maxTs === null ? hi : Math.max(h.maxTs, hi);
    }
    h.firstBatch ??= batch;
    const info: CommitInfo = { batch, partition: h.info.id };
    if (h.events >= this.opts.sealEvents) info.rotated = this.rotate();
    return info;
  }

  /** Closes the hot partition for sealing when it is old enough (or when forced) and not empty. */
  maybeRotate(now: number, force: boolean): number | undefined {
    const h = this.hot;
    if (h.events === 0) return undefined;
    if (!force && now - h.info.createdAt < this.opts.sealAgeMs) return undefined;
    return this.rotate();
  }

  private rotate(): number {
    const h = this.hot;
    this.catalog.markSealing({
      id: h.info.id,
      minTs: h.minTs,
      maxTs: h.maxTs,
      events: h.events,
      firstBatch: h.firstBatch,
      lastBatch: this.nextBatch - 1,
      lastHash: this.head,
    });
    h.db.pragma('wal_checkpoint(TRUNCATE)');
    h.db.close();
    this.hot = this.openHot(this.catalog.createHot((id) => partitionFile(id, 'hot'), Date.now()));
    return h.info.id;
  }

  hotPartition(): number {
    return this.hot.info.id;
  }

  close(): void {
    this.hot.db.pragma('wal_checkpoint(TRUNCATE)');
    this.hot.db.close();
    this.catalog.close();
  }
}

/** Removes a partition file and its WAL companions. */
export function removePartitionFiles(dir: string, file: string): void {
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(join(dir, file + suffix), { force: true });
}
