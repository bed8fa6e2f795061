/**
 * Syslog message framing (RFC 6587) for stream transports (TCP, TLS), and the datagram rule for UDP.
 *
 * Each frame is read either by octet counting (`LEN SP MSG`) or as a line ended by LF, CRLF or NUL. Which one is
 * decided from the first byte of every frame: a non-zero digit starts an octet count, anything else a line (senders
 * are consistent per connection, but a decision per frame also survives a sender that switches). A count that turns
 * out not to be one (`12x`, eleven digits, digits then a line end) is read as the start of a line instead, and counted.
 *
 * Memory is bounded: at most `maxBytes` of a message are kept; the rest of an over-long message is skipped (an octet
 * count tells how much) and the message is delivered truncated, never dropped. Bytes are decoded as UTF-8 with
 * replacement, so invalid input is kept as well as it can be and never throws.
 */

const LF = 0x0a;
const CR = 0x0d;
const NUL = 0x00;
const SP = 0x20;
const ZERO = 0x30;
const NINE = 0x39;
/** an octet count has at most this many digits (9,999,999,999 bytes); more is not a count */
const MAX_COUNT_DIGITS = 10;

export interface Frame {
  message: string;
  /** the message was longer than the limit, or its frame was cut short by the end of the connection */
  truncated: boolean;
  /** where (an index into `message`) a UTF-8 byte order mark was, left out of `message` (see decodeFrame) */
  bomAt?: number;
}

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/**
 * Bytes [start, end) of `buf` as a frame, decoded as UTF-8, with the first byte order mark at `bom` (the index of
 * the first BOM at or after `start` in `buf`, -1 for none) left out and its place noted. RFC 5424 puts a BOM before
 * every UTF-8 MSG (syslog-ng and loggen send one): decoded, it is the only character of an ASCII line that needs a
 * two-byte string, which every later step (parsing, detection's scans, the stored JSON, the writer's UTF-8) then reads
 * and copies at twice the size. The parser puts the mark back where it was not the start of a MSG. EF BB BF is one
 * whole UTF-8 sequence that cannot continue an earlier one, so decoding around it gives the same text.
 */
function decodeFrame(buf: Buffer, start: number, end: number, bom: number): Frame {
  if (bom < start || bom + 3 > end) return { message: buf.toString('utf8', start, end), truncated: false };
  const head = buf.toString('utf8', start, bom);
  return { message: head + buf.toString('utf8', bom + 3, end), truncated: false, bomAt: head.length };
}

/** What a framer has seen so far (for health and metrics). */
export interface FramingStats {
  frames: number;
  octetFrames: number;
  lineFrames: number;
  truncated: number;
  /** digits at the start of a frame that were not an octet count: read as a line instead */
  fallbacks: number;
  /** octet counts shorter than their message (the message was extended to the next frame header) */
  miscounted: number;
}

/**
 * `extend`: an octet count that was too short (loggen with --sdata counts 39 bytes too few): what follows the counted
 * bytes is not a frame start, so it belongs to the same message, which then ends at a line end or before the next
 * `LEN SP <` frame header.
 */
type State = 'start' | 'count' | 'octet' | 'line' | 'extend';
const LT = 0x3c;

/** Decodes bytes up to `end`, without a UTF-8 sequence cut in two at the end (used where a message was truncated). */
function decodeCut(buf: Buffer, end: number): string {
  let cut = end;
  // step back over continuation bytes (at most 3) to the lead byte; drop the lead byte if its sequence is incomplete
  let back = 0;
  while (back < 3 && cut - back - 1 >= 0 && ((buf[cut - back - 1] as number) & 0xc0) === 0x80) back++;
  const leadAt = cut - back - 1;
  if (leadAt >= 0) {
    const lead = buf[leadAt] as number;
    const need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
    if (need > back + 1) cut = leadAt;
  }
  return buf.toString('utf8', 0, cut);
}

/** The end of a message without its trailing line ends (LF, CR, NUL). */
function trimEnd(buf: Buffer, start: number, end: number): number {
  let e = end;
  while (e > start) {
    const b = buf[e - 1];
    if (b !== LF && b !== CR && b !== NUL) break;
    e--;
  }
  return e;
}

/** One UDP datagram is one message: a trailing LF/CRLF/NUL is stripped, and it is truncated at `maxBytes`. */
export function datagramFrame(buf: Buffer, maxBytes: number): Frame | undefined {
  const end = trimEnd(buf, 0, buf.length);
  if (end === 0) return undefined;
  if (end > maxBytes) return { message: decodeCut(buf, maxBytes), truncated: true };
  return decodeFrame(buf, 0, end, buf.indexOf(BOM));
}

