import { open, stat } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import type { RawRecord, Source } from '../../core/component.js';
import { errorMessage } from '../../core/errors.js';
import type { ComponentTelemetry } from '../../core/telemetry.js';
import type { SourceContext } from '../context.js';
import { Checkpoints, FP_BYTES, fingerprint } from './checkpoint.js';
import type { FileConfig } from './config.js';
import { excludeMatcher, globBase, scanGlob } from './glob.js';
import { GzReader } from './gzip.js';
import type { Line } from './lines.js';
import { Tailer, readAt } from './tailer.js';
import { Wakeup } from './wakeup.js';

/** how often followed files are looked at when no change notification came */
export const POLL_MS = 250;
/** how often the glob is matched again */
const SCAN_MS = 1000;
/** bytes read ahead of the store at most (per source, across its files) */
const READ_AHEAD_BYTES = 1024 * 1024;
/** files followed at once at most; more are counted and skipped until room is made */
export const MAX_FILES = 1024;
const MAX_SCAN_ENTRIES = 100_000;
/** a file renamed away or deleted is read until it has not grown for this long, then closed */
export const CLOSE_GONE_MS = 2000;
const RETRY_MS = 1000;
/** a gzip file is read once it has not changed for this long (not while gzip is still writing it) */
const GZ_SETTLE_MS = 1500;
/** records per submission at most (the store commits up to 10,000 events in one transaction) */
const SUBMIT_RECORDS = 5000;

interface Batch {
  owner: Tailer | GzReader;
  path: string;
  lines: Line[];
}

/** Tails the files one path or glob matches; see docs/configuration.md (`files[]`). */
export class FileSource implements Source {
  readonly id: string;
  private readonly tel: ComponentTelemetry;
  private readonly checkpoints: Checkpoints;
  private readonly excluded: (path: string) => boolean;
  private readonly tailers = new Map<string, Tailer>();
  private readonly gzQueue: { key: string; path: string; fp: string; start: number; notBefore?: number }[] = [];
  private gz: GzReader | undefined;
  private readonly failed = new Map<string, string>();
  private readonly skipped = new Set<string>();
  private readonly wakeup = new Wakeup();
  private readonly buf = Buffer.allocUnsafe(READ_AHEAD_BYTES);
  private running = false;
  private loop: Promise<void> | undefined;
  private scanWanted = true;
  private lastScan = 0;
  private firstScan = true;
  private dirty = false;
  private turn = 0;
  private storeFailing = false;
  private lastFailure: string | undefined;
  private saveFailure: string | undefined;
  private stats = { gzRead: 0, truncations: 0, linesCut: 0, skipped: 0 };

  constructor(
    private readonly cfg: FileConfig,
    private readonly ctx: SourceContext,
  ) {
    this.id = `file:${cfg.path}`;
    this.tel = ctx.telemetry.component(this.id, 'source');
    const name = createHash('sha256').update(cfg.path).digest('hex').slice(0, 16);
    this.checkpoints = new Checkpoints(join(ctx.dataDir, 'checkpoints', `file-${name}.json`), cfg.path);
    this.excluded = excludeMatcher(cfg.exclude);
  }

  async start(): Promise<void> {
    let committed: string | undefined;
    try {
      committed = await this.ctx.pipeline.committedState(this.stateKey);
    } catch (err) {
      this.ctx.log(`file source ${this.cfg.path}: cannot read the positions committed with the events (${errorMessage(err)}); using ${this.checkpoints.path}`);
    }
    this.checkpoints.load((m) => this.ctx.log(m), committed);
    this.running = true;
    this.wakeup.watch(globBase(this.cfg.path));
    this.loop = this.run();
  }

  /** the key of this source's read positions in the store (committed with each submission) */
  private get stateKey(): string {
    return `file-source:${basename(this.checkpoints.path, '.json')}`;
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wakeup.now();
    await this.loop;
    this.wakeup.close();
    this.gz?.close();
    for (const t of this.tailers.values()) await t.close().catch(() => undefined);
    this.tailers.clear();
    if (this.dirty) this.save();
  }

