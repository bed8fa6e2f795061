import type { Socket } from 'node:net';
import type { Pipeline } from '../../core/pipeline.js';
import type { ComponentTelemetry } from '../../core/telemetry.js';
import { errorCode, errorText, peerAddress, type RateLimitedLog, toRecord, type SyslogRecord } from './common.js';
import { StreamFramer, type Frame, type FramingStats } from './framing.js';

/**
 * Records of one connection waiting for the store before its socket is paused (the sender then blocks). One turn of
 * the event loop can read 32 chunks of 64 KiB from a busy socket (about 6,900 messages of 300 bytes) before the
 * store's replies are read: a smaller window pauses nearly every turn.
 */
export const PAUSE_AT_RECORDS = 8192;
/** ... and resumed when this few are left (half: the store keeps work while the socket is read again) */
const RESUME_AT_RECORDS = 4096;

export interface ConnectionDeps {
  id: string;
  pipeline: Pipeline;
  tel: ComponentTelemetry;
  errLog: RateLimitedLog;
  maxMessageBytes: number;
  idleTimeoutMs: number;
  /** framing totals of the whole listener, and when it last got a message */
  stats: FramingStats & { lastAt: number };
  onIdleClose(): void;
  /** the connection was paused because the store is behind */
  onPause(): void;
  onGone(conn: Connection): void;
}

/**
 * One TCP or TLS connection: bytes → frames → records (with the peer) → pipeline. While more than PAUSE_AT_RECORDS of
 * its records wait for the store, the socket is paused so that TCP flow control slows the sender down. A connection
 * that sends nothing for the idle timeout is closed (its partial frame is delivered first).
 */
export class Connection {
  private readonly framer: StreamFramer;
  private readonly address: string;
  private readonly port: number;
  private inflightRecords = 0;
  private readonly inflight = new Set<Promise<void>>();
  private paused = false;
  private ended = false;
  private gone = false;

  constructor(
    private readonly socket: Socket,
    private readonly deps: ConnectionDeps,
  ) {
    this.framer = new StreamFramer(deps.maxMessageBytes);
    this.address = peerAddress(socket.remoteAddress);
    this.port = socket.remotePort ?? 0;
    socket.setKeepAlive(true, 60_000);
    socket.setTimeout(deps.idleTimeoutMs);
    socket.on('timeout', () => {
      deps.onIdleClose();
      this.finish();
      socket.destroy();
    });
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    // the sender closed its side: deliver what is left, then close ours
    socket.on('end', () => {
      this.finish();
      socket.end();
    });
    socket.on('error', (err) => {
      deps.tel.error(errorCode(err), 'read');
      deps.errLog.write(`connection from ${this.peer()}: ${errorText(err)}`);
    });
    socket.on('close', () => {
      this.finish();
      void this.drained().then(() => {
        this.gone = true;
        deps.onGone(this);
      });
    });
  }

  peer(): string {
    return this.address.includes(':') ? `[${this.address}]:${this.port}` : `${this.address}:${this.port}`;
  }

  private onData(chunk: Buffer): void {
    if (this.ended) return;
    const s = this.framer.stats;
    const truncated = s.truncated;
    const fallbacks = s.fallbacks;
    const miscounted = s.miscounted;
    const frames = this.framer.decode(chunk);
    this.deps.tel.received(frames.length, chunk.length);
    this.count(s.truncated - truncated, s.fallbacks - fallbacks, s.miscounted - miscounted);
    this.submit(frames);
  }

  private count(truncated: number, fallbacks: number, miscounted: number): void {
    const t = this.deps.stats;
    if (truncated > 0) {
      t.truncated += truncated;
      this.deps.tel.error('message_truncated', 'framing', truncated);
    }
    if (fallbacks > 0) {
      t.fallbacks += fallbacks;
      this.deps.tel.error('octet_count_invalid', 'framing', fallbacks);
    }
    if (miscounted > 0) {
      t.miscounted += miscounted;
      this.deps.tel.error('octet_count_short', 'framing', miscounted);
    }
  }

  private submit(frames: Frame[]): void {
    if (frames.length === 0) return;
    const now = Date.now();
    this.deps.stats.lastAt = now;
    const records: SyslogRecord[] = frames.map((f) => toRecord(f, now, this.address, this.port, this.deps.id));
    const n = records.length;
    this.deps.stats.frames += n;
    this.inflightRecords += n;
    if (this.inflightRecords >= PAUSE_AT_RECORDS && !this.paused && !this.ended) {
      this.paused = true;
      this.deps.onPause();
      // paused by us, not idle: the idle timer must not close it
      this.socket.setTimeout(0);
      this.socket.pause();
    }
    let submitted: Promise<unknown>;
    try {
      submitted = this.deps.pipeline.submitRecords(records);
    } catch (err) {
      // a parser bug must cost this connection at most, never the listener
      submitted = Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
    const p: Promise<void> = submitted.then(
      () => this.deps.tel.sent(n),
      (err: unknown) => {
        // not stored and not acknowledged: close the connection so that the sender sees the failure
        this.deps.tel.error(errorCode(err), 'submit');
        this.deps.errLog.write(`connection from ${this.peer()}: ${n} messages not stored: ${errorText(err)}`);
        this.socket.destroy();
      },
    );
    const tracked = p.finally(() => {
      this.inflight.delete(tracked);
      this.inflightRecords -= n;
      if (this.paused && this.inflightRecords <= RESUME_AT_RECORDS) {
        this.paused = false;
        if (!this.ended && !this.socket.destroyed) {
          this.socket.setTimeout(this.deps.idleTimeoutMs);
          this.socket.resume();
        }
      }
    });
    this.inflight.add(tracked);
  }

  /** No more input: the partial frame (if any) is delivered. */
  private finish(): void {
    if (this.ended) return;
    const s = this.framer.stats;
    const truncated = s.truncated;
    const fallbacks = s.fallbacks;
    const frames = this.framer.end();
    this.count(s.truncated - truncated, s.fallbacks - fallbacks, 0);
    this.ended = true;
    this.submit(frames);
  }

  /** Resolves when every record of this connection has been handed to the store (or refused). */
  async drained(): Promise<void> {
    for (let i = 0; i < 1000 && this.inflight.size > 0; i++) await Promise.all([...this.inflight]);
  }

  /** Stop: reads no more, delivers the partial frame, closes the socket, and waits for its records to be stored. */
  async shutdown(): Promise<void> {
    if (this.gone) return;
    this.socket.pause();
    this.finish();
    this.socket.destroy();
    await this.drained();
  }
}