/** The framing state of one stream (connection). Feed it chunks in order; call `end()` when the stream closes. */
export class StreamFramer {
  readonly stats: FramingStats = { frames: 0, octetFrames: 0, lineFrames: 0, truncated: 0, fallbacks: 0, miscounted: 0 };
  private state: State = 'start';
  /** octet count being read (and its digits, which become line text if it is not a count) */
  private count = 0;
  private readonly digits: number[] = [];
  /** octet frame: message bytes still to come */
  private remaining = 0;
  /** the current message's kept bytes (at most maxBytes in all) */
  private parts: Buffer[] = [];
  private size = 0;
  /** the current message had more than maxBytes */
  private overflow = false;
  /** `extend`: the last bytes of a chunk that may begin a frame header, read again with the next chunk */
  private held: Buffer | undefined;

  constructor(private readonly maxBytes: number) {}

  /** Bytes held for an unfinished frame (never more than maxBytes + 2 plus a count's digits). */
  get buffered(): number {
    return this.size + this.digits.length + (this.held?.length ?? 0);
  }

  /** The complete frames in `chunk` (together with what earlier chunks left unfinished). */
  decode(input: Buffer): Frame[] {
    const out: Frame[] = [];
    let chunk = input;
    if (this.held) {
      chunk = Buffer.concat([this.held, input]);
      this.held = undefined;
    }
    const n = chunk.length;
    let i = 0;
    // next LF / NUL at or after i, or n (found lazily, so a chunk of many lines is scanned once)
    let lfAt = -1;
    let nulAt = -1;
    // next BOM at or after the frame being decoded, -1 for none in the rest of the chunk (found lazily, as lfAt)
    let bomAt = -2;
    const bomFrom = (from: number): number => {
      if (bomAt !== -1 && bomAt < from) bomAt = chunk.indexOf(BOM, from);
      return bomAt;
    };
    while (i < n) {
      switch (this.state) {
        case 'start': {
          const b = chunk[i] as number;
          if (b === LF || b === CR || b === NUL) {
            i++; // a line end between frames (some senders end octet-counted frames with LF as well)
          } else if (b > ZERO && b <= NINE) {
            this.state = 'count';
            this.count = 0;
          } else {
            this.state = 'line';
          }
          break;
        }
        case 'count': {
          const b = chunk[i] as number;
          if (b >= ZERO && b <= NINE && this.digits.length < MAX_COUNT_DIGITS) {
            this.digits.push(b);
            this.count = this.count * 10 + (b - ZERO);
            i++;
          } else if (b === SP && this.digits.length > 0) {
            i++;
            this.digits.length = 0;
            this.remaining = this.count;
            this.state = 'octet';
          } else {
            this.fallBack();
          }
          break;
        }
        case 'octet': {
          const end = i + this.remaining;
          if (this.size === 0 && !this.overflow && end <= n && this.remaining <= this.maxBytes && (end === n || frameStartAt(chunk, end))) {
            // the whole frame is in this chunk (and the next one starts right after it): decode it in place
            this.stats.frames++;
            this.stats.octetFrames++;
            const e = trimEnd(chunk, i, end);
            if (e > i) out.push(decodeFrame(chunk, i, e, bomFrom(i)));
            this.remaining = 0;
            this.state = 'start';
            i = end;
            break;
          }
          const take = Math.min(this.remaining, n - i);
          this.keep(chunk, i, i + take);
          i += take;
          this.remaining -= take;
          if (this.remaining === 0) {
            if (i < n && !frameStartAt(chunk, i)) {
              this.stats.miscounted++;
              this.state = 'extend';
            } else {
              this.emit(out, true, this.overflow);
            }
          }
          break;
        }
        case 'extend': {
          if (lfAt < i) lfAt = indexOr(chunk, LF, i, n);
          if (nulAt < i) nulAt = indexOr(chunk, NUL, i, n);
          const t = lfAt < nulAt ? lfAt : nulAt;
          const h = nextHeader(chunk, i, t);
          if (h < t) {
            this.keep(chunk, i, h);
            i = h;
            this.emit(out, true, this.overflow);
          } else if (t < n) {
            this.keep(chunk, i, t);
            i = t + 1;
            this.emit(out, true, this.overflow);
          } else {
            const k = headerPrefixAtEnd(chunk, i);
            this.keep(chunk, i, n - k);
            if (k > 0) this.held = Buffer.from(chunk.subarray(n - k));
            i = n;
          }
          break;
        }
        case 'line': {
          if (lfAt < i) lfAt = indexOr(chunk, LF, i, n);
          if (nulAt < i) nulAt = indexOr(chunk, NUL, i, n);
          const t = lfAt < nulAt ? lfAt : nulAt;
          if (t === n) {
            this.keep(chunk, i, n);
            i = n;
          } else if (this.size === 0 && !this.overflow) {
            // the whole line is in this chunk: decode it in place
            const e = trimEnd(chunk, i, t);
            if (e - i > this.maxBytes) {
              this.keep(chunk, i, t);
              this.emit(out, false, true);
            } else {
              this.stats.frames++;
              this.stats.lineFrames++;
              if (e > i) out.push(decodeFrame(chunk, i, e, bomFrom(i)));
              this.state = 'start';
            }
            i = t + 1;
          } else {
            this.keep(chunk, i, t);
            i = t + 1;
            this.emit(out, false, this.overflow);
          }
          break;
        }
      }
    }
    return out;
  }