  health(): Record<string, unknown> {
    const files = [...this.tailers.values()];
    const lag = files.reduce((s, t) => s + Math.max(0, t.size - t.committed), 0);
    return {
      path: this.cfg.path,
      files_followed: files.length,
      files_skipped: this.stats.skipped,
      gzip_files_read: this.stats.gzRead,
      truncations: this.stats.truncations,
      lines_cut: this.stats.linesCut,
      lag_bytes: lag,
      files: files.slice(0, 100).map((t) => ({ path: t.path, offset: t.committed, size: t.size, lag_bytes: Math.max(0, t.size - t.committed), rotated: t.goneSince !== undefined })),
      ...(this.gz ? { gzip_reading: this.gz.path } : {}),
    };
  }

  private async run(): Promise<void> {
    while (this.running) {
      let progressed = false;
      try {
        const now = Date.now();
        if (this.wakeup.take() || this.scanWanted || now - this.lastScan >= SCAN_MS) await this.scan(now);
        progressed = await this.pass(Date.now());
      } catch (err) {
        // e.g. the checkpoint cannot be written: nothing is handed on until it can (logged once per distinct reason)
        this.tel.error((err as NodeJS.ErrnoException).code ?? 'internal', 'read');
        const msg = errorMessage(err);
        if (msg !== this.lastFailure) this.ctx.log(`file source ${this.cfg.path}: ${msg}`);
        this.lastFailure = msg;
        this.rollbackAll();
        await this.wakeup.sleep(RETRY_MS);
        continue;
      }
      this.lastFailure = undefined;
      if (!progressed && this.running) await this.wakeup.sleep(this.storeFailing ? RETRY_MS : POLL_MS);
    }
  }

  private report(path: string, err: unknown, stage: string): void {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    if (this.failed.get(path) === code) return;
    if (this.failed.size > 4096) this.failed.clear();
    this.failed.set(path, code);
    this.tel.error(code, stage);
    this.ctx.log(`file source ${this.cfg.path}: cannot read ${path}: ${errorMessage(err)}`);
  }

  /** Matches the glob again: opens new files, notices files whose path now leads elsewhere (rotation, deletion). */
  private async scan(now: number): Promise<void> {
    this.scanWanted = false;
    this.lastScan = now;
    const res = await scanGlob(this.cfg.path, MAX_SCAN_ENTRIES);
    for (const e of res.errors) this.report(e.path, Object.assign(new Error(e.message), { code: 'scan' }), 'scan');
    if (res.truncated) this.tel.error('scan_bound', 'scan');
    const seen = new Set<string>();
    for (const p of res.files) {
      if (!this.running) return;
      if (this.excluded(p)) continue;
      if (p.endsWith('.gz')) {
        if (this.cfg.read_rotated_gzip) await this.noteGzip(p, now);
        continue;
      }
      let st;
      try {
        st = await stat(p);
      } catch {
        continue;
      }
      const key = `${st.dev}:${st.ino}`;
      seen.add(key);
      const t = this.tailers.get(key);
      if (t) {
        t.path = p;
        t.goneSince = undefined;
        continue;
      }
      if (this.tailers.size >= MAX_FILES) {
        if (!this.skipped.has(p) && this.skipped.size < 10_000) {
          // counted per file, logged once (a glob over a huge directory must not flood the log)
          if (this.skipped.size === 0) this.ctx.log(`file source ${this.cfg.path}: ${MAX_FILES} files followed already; more (first: ${p}) are not read until some close`);
          this.skipped.add(p);
          this.stats.skipped++;
          this.tel.error('too_many_files', 'scan');
        }
        continue;
      }
      await this.follow(p, key, now);
    }
    for (const t of this.tailers.values()) {
      if (seen.has(t.key) || t.goneSince !== undefined) continue;
      try {
        const st = await stat(t.path);
        if (`${st.dev}:${st.ino}` === t.key) continue;
      } catch {
        // gone
      }
      t.goneSince = now;
      this.scanWanted = true;
    }
    this.firstScan = false;
  }

