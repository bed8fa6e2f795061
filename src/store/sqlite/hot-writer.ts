import type Database from 'better-sqlite3';
import { join } from 'node:path';
import { rmSync, statSync } from 'node:fs';
import { decodeBatch, ROW_SEP } from '../batch-codec.js';
import type { StoredRow } from '../row.js';
import { chainHash, GENESIS_HASH } from '../chain.js';
import { Catalog, type PartitionInfo } from './catalog.js';
import { openPartition, type SyncMode } from './open.js';
import { EVENT_INSERT_COLUMNS, PARTITION_DDL, partitionFile } from './schema.js';
import { COMMIT_STATE_DDL, commitStateWriter, readAllCommitState, type CommitStateEntry } from './commit-state.js';
import { RollupCounter } from './rollup-counter.js';

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
  /** size of the hot partition's WAL file after this commit */
  walBytes: number;
}

/** journal_size_limit of hot partitions: a WAL that is reset is truncated back to this size. */
export const WAL_SIZE_LIMIT = 64 * 1024 * 1024;

/**
 * Page size of new partition files. Events are appended in bulk and read in long scans; 16 KiB pages cost the writer
 * about a quarter less CPU per event than SQLite's default 4 KiB (measured with 1 KB syslog events, docs/benchmarks.md).
 */
const PAGE_SIZE = 16_384;

/** WAL size at which SQLite checkpoints by itself after a commit (its default: 1,000 pages of 4 KiB). */
const WAL_AUTOCHECKPOINT_BYTES = 4 * 1024 * 1024;

/** How long a forced checkpoint waits for readers in other processes before giving up. */
const CHECKPOINT_WAIT_MS = 2000;

const BUSY_TIMEOUT_MS = 10_000;

/** How often the chain head is copied into the catalog: removing batches older than that is detected by verify. */
const HEAD_RECORD_MS = 1000;

/**
 * Rows per multi-row INSERT: one statement call stores up to 128 events (and one more their documents), instead of
 * two calls per event; 128 × 11 parameters stays far below SQLite's limit of 32,766. A batch is cut into chunks of
 * these sizes, largest first, so that its rest (a socket read of loggen lines is a batch of about 216) takes a few
 * calls instead of two per row.
 */
const CHUNK_ROWS = [128, 64, 32, 16, 8, 4, 2, 1] as const;
const EVENT_PARAMS = 11;

const valuesList = (params: number, rows: number): string => Array.from({ length: rows }, () => `(${Array.from({ length: params }, () => '?').join(',')})`).join(',');

interface HotState {
  info: PartitionInfo;
  db: Database.Database;
  walPath: string;
  /** per CHUNK_ROWS size (same order): that many events, and their documents, in one statement each */
  inserts: { events: Database.Statement; docs: Database.Statement }[];
  /** row id of the next event: events and docs share it */
  nextRow: number;
  insertBatch: Database.Statement;
  putState: (key: string, value: string, batch: number) => void;
  events: number;
  minTs: number | null;
  maxTs: number | null;
  firstBatch: number | null;
  /**
   * The partition's per-minute rollup, counted as rows commit, when this writer has seen every row (it opened the
   * partition empty); written at rotation so that sealing need not group every event again. Undefined otherwise:
   * the sealer then builds it from the events.
   */
  rollup: RollupCounter | undefined;
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
  private headRecordedAt = 0;
  /** parameter arrays of the multi-row statements (per CHUNK_ROWS size), reused for every chunk */
  private readonly eventArgs = CHUNK_ROWS.map((n) => new Array<unknown>(n * EVENT_PARAMS));
  private readonly docArgs = CHUNK_ROWS.map((n) => new Array<unknown>(n * 2));

