import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname } from 'node:path';
import { z } from 'zod';

/** Bytes at the start of a file that identify its content (with the device and inode, against inode reuse). */
export const FP_BYTES = 1024;
const MAX_RETIRED = 512;
const MAX_ENTRIES = 8192;

export function fingerprint(head: Buffer): string {
  return createHash('sha256').update(head).digest('hex');
}

const EntrySchema = z.object({
  path: z.string(),
  /** sha-256 of the first fp_len bytes (decompressed, for a gzip file: see `gz_fp`) */
  fp: z.string(),
  fp_len: z.number().int().min(0).max(FP_BYTES),
  /** bytes committed to the store (of the decompressed content for a gzip file) */
  offset: z.number().int().min(0),
  gz: z.boolean().optional(),
  /** a gzip file read to its end (or given up on) */
  done: z.boolean().optional(),
  updated: z.number(),
});

const RetiredSchema = z.object({ fp: z.string(), fp_len: z.number().int().min(0).max(FP_BYTES), offset: z.number().int().min(0), updated: z.number() });

const FileSchema = z.object({
  version: z.literal(1),
  /** increases with every write (to the file or to the store with a batch): the higher of the two copies is newer */
  seq: z.number().int().min(0).optional(),
  glob: z.string(),
  /** keyed by `device:inode` */
  files: z.record(z.string(), EntrySchema),
  /** files no longer followed (rotated away, deleted, truncated): what had been read of content with that start */
  retired: z.array(RetiredSchema),
});

export type CheckpointEntry = z.infer<typeof EntrySchema>;
export type RetiredEntry = z.infer<typeof RetiredSchema>;

/**
 * A file source's read positions, one JSON file written atomically (temporary file, fsync, rename, fsync of the
 * directory). The source writes it only after the store has committed what the positions cover.
 */
export class Checkpoints {
  files = new Map<string, CheckpointEntry>();
  retired: RetiredEntry[] = [];
  private seq = 0;

  constructor(
    readonly path: string,
    private readonly glob: string,
  ) {}

  /**
   * Reads the file, then takes `committed` (the copy the store committed with the last batch) instead when it is
   * newer: a kill between the store's commit and the file's rename leaves the file one batch behind.
   */
  load(log: (m: string) => void, committed?: string): void {
    this.loadFile(log);
    if (committed === undefined) return;
    let parsed;
    try {
      parsed = FileSchema.safeParse(JSON.parse(committed));
    } catch {
      parsed = undefined;
    }
    if (!parsed?.success) {
      log(`file source ${this.glob}: the read positions committed with the events are not valid; using ${this.path}`);
      return;
    }
    if ((parsed.data.seq ?? 0) <= this.seq) return;
    this.files = new Map(Object.entries(parsed.data.files));
    this.retired = parsed.data.retired;
    this.seq = parsed.data.seq ?? 0;
  }

  private loadFile(log: (m: string) => void): void {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') log(`file source ${this.glob}: cannot read checkpoint ${this.path}: ${(err as Error).message}`);
      return;
    }
    let parsed;
    try {
      parsed = FileSchema.safeParse(JSON.parse(text));
    } catch {
      parsed = undefined;
    }
    if (!parsed?.success) {
      const aside = `${this.path}.invalid-${Date.now()}`;
      try {
        renameSync(this.path, aside);
      } catch {
        // left where it is: it is overwritten at the next save
      }
      log(`file source ${this.glob}: checkpoint ${this.path} is not valid (moved to ${aside}); files are read as if new`);
      return;
    }
    this.files = new Map(Object.entries(parsed.data.files));
    this.retired = parsed.data.retired;
    this.seq = parsed.data.seq ?? 0;
  }

  retire(e: { fp: string; fp_len: number; offset: number }): void {
    if (e.fp_len === 0 || e.offset === 0) return;
    this.retired = this.retired.filter((r) => r.fp !== e.fp || r.fp_len !== e.fp_len);
    this.retired.push({ fp: e.fp, fp_len: e.fp_len, offset: e.offset, updated: Date.now() });
    if (this.retired.length > MAX_RETIRED) this.retired.splice(0, this.retired.length - MAX_RETIRED);
  }

  /** The furthest position read of content that starts with these bytes, among entries other than `exceptKey`. */
  knownOffset(fp: string, fpLen: number, exceptKey?: string): number | undefined {
    let best: number | undefined;
    for (const [k, e] of this.files) {
      if (k !== exceptKey && e.fp === fp && e.fp_len === fpLen && !e.gz && (best === undefined || e.offset > best)) best = e.offset;
    }
    for (const r of this.retired) if (r.fp === fp && r.fp_len === fpLen && (best === undefined || r.offset > best)) best = r.offset;
    return best;
  }

  /**
   * Writes the state, with `offsets` (by key) in place of the current positions, to a temporary file and fsyncs it.
   * The source prepares the positions a submission will reach before handing it to the store, and only renames the
   * file into place (`publish`) once the store has committed: the time between the commit and the new checkpoint
   * is one rename, not a write and two fsyncs.
   */
  prepare(offsets?: ReadonlyMap<string, number>): void {
    const body = this.body(offsets);
    mkdirSync(dirname(this.path), { recursive: true });
    const fd = openSync(this.tmp, 'w', 0o600);
    try {
      writeFileSync(fd, body);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }

  /** The state as JSON, with `offsets` (by key) in place of the current positions, numbered after every earlier one. */
  body(offsets?: ReadonlyMap<string, number>): string {
    if (this.files.size > MAX_ENTRIES) {
      // the oldest entries of files no longer seen go first
      const old = [...this.files.entries()].sort((a, b) => a[1].updated - b[1].updated).slice(0, this.files.size - MAX_ENTRIES);
      for (const [k] of old) this.files.delete(k);
    }
    const files: Record<string, CheckpointEntry> = {};
    for (const [k, e] of this.files) {
      const o = offsets?.get(k);
      files[k] = o === undefined ? e : { ...e, offset: o };
    }
    this.seq++;
    return JSON.stringify({ version: 1, seq: this.seq, glob: this.glob, files, retired: this.retired });
  }

  /** Puts the prepared file in place (atomic rename), then makes the rename durable. */
  publish(): void {
    renameSync(this.tmp, this.path);
    const dfd = openSync(dirname(this.path), 'r');
    try {
      fsyncSync(dfd);
    } finally {
      closeSync(dfd);
    }
  }

  /** Writes the whole state atomically and durably. */
  save(): void {
    this.prepare();
    this.publish();
  }

  private get tmp(): string {
    return `${this.path}.tmp`;
  }
}