  /** Opens a newly matched file and decides where to start in it. */
  private async follow(path: string, key: string, now: number): Promise<void> {
    let handle;
    try {
      handle = await open(path, 'r');
    } catch (err) {
      this.report(path, err, 'open');
      return;
    }
    try {
      const st = await handle.stat();
      if (`${st.dev}:${st.ino}` !== key || !st.isFile()) {
        await handle.close();
        this.scanWanted = true;
        return;
      }
      const head = Buffer.allocUnsafe(FP_BYTES);
      const n = await readAt(handle, head, Math.min(FP_BYTES, st.size), 0);
      const fp = fingerprint(head.subarray(0, n));
      const entry = this.checkpoints.files.get(key);
      let start: number | undefined;
      if (entry && !entry.gz && entry.fp_len <= n && fingerprint(head.subarray(0, entry.fp_len)) === entry.fp) {
        start = entry.offset;
        if (start > st.size) {
          this.stats.truncations++;
          this.tel.error('truncated', 'read');
          start = 0;
        }
      } else {
        // the inode was reused by another file: what was read of the old content is kept for lookups by content
        if (entry && !entry.gz) this.checkpoints.retire(entry);
        if (n === FP_BYTES && this.openWithContent(fp, n, key)) {
          // a copy of a file still being read (copytruncate): it waits until that file was truncated or closed,
          // when what was read of it is known exactly
          await handle.close();
          return;
        }
        const known = n === FP_BYTES ? this.checkpoints.knownOffset(fp, n, key) : undefined;
        if (known !== undefined) start = Math.min(known, st.size);
        else start = this.firstScan && this.cfg.start_at === 'end' ? st.size : 0;
      }
      this.failed.delete(path);
      this.skipped.delete(path);
      const t = new Tailer(key, path, handle, start, fp, n, this.cfg.encoding, this.cfg.multiline, now);
      t.size = st.size;
      this.tailers.set(key, t);
      this.checkpoints.files.set(key, { path, fp, fp_len: n, offset: start, updated: now });
      this.dirty = true;
      this.wakeup.watch(dirname(path));
    } catch (err) {
      await handle.close().catch(() => undefined);
      this.report(path, err, 'open');
    }
  }

  /** A gzip'd file is queued to be read once, unless it was read (or is known from its first bytes) already. */
  private async noteGzip(path: string, now: number): Promise<void> {
    try {
      const handle = await open(path, 'r');
      let st, head;
      try {
        st = await handle.stat();
        // one being written (gzip at work) is looked at again once it has not changed for a while
        if (now - st.mtimeMs < GZ_SETTLE_MS) return;
        const buf = Buffer.allocUnsafe(FP_BYTES);
        head = buf.subarray(0, await readAt(handle, buf, FP_BYTES, 0));
      } finally {
        await handle.close();
      }
      const key = `${st.dev}:${st.ino}`;
      if (this.gz?.key === key || this.gzQueue.some((q) => q.key === key)) return;
      const entry = this.checkpoints.files.get(key);
      const fp = fingerprint(head);
      if (entry?.gz && entry.fp_len <= head.length && entry.fp === fingerprint(head.subarray(0, entry.fp_len))) {
        if (!entry.done) this.gzQueue.push({ key, path, fp, start: entry.offset });
        return;
      }
      const done = this.firstScan && this.cfg.start_at === 'end';
      this.checkpoints.files.set(key, { path, fp, fp_len: head.length, offset: 0, gz: true, done, updated: now });
      this.dirty = true;
      if (!done && this.gzQueue.length < MAX_FILES) this.gzQueue.push({ key, path, fp, start: 0 });
      this.failed.delete(path);
    } catch (err) {
      this.report(path, err, 'open');
    }
  }

