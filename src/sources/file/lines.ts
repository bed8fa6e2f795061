/** A line of a file: its text (without LF or CRLF) and the byte offset just past its end. */
export interface Line {
  text: string;
  end: number;
  /** the line was longer than the splitter keeps: only its beginning is in `text` */
  cut: boolean;
}

/**
 * The parser keeps the first 64 KiB characters of a line and tags a longer one `_truncated`. A UTF-8 character takes
 * at most 4 bytes (an invalid byte decodes to one U+FFFD), so a line cut at 4 × 64 KiB + 4 bytes still decodes to
 * more than 64 KiB characters: the parser truncates and tags it as it would any over-long line.
 */
export const MAX_LINE_BYTES = 4 * 65536 + 4;

const LF = 0x0a;
const CR = 0x0d;

/**
 * Splits bytes into lines (LF or CRLF). The unfinished last line is kept (at most MAX_LINE_BYTES of it; the rest of an
 * over-long line is skipped up to its end) until its end arrives or `flush` is called.
 */
export class LineSplitter {
  private parts: Buffer[] = [];
  private kept = 0;
  private cutting = false;

  constructor(private readonly encoding: BufferEncoding = 'utf8') {}

  /** bytes held for the unfinished line */
  get pending(): number {
    return this.kept;
  }

  reset(): void {
    this.parts = [];
    this.kept = 0;
    this.cutting = false;
  }

  /** `chunk` starts at byte `offset` of the file. */
  push(chunk: Buffer, offset: number, out: Line[]): void {
    let pos = 0;
    while (pos < chunk.length) {
      const nl = chunk.indexOf(LF, pos);
      if (nl < 0) {
        this.keep(chunk.subarray(pos));
        return;
      }
      const end = offset + nl + 1;
      if (this.kept === 0 && !this.cutting) {
        const stop = nl > pos && chunk[nl - 1] === CR ? nl - 1 : nl;
        if (stop - pos <= MAX_LINE_BYTES) out.push({ text: chunk.toString(this.encoding, pos, stop), end, cut: false });
        else out.push({ text: chunk.toString(this.encoding, pos, pos + MAX_LINE_BYTES), end, cut: true });
      } else {
        this.keep(chunk.subarray(pos, nl));
        out.push(this.take(end));
      }
      pos = nl + 1;
    }
  }

  /** The unfinished line as a last line (the file ended without a newline and will not grow). */
  flush(end: number, out: Line[]): void {
    if (this.kept > 0 || this.cutting) out.push(this.take(end, false));
  }

  private keep(bytes: Buffer): void {
    if (bytes.length === 0) return;
    const room = MAX_LINE_BYTES - this.kept;
    if (bytes.length > room) this.cutting = true;
    const b = bytes.length > room ? bytes.subarray(0, room) : bytes;
    if (b.length === 0) return;
    // a copy: the chunk buffer is reused by the reader
    this.parts.push(Buffer.from(b));
    this.kept += b.length;
  }

  private take(end: number, stripCr = true): Line {
    let buf = this.parts.length === 1 ? (this.parts[0] as Buffer) : Buffer.concat(this.parts, this.kept);
    if (stripCr && !this.cutting && buf.length > 0 && buf[buf.length - 1] === CR) buf = buf.subarray(0, buf.length - 1);
    const line: Line = { text: buf.toString(this.encoding), end, cut: this.cutting };
    this.reset();
    return line;
  }
}
