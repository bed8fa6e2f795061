import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { pipeline } from 'node:stream/promises';
import { FP_BYTES, fingerprint } from './checkpoint.js';
import type { MultilineConfig } from './config.js';
import { LineSplitter, type Line } from './lines.js';
import { MultilineJoiner } from './multiline.js';

const CHUNK = 64 * 1024;

/**
 * A gzip'd rotated file, read once as a stream (64 KiB at a time, pulled only as fast as the store takes events). Its
 * first decompressed bytes are looked up among the files already read, and what was read of that content is skipped.
 */
export class GzReader {
  /** decompressed bytes stored (everything before is in the store, or was skipped as read before) */
  committed: number;
  /** decompressed bytes consumed so far */
  private pos = 0;
  private skip: number;
  private readonly gunzip = createGunzip({ chunkSize: CHUNK });
  private readonly it: AsyncIterator<Buffer>;
  private readonly piped: Promise<void>;
  private failure: Error | undefined;
  private readonly splitter: LineSplitter;
  private readonly joiner: MultilineJoiner | undefined;
  private prefix: Buffer[] = [];
  private prefixLen = 0;
  /** the first decompressed bytes are known: the skip offset is decided */
  private started = false;
  ended = false;
  /** a file with the same content is still being read: this one waits until that one is done */
  deferred = false;

  constructor(
    readonly key: string,
    readonly path: string,
    readonly gzFp: string,
    start: number,
    encoding: BufferEncoding,
    multiline: MultilineConfig | undefined,
    /** what was already read of content that starts with these bytes (fingerprint, its length) */
    private readonly known: (fp: string, len: number) => number | 'busy' | undefined,
  ) {
    this.committed = start;
    this.skip = start;
    this.splitter = new LineSplitter(encoding);
    this.joiner = multiline ? new MultilineJoiner(multiline) : undefined;
    this.piped = pipeline(createReadStream(path, { highWaterMark: CHUNK }), this.gunzip).catch((err: unknown) => {
      this.failure = err as Error;
    });
    this.it = this.gunzip[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  }

  get position(): number {
    return this.pos;
  }

  /** Reads up to `budget` decompressed bytes; completed events go to `out`. Throws on a corrupt file. */
  async read(budget: number, now: number, out: Line[]): Promise<number> {
    let got = 0;
    while (got < budget && !this.ended) {
      let r: IteratorResult<Buffer>;
      try {
        r = await this.it.next();
      } catch (err) {
        throw this.failure ?? err;
      }
      if (r.done) {
        this.ended = true;
        break;
      }
      got += r.value.length;
      if (!this.started) {
        this.prefix.push(r.value);
        this.prefixLen += r.value.length;
        if (this.prefixLen <= FP_BYTES) continue;
        this.begin();
        if (this.deferred) return got;
      } else this.consume(r.value, now, out);
    }
    if (this.ended) {
      await this.piped;
      if (this.failure) throw this.failure;
      if (!this.started) this.begin();
      if (this.deferred) return got;
      this.drainPrefix(now, out);
      const lines: Line[] = [];
      this.splitter.flush(this.pos, lines);
      this.hand(lines, now, out);
      this.joiner?.flush(out);
    } else this.drainPrefix(now, out);
    return got;
  }

  /** Everything handed out up to `end` is stored. */
  commitTo(end: number): void {
    this.committed = end;
  }

  close(): void {
    this.gunzip.destroy();
  }

  private begin(): void {
    this.started = true;
    const head = Buffer.concat(this.prefix, this.prefixLen);
    const len = Math.min(head.length, FP_BYTES);
    // called with more than FP_BYTES, or with the whole content of a short file: a short file is only the same
    // content as a file fingerprinted at exactly its length
    const seen = this.known(fingerprint(head.subarray(0, len)), len);
    if (seen === 'busy') this.deferred = true;
    else if (seen !== undefined && seen > this.skip) {
      this.skip = seen;
      this.committed = seen;
    }
  }

  private drainPrefix(now: number, out: Line[]): void {
    if (!this.started || this.prefix.length === 0) return;
    const head = Buffer.concat(this.prefix, this.prefixLen);
    this.prefix = [];
    this.prefixLen = 0;
    this.consume(head, now, out);
  }

  private consume(chunk: Buffer, now: number, out: Line[]): void {
    const start = this.pos;
    this.pos += chunk.length;
    if (this.pos <= this.skip) return;
    const from = Math.max(0, this.skip - start);
    const lines: Line[] = [];
    this.splitter.push(chunk.subarray(from), start + from, lines);
    this.hand(lines, now, out);
  }

  private hand(lines: Line[], now: number, out: Line[]): void {
    if (this.joiner) this.joiner.push(lines, now, out);
    else for (const l of lines) out.push(l);
  }

}