  /**
   * One round: reads up to READ_AHEAD_BYTES from the files that grew (rotated-away files first, then in turn),
   * hands the completed lines to the pipeline, and only when the store has committed them moves the positions on
   * and writes the checkpoint.
   */
  private async pass(now: number): Promise<boolean> {
    let budget = READ_AHEAD_BYTES;
    let bytes = 0;
    const batches: Batch[] = [];
    const closing: Tailer[] = [];
    const broken: Tailer[] = [];
    const all = [...this.tailers.values()];
    const n = all.length;
    const order = all.map((_, i) => all[(i + this.turn) % n] as Tailer).sort((a, b) => (a.goneSince === undefined ? 1 : 0) - (b.goneSince === undefined ? 1 : 0));
    this.turn = n > 0 ? (this.turn + 1) % n : 0;
    for (const t of order) {
      const lines: Line[] = [];
      if (budget > 0 && !this.storeFailing) {
        const before = t.readPos;
        const old = { fp: t.fp, fp_len: t.fpLen, offset: t.committed };
        try {
          const outcome = await t.read(this.buf, budget, now, lines);
          if (outcome === 'truncated' || outcome === 'rewritten') {
            this.checkpoints.retire(old);
            this.stats.truncations++;
            this.tel.error(outcome, 'read');
            this.ctx.log(`file source ${this.cfg.path}: ${t.path} was ${outcome === 'truncated' ? 'truncated' : 'replaced in place'}; reading it from the beginning`);
            this.dirty = true;
          }
          if (t.readPos > before) {
            bytes += t.readPos - before;
            budget -= t.readPos - before;
          } else if (t.readPos < before) {
            bytes += t.readPos;
            budget -= t.readPos;
          }
        } catch (err) {
          // closed, its checkpoint kept: the next scan opens it again where it stopped
          this.report(t.path, err, 'read');
          broken.push(t);
          continue;
        }
      }
      t.expire(now, lines);
      if (t.goneSince !== undefined && t.readPos >= t.size && now - Math.max(t.lastGrowth, t.goneSince) >= CLOSE_GONE_MS && !closing.includes(t)) {
        t.finish(now, lines);
        closing.push(t);
      }
      if (lines.length > 0) batches.push({ owner: t, path: t.path, lines });
    }
    const gzFinished = await this.readGzip(budget, now, batches);
    const records: RawRecord[] = [];
    const owners: { owner: Tailer | GzReader; end: number }[] = [];
    let cut = 0;
    for (const b of batches) {
      for (const l of b.lines) {
        if (l.cut) cut++;
        const r: RawRecord = { message: l.text, receivedAt: now, file: b.path, source: this.id };
        if (this.cfg.format !== undefined) r.format = this.cfg.format;
        records.push(r);
        owners.push({ owner: b.owner, end: l.end });
      }
    }
    if (bytes > 0 || records.length > 0) this.tel.received(records.length, bytes);
    for (const t of broken) {
      this.tailers.delete(t.key);
      await t.close().catch(() => undefined);
    }
    if (cut > 0) {
      // kept and tagged _truncated by the parser, counted here
      this.stats.linesCut += cut;
      this.tel.error('line_too_long', 'read', cut);
    }
    // At most SUBMIT_RECORDS per submission, so that the store commits each in one transaction together with the
    // positions it reaches: a crash (even kill -9) leaves a submission and its positions both stored or neither.
    // The checkpoint file, written after the pass, is a second copy; at start the newer of the two is used.
    for (let i = 0; i < records.length; i += SUBMIT_RECORDS) {
      // stopping: the rest is read again at the next start if its files will be found again (not renamed away or gzip'd)
      if (i > 0 && !this.running && owners.slice(i).every((o) => o.owner instanceof Tailer && o.owner.goneSince === undefined)) {
        this.rollbackAll();
        return true;
      }
      const ends = new Map<Tailer | GzReader, number>();
      for (const o of owners.slice(i, i + SUBMIT_RECORDS)) ends.set(o.owner, o.end);
      const state = { key: this.stateKey, value: this.checkpoints.body(new Map([...ends].map(([o, end]) => [o.key, end]))) };
      if (!(await this.submit(records.slice(i, i + SUBMIT_RECORDS), state))) return false;
      for (const [o, end] of ends) {
        o.commitTo(end);
        // the next submission's positions include this one's
        if (o instanceof Tailer) this.record(o, now);
        else this.recordGzip(o, now);
      }
    }
    for (const t of this.tailers.values()) this.record(t, now);
    if (this.gz) this.recordGzip(this.gz, now);
    if (gzFinished && this.gz) {
      this.gz.close();
      this.gz = undefined;
    }
    for (const t of closing) {
      this.tailers.delete(t.key);
      this.checkpoints.retire({ fp: t.fp, fp_len: t.fpLen, offset: t.committed });
      this.checkpoints.files.delete(t.key);
      this.dirty = true;
      await t.close().catch(() => undefined);
    }
    if (this.dirty) this.save();
    return bytes > 0 || records.length > 0 || closing.length > 0;
  }