  /** The stream has ended: an unfinished frame is delivered as far as it came (an incomplete octet frame as truncated). */
  end(): Frame[] {
    const out: Frame[] = [];
    if (this.state === 'count') this.fallBack();
    if (this.held) {
      this.keep(this.held, 0, this.held.length);
      this.held = undefined;
    }
    if (this.state === 'octet') this.emit(out, true, true);
    else if (this.state === 'line') this.emit(out, false, this.overflow);
    else if (this.state === 'extend') this.emit(out, true, this.overflow);
    this.state = 'start';
    return out;
  }

  /** Digits that were not an octet count: they start a line. */
  private fallBack(): void {
    this.stats.fallbacks++;
    const d = Buffer.from(this.digits);
    this.digits.length = 0;
    // on a connection that counts octets, the text is most likely the rest of a miscounted message
    this.state = this.stats.octetFrames > 0 ? 'extend' : 'line';
    this.keep(d, 0, d.length);
  }

  /** Keeps bytes [from, to) of `buf` for the current message, up to maxBytes in all. */
  private keep(buf: Buffer, from: number, to: number): void {
    if (to <= from) return;
    // two bytes of slack, so that a CRLF after a message of exactly maxBytes does not make it look truncated
    const room = this.maxBytes + 2 - this.size;
    const len = to - from;
    if (len > room) this.overflow = true;
    const take = len < room ? len : room;
    if (take <= 0) return;
    // a copy, so that the (possibly large) chunk the bytes came from is not kept alive
    this.parts.push(Buffer.from(buf.subarray(from, from + take)));
    this.size += take;
  }

  /** Delivers the current message; `truncated` when it overflowed or its frame was cut short. */
  private emit(out: Frame[], octet: boolean, truncated: boolean): void {
    const buf = this.parts.length === 1 ? (this.parts[0] as Buffer) : Buffer.concat(this.parts, this.size);
    this.parts = [];
    this.size = 0;
    this.overflow = false;
    this.state = 'start';
    this.stats.frames++;
    if (octet) this.stats.octetFrames++;
    else this.stats.lineFrames++;
    let end = trimEnd(buf, 0, buf.length);
    if (end === 0) return;
    let cut = truncated;
    if (end > this.maxBytes) {
      end = this.maxBytes;
      cut = true;
    }
    if (cut) this.stats.truncated++;
    out.push(cut ? { message: decodeCut(buf, end), truncated: true } : decodeFrame(buf, 0, end, buf.indexOf(BOM)));
  }
}

/** Whether a frame can start at `i`: a line end, a `<`, or `LEN SP` (or digits up to the end of what is there). */
function frameStartAt(buf: Buffer, i: number): boolean {
  const b = buf[i] as number;
  if (b === LF || b === CR || b === NUL || b === LT) return true;
  if (b <= ZERO || b > NINE) return false;
  for (let j = i + 1; j < buf.length && j <= i + MAX_COUNT_DIGITS; j++) {
    const c = buf[j] as number;
    if (c === SP) return true;
    if (c < ZERO || c > NINE) return false;
  }
  // digits up to the end of the chunk: cannot tell yet, take it as a count
  return buf.length - i <= MAX_COUNT_DIGITS;
}

/** How many bytes at the end of `buf` (after `from`) could be the start of a `LEN SP <` header: digits, then maybe SP. */
function headerPrefixAtEnd(buf: Buffer, from: number): number {
  let p = buf.length;
  if (p > from && buf[p - 1] === SP) p--;
  const digitsEnd = p;
  while (p > from && digitsEnd - p < MAX_COUNT_DIGITS && (buf[p - 1] as number) >= ZERO && (buf[p - 1] as number) <= NINE) p--;
  return p < digitsEnd ? buf.length - p : 0;
}

/** The first `LEN SP <` frame header in [from, to), or `to`. */
function nextHeader(buf: Buffer, from: number, to: number): number {
  let q = buf.indexOf(LT, from + 2);
  while (q >= 0 && q < to) {
    if (buf[q - 1] === SP) {
      let p = q - 1;
      while (p > from && p > q - 2 - MAX_COUNT_DIGITS && (buf[p - 1] as number) >= ZERO && (buf[p - 1] as number) <= NINE) p--;
      if (p < q - 1 && (buf[p] as number) > ZERO) return p;
    }
    q = buf.indexOf(LT, q + 1);
  }
  return to;
}

function indexOr(buf: Buffer, byte: number, from: number, fallback: number): number {
  const at = buf.indexOf(byte, from);
  return at < 0 ? fallback : at;
}
