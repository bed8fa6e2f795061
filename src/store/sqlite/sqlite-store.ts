import type Database from 'better-sqlite3';
import { accessSync, constants, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { VigilError } from '../../core/errors.js';
import { startWorker } from '../../core/worker.js';
import { encodeEvent, joinRows } from '../batch-codec.js';
import type { AggregateRequest, AggregateResult, AppendEvent, AppendOptions, AppendResult, EncodedEvents, RetentionResult, SearchRequest, SearchResult, Store, StoreStats, VerifyReport } from '../store.js';
import { aggregatePartitions } from './aggregate.js';
import { FieldCatalog } from './fields.js';
import { getState, putState } from './state.js';
import { checkCommitState, readCommitState } from './commit-state.js';
import { Catalog, type PartitionInfo } from './catalog.js';
import { removePartitionFiles, WAL_SIZE_LIMIT } from './hot-writer.js';
import type { HotCount, SealerReply, SealerRequest, WriterInit, WriterReply, WriterRequest } from './messages.js';
import { openPartition, type SyncMode } from './open.js';
import { overlaps, searchPartitions, type PartitionHandle } from './search.js';
import { verifyStore } from './verify.js';

/**
 * Characters per encoded chunk at most (one row may exceed it): 16,384 characters are 32 KiB as UTF-16, well below
 * V8's large-object threshold (128 KiB), so chunks waiting for the writer die young.
 */
const ENCODED_CHUNK_CHARS = 16_384;

export interface SqliteStoreOptions {
  dir: string;
  /** fsync every commit ('full', default) or leave it to the OS ('normal': survives a process crash, not power loss) */
  sync?: SyncMode;
  /** seal the hot partition at this many events */
  sealEvents?: number;
  /** ... or at this age */
  sealAgeMs?: number;
  /** appends wait while this many partitions wait to be sealed */
  maxSealBacklog?: number;
  retentionDays?: number;
  /** events per chained batch at most; larger appends are split */
  maxBatchEvents?: number;
  /** search and verify only: no writer, no sealer (for the CLI beside a running server) */
  readOnly?: boolean;
}

const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';

/** Open partition files kept for searching, and the page cache each may use. */
const MAX_HANDLES = 64;
const HANDLE_CACHE_KIB = 4096;

interface Pending {
  resolve: (r: WriterReply) => void;
  reject: (e: Error) => void;
}

/**
 * WAL size past which the store forces a checkpoint. The automatic checkpoint after each commit cannot finish while a
 * search holds an older snapshot, and the WAL is only reset once one has finished; searches that follow each other
 * without a gap therefore make it grow with everything written (wal.int.test.ts measured ~150 MiB without this). Normal
 * operation stays far below this: about 4 MiB (the automatic checkpoint) plus one batch.
 */
export const WAL_RESET_BYTES = WAL_SIZE_LIMIT / 2;

/** Typed error for a store that cannot write (read-only or full disk): the caller must not acknowledge. */
export class StoreWriteError extends VigilError {}

/**
 * The embedded store: a hot SQLite partition appended by a writer thread, sealed partitions built by a sealer
 * thread, and searches on the calling thread over short read transactions.
 */
export class SqliteStore implements Store {
  private readonly opts: Required<Omit<SqliteStoreOptions, 'retentionDays'>> & { retentionDays: number | undefined };
  private writer?: Worker;
  private sealer?: Worker;
  private catalog?: Catalog;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private readonly handles = new Map<string, Database.Database>();
  private readonly sealQueue: number[] = [];
  private sealing: number | undefined;
  private sealWaiters: (() => void)[] = [];
  private ageTimer?: NodeJS.Timeout;
  private fatal: Error | undefined;
  /** set while the writer checkpoints the hot WAL: searches wait for it instead of pinning an old snapshot */
  private readHold: Promise<void> | undefined;
  private walResetAt = WAL_RESET_BYTES;
  private closed = false;
  /** searches and aggregations in progress (they yield between partitions): read handles are not closed meanwhile */
  private reading = 0;
  private readonly fieldCatalog = new FieldCatalog();
  /** the hot partition and its event count as the writer last reported them (stats reads these, not count(*)) */
  private hotCount: HotCount | undefined;
  lastSealMs = 0;

  constructor(options: SqliteStoreOptions) {
    this.opts = {
      dir: options.dir,
      sync: options.sync ?? 'full',
      sealEvents: options.sealEvents ?? 100_000,
      sealAgeMs: options.sealAgeMs ?? 10 * 60_000,
      maxSealBacklog: options.maxSealBacklog ?? 2,
      retentionDays: options.retentionDays,
      maxBatchEvents: options.maxBatchEvents ?? 10_000,
      readOnly: options.readOnly ?? false,
    };
  }

  async open(): Promise<void> {
    const dir = this.opts.dir;
    if (this.opts.readOnly) {
      if (!existsSync(join(dir, 'catalog.sqlite'))) throw new VigilError('VIGIL_ERR_STORE_OPEN', `no store in ${dir}`);
      this.catalog = new Catalog(dir);
      return;
    }
    try {
      mkdirSync(dir, { recursive: true });
      accessSync(dir, constants.W_OK);
      const probe = join(dir, '.write-probe');
      writeFileSync(probe, 'ok');
      rmSync(probe);
    } catch (err) {
      throw new StoreWriteError('VIGIL_ERR_STORE_UNWRITABLE', `data directory ${dir} is not writable: ${(err as Error).message}`, { cause: err });
    }
    this.catalog = new Catalog(dir);
    const init: WriterInit = { dir, sync: this.opts.sync, sealEvents: this.opts.sealEvents, sealAgeMs: this.opts.sealAgeMs };
    const writer = startWorker(new URL(`./writer-worker${ext}`, import.meta.url), init);
    this.writer = writer;
    await new Promise<void>((resolve, reject) => {
      const onMsg = (m: WriterReply): void => {
        if (m.type === 'ready') {
          this.hotCount = { hot: m.hot, hotEvents: m.hotEvents };
          resolve();
        }
        else if (m.type === 'error') reject(new StoreWriteError('VIGIL_ERR_STORE_OPEN', `cannot open the store in ${dir}: ${m.message}`));
      };
      writer.once('message', onMsg);
      writer.once('error', reject);
    });
    writer.on('message', (m: WriterReply) => this.onWriterMessage(m));
    writer.on('error', (err) => this.failAll(err));
    writer.on('exit', (code) => {
      if (!this.closed) this.failAll(new Error(`store writer exited (${code})`));
    });
    const sealer = startWorker(new URL(`./sealer-worker${ext}`, import.meta.url), { dir });
    this.sealer = sealer;
    sealer.on('message', (m: SealerReply) => this.onSealerMessage(m));
    sealer.on('error', (err) => this.failAll(err));
    for (const p of this.catalog.list()) if (p.state === 'sealing') this.enqueueSeal(p.id);
    this.cleanupFiles();
    const tick = Math.max(1000, Math.min(this.opts.sealAgeMs / 4, 30_000));
    this.ageTimer = setInterval(() => {
      this.request({ type: 'rotate', id: 0, force: false }).catch(() => undefined);
    }, tick);
    this.ageTimer.unref();
  }

  private failAll(err: Error): void {
    this.fatal = err;
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }

  private onWriterMessage(m: WriterReply): void {
    if (m.type === 'ready') return;
    if (m.type === 'committed' || m.type === 'rotated') this.hotCount = { hot: m.hot, hotEvents: m.hotEvents };
    if ((m.type === 'committed' || m.type === 'rotated') && m.rotated !== undefined) this.enqueueSeal(m.rotated);
    if (m.type === 'committed' && m.walBytes >= this.walResetAt) this.resetWal();
    const p = this.pending.get(m.id);
    if (!p) return;
    this.pending.delete(m.id);
    if (m.type === 'error') {
      const full = m.code === 'SQLITE_FULL' || /disk is full|database or disk is full/i.test(m.message);
      const ro = m.code === 'SQLITE_READONLY' || /readonly/i.test(m.message);
      const code = full ? 'VIGIL_ERR_STORE_FULL' : ro ? 'VIGIL_ERR_STORE_READONLY' : 'VIGIL_ERR_STORE_WRITE';
      p.reject(new StoreWriteError(code, `store write failed: ${m.message}`));
    } else p.resolve(m);
  }

  /**
   * Has the writer checkpoint and truncate the hot WAL while this thread starts no read. Searches run on this thread
   * and are synchronous, so none is in progress here; only readers in other processes can make the checkpoint
   * wait, and when they do, the next attempt waits until the WAL has grown by another half step.
   */
  private resetWal(): void {
    if (this.readHold || this.closed || this.fatal) return;
    this.readHold = this.request({ type: 'checkpoint', id: 0 })
      .then(
        (r) => {
          if (r.type === 'checkpointed') this.walResetAt = r.busy ? r.walBytes + WAL_RESET_BYTES / 2 : WAL_RESET_BYTES;
        },
        () => undefined,
      )
      .finally(() => {
        this.readHold = undefined;
      });
  }

  private onSealerMessage(m: SealerReply): void {
    if (m.type === 'closed') return;
    this.sealing = undefined;
    if (m.type === 'sealed') {
      this.lastSealMs = m.ms;
      this.cleanupFiles();
    } else {
      // Leave it 'sealing': it stays searchable (scanned like the hot partition) and is sealed again at the next start.
      process.emitWarning(`sealing partition ${m.partition} failed: ${m.message}`);
    }
    this.startNextSeal();
    const waiters = this.sealWaiters;
    this.sealWaiters = [];
    for (const w of waiters) w();
  }

  private enqueueSeal(id: number): void {
    if (this.sealing === id || this.sealQueue.includes(id)) return;
    this.sealQueue.push(id);
    this.startNextSeal();
  }

  private startNextSeal(): void {
    if (this.sealing !== undefined || !this.sealer) return;
    const next = this.sealQueue.shift();
    if (next === undefined) return;
    this.sealing = next;
    const req: SealerRequest = { type: 'seal', partition: next };
    this.sealer.postMessage(req);
  }

  private backlog(): number {
    return this.sealQueue.length + (this.sealing === undefined ? 0 : 1);
  }

  private request(req: WriterRequest): Promise<WriterReply> {
    const writer = this.writer;
    if (this.fatal) return Promise.reject(this.fatal);
    if (!writer || this.closed) return Promise.reject(new VigilError('VIGIL_ERR_STORE_CLOSED', 'store is closed'));
    const id = this.nextId++;
    const msg = { ...req, id };
    return new Promise<WriterReply>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      writer.postMessage(msg);
    });
  }

  append(events: readonly AppendEvent[], options: AppendOptions = {}): Promise<AppendResult> {
    return this.appendEncoded(this.encode(events), options);
  }

  /**
   * Chunks of at most maxBatchEvents rows, each the batch text of its rows (batch-codec.ts), cut at about
   * ENCODED_CHUNK_CHARS characters: a longer string would be allocated outside V8's young generation, where only a
   * full collection frees it (at tens of thousands of events a second, hundreds of MB of garbage between them).
   */
  encode(events: readonly AppendEvent[]): EncodedEvents[] {
    const chunks: EncodedEvents[] = [];
    let rows: string[] = [];
    let chars = 0;
    for (const e of events) {
      const row = encodeEvent(e.event, e.ts);
      rows.push(row);
      chars += row.length;
      if (chars >= ENCODED_CHUNK_CHARS || rows.length >= this.opts.maxBatchEvents) {
        chunks.push({ count: rows.length, data: joinRows(rows) });
        rows = [];
        chars = 0;
      }
    }
    if (rows.length > 0) chunks.push({ count: rows.length, data: joinRows(rows) });
    return chunks;
  }

  async appendEncoded(chunks: readonly EncodedEvents[], options: AppendOptions = {}): Promise<AppendResult> {
    const state = options.state?.map(({ key, value }): [string, string] => [key, value]);
    if (state) checkCommitState(state);
    // consecutive chunks share one chained batch up to maxBatchEvents rows
    const groups: { texts: string[]; count: number }[] = [];
    let stored = 0;
    for (const c of chunks) {
      if (c.count === 0) continue;
      const last = groups[groups.length - 1];
      if (last && last.count + c.count <= this.opts.maxBatchEvents) {
        last.texts.push(c.data);
        last.count += c.count;
      } else groups.push({ texts: [c.data], count: c.count });
      stored += c.count;
    }
    while (this.backlog() >= this.opts.maxSealBacklog && !this.closed) {
      await new Promise<void>((resolve) => this.sealWaiters.push(resolve));
    }
    // returned, not awaited here: nothing of this frame (the texts) stays alive while the writer commits
    return this.committed(this.post(groups, state), stored);
  }

  /** Posts each group as one chained batch to the writer; the state commits with the last. */
  private post(groups: readonly { texts: string[] }[], state: [string, string][] | undefined): Promise<WriterReply>[] {
    return groups.map((g, i) => {
      // the state commits with the last batch: once it is visible, every event of this append is
      const last = i === groups.length - 1;
      // the parts are joined on the writer thread's side (hashed in parts, decoded part by part)
      return this.request({ type: 'append', id: 0, batch: g.texts, ...(last && state ? { state } : {}) });
    });
  }

  private async committed(commits: readonly Promise<WriterReply>[], stored: number): Promise<AppendResult> {
    const batches: number[] = [];
    for (const r of await Promise.all(commits)) if (r.type === 'committed') batches.push(r.batch);
    return { stored, batches };
  }

  private handle(p: PartitionInfo): Database.Database {
    let db = this.handles.get(p.file);
    if (db) {
      // most recently used last, so trimHandles closes the least recently used
      this.handles.delete(p.file);
    } else {
      db = openPartition(join(this.opts.dir, p.file), { mustExist: true });
      db.pragma(`cache_size = -${HANDLE_CACHE_KIB}`);
    }
    this.handles.set(p.file, db);
    return db;
  }

  /** Keeps at most MAX_HANDLES partition files open (each holds a page cache). */
  private trimHandles(): void {
    if (this.reading > 0) return;
    for (const [file, db] of this.handles) {
      if (this.handles.size <= MAX_HANDLES) break;
      db.close();
      this.handles.delete(file);
    }
  }

  private partitions(): PartitionInfo[] {
    if (!this.catalog) throw new VigilError('VIGIL_ERR_STORE_CLOSED', 'store is not open');
    return this.catalog.list();
  }

  async search(req: SearchRequest): Promise<SearchResult> {
    while (this.readHold) await this.readHold;
    const parts = this.partitions().filter((p) => overlaps(p, req.from, req.to));
    const handles: PartitionHandle[] = parts.map((info) => ({ info, db: this.handle(info) }));
    this.reading++;
    try {
      return await searchPartitions(handles, req);
    } finally {
      this.reading--;
      this.trimHandles();
    }
  }

  async aggregate(req: AggregateRequest): Promise<AggregateResult> {
    while (this.readHold) await this.readHold;
    const parts = this.partitions().filter((p) => overlaps(p, req.from, req.to));
    this.reading++;
    try {
      return await aggregatePartitions(parts.map((info) => ({ info, db: this.handle(info) })), req);
    } finally {
      this.reading--;
      this.trimHandles();
    }
  }

  fieldNames(from: number, to: number): Promise<string[]> {
    const parts = this.partitions().filter((p) => overlaps(p, from, to));
    try {
      return Promise.resolve(this.fieldCatalog.names(parts.map((info) => ({ info, db: this.handle(info) }))));
    } finally {
      this.trimHandles();
    }
  }

  getState(key: string): Promise<string | undefined> {
    if (!this.catalog) return Promise.reject(new VigilError('VIGIL_ERR_STORE_CLOSED', 'store is not open'));
    return Promise.resolve(getState(this.catalog.db, key));
  }

  committedState(key: string): Promise<string | undefined> {
    // newest partition first: a hot partition starts with a copy of its predecessor's values
    const parts = this.partitions().sort((a, b) => b.id - a.id);
    try {
      for (const p of parts) {
        const v = readCommitState(this.handle(p), key);
        if (v !== undefined) return Promise.resolve(v);
      }
      return Promise.resolve(undefined);
    } finally {
      this.trimHandles();
    }
  }

  putState(key: string, value: string): Promise<void> {
    if (!this.catalog) return Promise.reject(new VigilError('VIGIL_ERR_STORE_CLOSED', 'store is not open'));
    putState(this.catalog.db, key, value);
    return Promise.resolve();
  }

  /**
   * Closes read handles of files that are no longer current and removes the files of partitions the catalog no longer
   * lists (retention). The writer thread creates the next hot partition's file before the catalog names it, so a file
   * numbered above every partition listed here is one being created, never a leftover: it is kept.
   */
  private cleanupFiles(): void {
    const parts = this.partitions();
    const live = new Set(parts.map((p) => p.file));
    const newest = parts.reduce((max, p) => Math.max(max, p.id), 0);
    for (const [file, db] of this.handles) {
      if (!live.has(file)) {
        db.close();
        this.handles.delete(file);
      }
    }
    for (const f of readdirSync(this.opts.dir)) {
      const m = /^p(\d{8})\.sqlite$/.exec(f);
      if (m && !live.has(f) && Number(m[1]) <= newest) removePartitionFiles(this.opts.dir, f);
    }
  }

  verify(): Promise<VerifyReport> {
    return Promise.resolve(verifyStore(this.opts.dir));
  }

  async seal(): Promise<void> {
    const r = await this.request({ type: 'rotate', id: 0, force: true });
    if (r.type === 'rotated' && r.rotated === undefined && this.backlog() === 0) return;
    while (this.backlog() > 0) await new Promise<void>((resolve) => this.sealWaiters.push(resolve));
  }

  applyRetention(now: number): Promise<RetentionResult> {
    const result: RetentionResult = { partitionsDeleted: 0, eventsDeleted: 0 };
    const days = this.opts.retentionDays;
    if (days === undefined || !this.catalog) return Promise.resolve(result);
    const cutoff = now - days * 86_400_000;
    // Only the oldest partitions go, in order, so the chain stays verifiable from the anchor on.
    for (const p of this.partitions()) {
      if (p.state !== 'sealed' || p.maxTs === null || p.maxTs >= cutoff) break;
      this.catalog.removeSealed(p, now);
      result.partitionsDeleted++;
      result.eventsDeleted += p.events;
    }
    if (result.partitionsDeleted > 0) this.cleanupFiles();
    return Promise.resolve(result);
  }

  stats(): Promise<StoreStats> {
    const parts = this.partitions();
    const s: StoreStats = { events: 0, partitions: { hot: 0, sealing: 0, sealed: 0 }, bytes: 0, walBytes: 0 };
    for (const p of parts) {
      s.partitions[p.state]++;
      const path = join(this.opts.dir, p.file);
      if (p.state === 'hot' && this.hotCount?.hot === p.id) s.events += this.hotCount.hotEvents;
      else if (p.state === 'hot') {
        // read-only (beside a server), or a partition the writer has not reported yet
        const db = this.handle(p);
        s.events += (db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;
      } else s.events += p.events;
      // a seal or a checkpoint may remove the WAL (and retention the file) between listing and reading: absent is 0
      s.bytes += statSync(path, { throwIfNoEntry: false })?.size ?? 0;
      s.walBytes += statSync(`${path}-wal`, { throwIfNoEntry: false })?.size ?? 0;
    }
    return Promise.resolve(s);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    clearInterval(this.ageTimer);
    if (this.writer && !this.fatal && !this.opts.readOnly) await this.request({ type: 'close', id: 0 }).catch(() => undefined);
    this.closed = true;
    for (const w of this.sealWaiters) w();
    this.sealWaiters = [];
    // A seal in progress is abandoned safely: the partition stays 'sealing' and is sealed again at the next open.
    await Promise.all([this.writer?.terminate(), this.sealer?.terminate()]);
    for (const db of this.handles.values()) db.close();
    this.handles.clear();
    this.catalog?.close();
  }
}