  private async submit(records: RawRecord[], state: { key: string; value: string }): Promise<boolean> {
    try {
      await this.ctx.pipeline.submitRecords(records, state);
      this.tel.sent(records.length);
      if (this.storeFailing) this.ctx.log(`file source ${this.cfg.path}: the store takes events again`);
      this.storeFailing = false;
      return true;
    } catch (err) {
      // nothing moves on: the same lines are read again once the store takes events
      this.tel.error('store', 'submit');
      if (!this.storeFailing) this.ctx.log(`file source ${this.cfg.path}: the store did not take ${records.length} events (${errorMessage(err)}); reading them again later`);
      this.storeFailing = true;
      this.rollbackAll();
      setTimeout(() => (this.storeFailing = false), RETRY_MS).unref();
      return false;
    }
  }

  /** Reads the gzip'd file in hand (or the next queued one); true when it has been read to its end. */
  private async readGzip(budget: number, now: number, batches: Batch[]): Promise<boolean> {
    if (this.storeFailing) return false;
    if (!this.gz) {
      const i = this.gzQueue.findIndex((q) => (q.notBefore ?? 0) <= now);
      const next = i >= 0 ? this.gzQueue.splice(i, 1)[0] : undefined;
      if (!next) return false;
      const known = (fp: string, len: number): number | 'busy' | undefined => (this.openWithContent(fp, len) ? 'busy' : this.checkpoints.knownOffset(fp, len));
      this.gz = new GzReader(next.key, next.path, next.fp, next.start, this.cfg.encoding, this.cfg.multiline, known);
    }
    const g = this.gz;
    const lines: Line[] = [];
    try {
      await g.read(Math.max(budget, 64 * 1024), now, lines);
      if (g.deferred) {
        // compressed from a file that is still being read (deleted or renamed, not yet drained): after that one
        g.close();
        this.gz = undefined;
        this.gzQueue.push({ key: g.key, path: g.path, fp: g.gzFp, start: g.committed, notBefore: now + SCAN_MS });
        return false;
      }
    } catch (err) {
      this.report(g.path, err, 'gunzip');
      const e = this.checkpoints.files.get(g.key);
      if (e) this.checkpoints.files.set(g.key, { ...e, done: true, updated: now });
      this.dirty = true;
      g.close();
      this.gz = undefined;
      return false;
    }
    if (lines.length > 0) batches.push({ owner: g, path: g.path, lines });
    if (g.ended) this.stats.gzRead++;
    return g.ended;
  }

  /** What was read but not stored is read again: every file goes back to its committed position. */
  private rollbackAll(): void {
    for (const t of this.tailers.values()) t.rollback();
    if (this.gz) {
      // a stream cannot go back: it is opened again at its committed position
      const g = this.gz;
      g.close();
      this.gz = undefined;
      this.gzQueue.unshift({ key: g.key, path: g.path, fp: g.gzFp, start: g.committed });
    }
  }

  /** A followed file (other than `exceptKey`) starts with these bytes. */
  private openWithContent(fp: string, len: number, exceptKey?: string): boolean {
    for (const t of this.tailers.values()) if (t.key !== exceptKey && t.fpLen === len && t.fp === fp) return true;
    return false;
  }

  /** Brings a checkpoint entry up to date with what is committed. */
  private record(t: Tailer, now: number): void {
    const e = this.checkpoints.files.get(t.key);
    if (e && e.offset === t.committed && e.fp === t.fp && e.path === t.path) return;
    this.checkpoints.files.set(t.key, { path: t.path, fp: t.fp, fp_len: t.fpLen, offset: t.committed, updated: now });
    this.dirty = true;
  }

  private recordGzip(g: GzReader, now: number): void {
    const e = this.checkpoints.files.get(g.key);
    if (!e || (e.offset === g.committed && e.done === g.ended)) return;
    this.checkpoints.files.set(g.key, { ...e, offset: g.committed, done: g.ended, updated: now });
    this.dirty = true;
  }

  private save(): void {
    try {
      this.checkpoints.save();
      this.dirty = false;
      this.saveFailure = undefined;
    } catch (err) {
      // the positions are also committed with the lines in the store: reading goes on, logged once per reason
      this.tel.error((err as NodeJS.ErrnoException).code ?? 'checkpoint', 'checkpoint');
      const msg = `cannot write checkpoint ${this.checkpoints.path}: ${errorMessage(err)}`;
      if (msg !== this.saveFailure) this.ctx.log(`file source ${this.cfg.path}: ${msg}`);
      this.saveFailure = msg;
    }
  }
}