  constructor(private readonly opts: HotWriterOptions) {
    this.catalog = new Catalog(opts.dir);
    const current = this.catalog.list();
    this.restoreHead(current);
    const hot = current.find((p) => p.state === 'hot');
    this.hot = this.openHot(hot ?? this.catalog.createHot((id) => partitionFile(id, 'hot'), Date.now(), (f) => this.initFile(f)));
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

  /** Creates a new partition file with its tables (in WAL mode) before it is registered. */
  private initFile(file: string): void {
    const db = openPartition(join(this.opts.dir, file));
    try {
      // before the first table: a file keeps its page size for life (files made before keep theirs)
      db.pragma(`page_size = ${PAGE_SIZE}`);
      db.pragma('journal_mode = WAL');
      db.exec(PARTITION_DDL);
    } finally {
      db.close();
    }
  }

  private openHot(info: PartitionInfo): HotState {
    const path = join(this.opts.dir, info.file);
    const db = openPartition(path);
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${this.opts.sync === 'full' ? 'FULL' : 'NORMAL'}`);
    db.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT}`);
    // the automatic checkpoint after WAL_AUTOCHECKPOINT_BYTES, whatever the file's page size
    const pageSize = Number(db.pragma('page_size', { simple: true }));
    db.pragma(`wal_autocheckpoint = ${Math.max(1, Math.round(WAL_AUTOCHECKPOINT_BYTES / pageSize))}`);
    db.pragma('cache_size = -65536');
    db.exec(PARTITION_DDL);
    db.exec(COMMIT_STATE_DDL);
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
      walPath: `${path}-wal`,
      inserts: CHUNK_ROWS.map((n) => ({
        events: db.prepare(`INSERT INTO events(${EVENT_INSERT_COLUMNS}) VALUES ${valuesList(EVENT_PARAMS, n)}`),
        docs: db.prepare(`INSERT INTO docs(id, doc) VALUES ${valuesList(2, n)}`),
      })),
      nextRow: (db.prepare('SELECT coalesce(max(id), 0) + 1 AS n FROM events').get() as { n: number }).n,
      insertBatch: db.prepare('INSERT INTO batches(id, prev_hash, hash, count, min_ts, max_ts, committed_at) VALUES (?,?,?,?,?,?,?)'),
      putState: commitStateWriter(db),
      events: agg.n,
      minTs: agg.lo,
      maxTs: agg.hi,
      firstBatch: batches.first,
      rollup: agg.n === 0 ? new RollupCounter() : undefined,
    };
  }

  /**
   * Stores decoded batches durably in one transaction (one sync to disk for all: the writer thread commits what
   * waited while it was busy together). Each batch keeps its own chain link, and its `state` (named values such as a
   * file source's read positions, see commit-state.ts) commits with it; all commit or none. A rotation, when due,
   * follows the last (named in its CommitInfo).
   */
  appendMany(items: readonly DecodedBatch[]): CommitInfo[] {
    const h = this.hot;
    // applied once the transaction has committed
    let head = this.head;
    let batch = this.nextBatch - 1;
    let id = h.nextRow;
    let lo = Infinity;
    let hi = -Infinity;
    let events = 0;
    const links: { batch: number; hash: Buffer }[] = [];
    const rollup = h.rollup;
    const tx = h.db.transaction(() => {
      for (const item of items) {
        const rows = item.rows;
        batch++;
        const hash = chainHash(head, item.text, ROW_SEP);
        let bLo = Infinity;
        let bHi = -Infinity;
        let seq = 0;
        // chunks of CHUNK_ROWS sizes, the largest that fits first: one statement call each
        let c = 0;
        while (seq < rows.length) {
          while ((CHUNK_ROWS[c] as number) > rows.length - seq) c++;
          const n = CHUNK_ROWS[c] as number;
          const ev = this.eventArgs[c] as unknown[];
          const dv = this.docArgs[c] as unknown[];
          for (let j = 0; j < n; j++, seq++, id++) {
            const r = rows[seq] as StoredRow;
            if (r.ts < bLo) bLo = r.ts;
            if (r.ts > bHi) bHi = r.ts;
            rollup?.add(r.ts, r.dataset, r.outcome);
            const o = j * EVENT_PARAMS;
            ev[o] = id;
            ev[o + 1] = r.ts;
            ev[o + 2] = batch;
            ev[o + 3] = seq;
            ev[o + 4] = r.sourceIp;
            ev[o + 5] = r.destinationIp;
            ev[o + 6] = r.userName;
            ev[o + 7] = r.hostName;
            ev[o + 8] = r.dataset;
            ev[o + 9] = r.outcome;
            ev[o + 10] = r.message;
            dv[j * 2] = id;
            dv[j * 2 + 1] = r.doc;
          }
          const st = h.inserts[c] as HotState['inserts'][number];
          st.events.run(ev);
          st.docs.run(dv);
        }
        h.insertBatch.run(batch, head, hash, rows.length, rows.length ? bLo : 0, rows.length ? bHi : 0, Date.now());
        for (const [k, v] of item.state) h.putState(k, v, batch);
        head = hash;
        links.push({ batch, hash });
        events += rows.length;
        if (bLo < lo) lo = bLo;
        if (bHi > hi) hi = bHi;
      }
    });
    try {
      tx.immediate();
    } catch (err) {
      // counted rows that did not commit: the sealer counts this partition from its events instead
      h.rollup = undefined;
      throw err;
    }
    const first = this.nextBatch;
    h.nextRow = id;
    this.head = head;
    this.nextBatch = batch + 1;
    h.events += events;
    if (events > 0) {
      h.minTs = h.minTs === null ? lo : Math.min(h.minTs, lo);
      h.maxTs = h.maxTs === null ? hi : Math.max(h.maxTs, hi);
    }
    if (items.length > 0) h.firstBatch ??= first;
    const infos: CommitInfo[] = links.map((l) => ({ batch: l.batch, partition: h.info.id, walBytes: 0 }));
    const last = infos[infos.length - 1];
    if (last && h.events >= this.opts.sealEvents) last.rotated = this.rotate();
    const wal = this.walBytes();
    for (const i of infos) i.walBytes = wal;
    const now = Date.now();
    if (now - this.headRecordedAt >= HEAD_RECORD_MS) this.recordHead(now);
    return infos;
  }

  /** Size of the hot partition's WAL file (0 when there is none). */
  walBytes(): number {
    try {
      return statSync(this.hot.walPath).size;
    } catch {
      return 0;
    }
  }

  /**
   * Copies the WAL into the hot partition and truncates it. The store asks for this when the automatic checkpoint
   * has fallen behind (see WAL_RESET_BYTES in sqlite-store.ts), after holding back its own reads, so only readers in
   * other processes can make it wait; `busy` says it could not finish.
   */
  checkpoint(): { busy: boolean; walBytes: number } {
    const db = this.hot.db;
    let busy = true;
    db.pragma(`busy_timeout = ${CHECKPOINT_WAIT_MS}`);
    try {
      const [r] = db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[];
      busy = r === undefined || r.busy !== 0;
    } finally {
      db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    }
    return { busy, walBytes: this.walBytes() };
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
    const carried = readAllCommitState(h.db);
    // after markSealing (no row is appended to this partition any more), in one transaction: the sealer takes a
    // rollup table that exists as complete, and builds one when a crash came first
    try {
      h.rollup?.write(h.db);
    } catch {
      // not written (nothing of it: one transaction): the sealer builds it
    }
    h.db.pragma('wal_checkpoint(TRUNCATE)');
    h.db.close();
    const next = this.openHot(this.catalog.createHot((id) => partitionFile(id, 'hot'), Date.now(), (f) => this.initFile(f)));
    // the newest partition holds every key's latest value (a crash before this copy leaves them in the previous one)
    if (carried.length > 0) next.db.transaction(() => carried.forEach((r) => next.putState(r.key, r.value, r.batch)))();
    this.hot = next;
    return h.info.id;
  }

  /** Copies the chain head into the catalog (at most once a second, and at rotation and close). */
  private recordHead(now: number): void {
    if (this.nextBatch > 1) this.catalog.setHead(this.nextBatch - 1, this.head, now);
    this.headRecordedAt = now;
  }

  hotPartition(): number {
    return this.hot.info.id;
  }

  /** The hot partition and its event count (kept as batches commit, so nobody needs to count rows). */
  hotCount(): { hot: number; hotEvents: number } {
    return { hot: this.hot.info.id, hotEvents: this.hot.events };
  }

  close(): void {
    this.recordHead(Date.now());
    this.hot.db.pragma('wal_checkpoint(TRUNCATE)');
    this.hot.db.close();
    this.catalog.close();
  }
}

/** A batch's rows with the text they were decoded from (hashed into the chain as it is). */
export interface DecodedBatch {
  rows: readonly StoredRow[];
  text: string | readonly string[];
  state: readonly CommitStateEntry[];
}

/** The rows of a batch text or of its parts (each whole rows); throws on a malformed row. */
export function decodeText(batchText: string | readonly string[]): StoredRow[] {
  return typeof batchText === 'string' ? decodeBatch(batchText) : decodeParts(batchText);
}

/** The rows of a batch given as parts (each whole rows): what decodeBatch gives for the parts joined. */
function decodeParts(parts: readonly string[]): StoredRow[] {
  if (parts.length === 1) return decodeBatch(parts[0] as string);
  const rows: StoredRow[] = [];
  for (const p of parts) {
    // joined, an empty part would be a row without its separator
    if (p.length === 0) throw new Error('malformed batch row');
    for (const r of decodeBatch(p)) rows.push(r);
  }
  return rows;
}

/** Removes a partition file and its WAL companions. */
export function removePartitionFiles(dir: string, file: string): void {
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(join(dir, file + suffix), { force: true });
}
