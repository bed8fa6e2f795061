import type { FileHandle } from 'node:fs/promises';
import { FP_BYTES, fingerprint } from './checkpoint.js';
import type { MultilineConfig } from './config.js';
import { LineSplitter, type Line } from './lines.js';
import { MultilineJoiner } from './multiline.js';

/** What became of a file since it was last read. */
export type ReadOutcome = 'data' | 'idle' | 'truncated' | 'rewritten';

/** Reads the bytes of `handle` at `position` into `buf` (all of them unless the file ends first). */
export async function readAt(handle: FileHandle, buf: Buffer, length: number, position: number): Promise<number> {
  let got = 0;
  while (got < length) {
    const { bytesRead } = await handle.read(buf, got, length - got, position + got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return got;
}

/**
 * One followed file, identified by device and inode while its path may change (rotation). Reads forward from the
 * committed position in bounded chunks; lines (or joined multiline events) read but not yet committed are re-read
 * after a failure or a restart, so positions only move once the store has the events.
 */
export class Tailer {
  /** next byte to read */
  readPos: number;
  /** bytes the store has (everything before is stored) */
  committed: number;
  /** end of the last event handed out but not yet committed */
  private handedEnd: number;
  size = 0;
  /** the path no longer leads to this file (renamed away or deleted) since this time */
  goneSince: number | undefined;
  lastGrowth: number;
  truncations = 0;
  private readonly splitter: LineSplitter;
  private readonly joiner: MultilineJoiner | undefined;
  private lines: Line[] = [];

  constructor(
    readonly key: string,
    public path: string,
    private readonly handle: FileHandle,
    start: number,
    public fp: string,
    public fpLen: number,
    encoding: BufferEncoding,
    multiline: MultilineConfig | undefined,
    now: number,
  ) {
    this.readPos = start;
    this.committed = start;
    this.handedEnd = start;
    this.lastGrowth = now;
    this.splitter = new LineSplitter(encoding);
    this.joiner = multiline ? new MultilineJoiner(multiline) : undefined;
  }

  /** bytes read but not committed, held as an unfinished line or event */
  get held(): number {
    return this.readPos - this.committed;
  }

  /**
   * Reads at most `budget` new bytes and appends the completed events to `out`. Notices a file that shrank below
   * what was read (copytruncate) or whose first bytes changed (truncated and rewritten past the old size): both start
   * over from the beginning.
   */
  async read(buf: Buffer, budget: number, now: number, out: Line[]): Promise<ReadOutcome> {
    const st = await this.handle.stat();
    const grew = st.size !== this.size;
    this.size = st.size;
    let outcome: ReadOutcome | undefined;
    if (st.size < this.readPos) outcome = 'truncated';
    else if (grew && this.fpLen > 0 && (await this.head(this.fpLen)) !== this.fp) outcome = 'rewritten';
    if (outcome) {
      this.truncations++;
      this.restart(0);
      this.fp = '';
      this.fpLen = 0;
    }
    if (this.fpLen < FP_BYTES && st.size > this.fpLen) {
      this.fpLen = Math.min(st.size, FP_BYTES);
      this.fp = await this.head(this.fpLen);
    }
    if (st.size <= this.readPos) return outcome ?? 'idle';
    const n = await readAt(this.handle, buf, Math.min(budget, st.size - this.readPos, buf.length), this.readPos);
    if (n === 0) return outcome ?? 'idle';
    this.lastGrowth = now;
    this.lines.length = 0;
    this.splitter.push(buf.subarray(0, n), this.readPos, this.lines);
    this.readPos += n;
    this.hand(this.lines, now, out);
    return outcome ?? 'data';
  }

  /** An event waiting for more lines longer than the multiline timeout is complete. */
  expire(now: number, out: Line[]): void {
    if (this.joiner?.due(now)) {
      const before = out.length;
      this.joiner.flush(out);
      this.noteHanded(out, before);
    }
  }

  /** The file will not grow any more: its unfinished last line and event are complete. */
  finish(now: number, out: Line[]): void {
    this.lines.length = 0;
    this.splitter.flush(this.readPos, this.lines);
    this.hand(this.lines, now, out);
    if (this.joiner) {
      const before = out.length;
      this.joiner.flush(out);
      this.noteHanded(out, before);
    }
  }

  /** Everything handed out up to `end` is stored. */
  commitTo(end: number): void {
    this.committed = end;
  }

  /** What was handed out was not stored: read it again from the committed position. */
  rollback(): void {
    this.restart(this.committed);
  }

  async close(): Promise<void> {
    await this.handle.close();
  }

  private restart(pos: number): void {
    this.readPos = pos;
    this.committed = pos;
    this.handedEnd = pos;
    this.splitter.reset();
    this.joiner?.reset();
  }

  private hand(lines: Line[], now: number, out: Line[]): void {
    const before = out.length;
    if (this.joiner) this.joiner.push(lines, now, out);
    else for (const l of lines) out.push(l);
    this.noteHanded(out, before);
  }

  private noteHanded(out: Line[], before: number): void {
    const last = out[out.length - 1];
    if (out.length > before && last) this.handedEnd = last.end;
  }

  private async head(len: number): Promise<string> {
    const b = Buffer.allocUnsafe(len);
    const n = await readAt(this.handle, b, len, 0);
    return fingerprint(b.subarray(0, n));
  }
}
