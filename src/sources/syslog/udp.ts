import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import type { Source } from '../../core/component.js';
import type { ComponentTelemetry } from '../../core/telemetry.js';
import type { SourceContext } from '../context.js';
import { errorCode, errorText, hostPort, peerAddress, RateLimitedLog, toRecord, type SyslogRecord } from './common.js';
import type { SyslogConfig } from './config.js';
import { datagramFrame } from './framing.js';
import { readUdpDrops } from './kernel-drops.js';

/** datagrams per pipeline submission at most */
const BATCH_RECORDS = 500;
/** a batch that is not full is submitted after this long */
const BATCH_MS = 10;
/** submissions waiting for the store at once */
const MAX_INFLIGHT = 4;
/** records waiting for a submission slot at most; beyond it datagrams are dropped (counted, reason queue_full) */
const MAX_QUEUED_RECORDS = 50_000;
/**
 * Datagrams libuv reads from a socket in one turn of the event loop at most: a turn that read this many left more in
 * the kernel's buffer, so parsing waits for a turn that emptied it (or for the queue to be half full) — a sender's
 * burst then waits in the queue instead of overflowing the kernel's buffer while a batch is parsed.
 */
const READS_PER_TURN = 32;
const KERNEL_POLL_MS = 2000;

export interface UdpLimits {
  /** records waiting for a submission slot at most (default 20,000) */
  maxQueuedRecords?: number;
}

/**
 * Syslog over UDP (RFC 5426): one datagram is one message. Datagrams are batched into pipeline submissions; while the
 * pipeline is saturated they wait in a bounded queue, and what does not fit is dropped and counted. What the kernel
 * dropped before Vigil could read it (a full receive buffer) is read from /proc and counted too.
 */
export class SyslogUdpSource implements Source {
  readonly id = 'syslog_udp';
  private socket: Socket | undefined;
  private listening = '';
  private batch: SyslogRecord[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly queue: SyslogRecord[][] = [];
  private queued = 0;
  private inflight = 0;
  private idle: (() => void) | undefined;
  /** datagrams read since the last turn that could parse, and whether such a turn is scheduled */
  private readSinceTurn = 0;
  private turnScheduled = false;
  private kernelTimer: NodeJS.Timeout | undefined;
  private kernelDrops = 0;
  private queueDrops = 0;
  private truncated = 0;
  private received = 0;
  private lastAt = 0;
  private port = 0;
  private readonly tel: ComponentTelemetry;
  private readonly errLog: RateLimitedLog;

  private readonly maxQueued: number;

  constructor(
    private readonly config: SyslogConfig,
    private readonly ctx: SourceContext,
    limits: UdpLimits = {},
  ) {
    this.maxQueued = limits.maxQueuedRecords ?? MAX_QUEUED_RECORDS;
    this.tel = ctx.telemetry.component(this.id, 'source');
    this.errLog = new RateLimitedLog((m) => ctx.log(m), this.id);
  }

  async start(): Promise<void> {
    const host = this.config.host;
    const socket = createSocket({
      type: isIPv6(host) ? 'udp6' : 'udp4',
      ...(this.config.udp_receive_buffer_bytes > 0 ? { recvBufferSize: this.config.udp_receive_buffer_bytes } : {}),
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(this.config.port, host, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    socket.on('error', (err) => {
      this.tel.error(errorCode(err), 'receive');
      this.errLog.write(`socket error: ${errorText(err)}`);
    });
    socket.on('message', (msg, rinfo) => this.onMessage(msg, rinfo));
    this.socket = socket;
    this.port = socket.address().port;
    this.listening = hostPort(host, this.port);
    this.kernelDrops = readUdpDrops(this.port, isIPv6(host)) ?? 0;
    this.kernelTimer = setInterval(() => this.pollKernelDrops(), KERNEL_POLL_MS);
    this.kernelTimer.unref();
    this.ctx.log(`syslog listening on udp ${this.listening}`);
  }

  private onMessage(msg: Buffer, rinfo: RemoteInfo): void {
    this.received++;
    this.readSinceTurn++;
    this.lastAt = Date.now();
    this.tel.received(1, msg.length);
    const frame = datagramFrame(msg, this.config.max_message_bytes);
    if (!frame) return;
    if (frame.truncated) {
      this.truncated++;
      this.tel.error('message_truncated', 'framing');
    }
    this.batch.push(toRecord(frame, Date.now(), peerAddress(rinfo.address), rinfo.port, this.id));
    if (this.batch.length >= BATCH_RECORDS) this.flushBatch();
    else this.timer ??= setTimeout(() => this.flushBatch(), BATCH_MS);
  }

  private flushBatch(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    let batch = this.batch;
    this.batch = [];
    const room = this.maxQueued - this.queued;
    if (batch.length > room) {
      const lost = batch.length - Math.max(room, 0);
      this.queueDrops += lost;
      this.tel.dropped(lost, 'queue_full', true);
      this.errLog.write(`pipeline saturated: ${lost} datagrams dropped (queue of ${this.maxQueued} full)`);
      batch = room > 0 ? batch.slice(0, room) : [];
    }
    if (batch.length > 0) {
      this.queue.push(batch);
      this.queued += batch.length;
    }
    this.schedule();
  }

  /** A later turn of the event loop submits queued batches (see READS_PER_TURN), after the socket was read. */
  private schedule(): void {
    // a submission that finishes schedules the next when all slots are taken
    if (this.turnScheduled || this.queue.length === 0 || this.inflight >= MAX_INFLIGHT) return;
    this.turnScheduled = true;
    setImmediate(() => {
      this.turnScheduled = false;
      const busy = this.readSinceTurn >= READS_PER_TURN;
      this.readSinceTurn = 0;
      // datagrams are still waiting in the kernel: read them first, unless the queue is filling up or the socket closed
      if (busy && this.socket !== undefined && this.queued < this.maxQueued / 2) this.schedule();
      else this.pump();
    });
  }

  /** Submits one queued batch (the next turn submits the next: the socket is read in between). */
  private pump(): void {
    if (this.inflight < MAX_INFLIGHT && this.queue.length > 0) {
      const batch = this.queue.shift() as SyslogRecord[];
      this.queued -= batch.length;
      this.inflight++;
      let submitted: Promise<unknown>;
      try {
        submitted = this.ctx.pipeline.submitRecords(batch);
      } catch (err) {
        submitted = Promise.reject(err instanceof Error ? err : new Error(String(err)));
      }
      submitted.then(
        () => this.tel.sent(batch.length),
        (err: unknown) => {
          this.tel.error(errorCode(err), 'submit');
          this.errLog.write(`store refused ${batch.length} messages: ${errorText(err)}`);
        },
      ).finally(() => {
        this.inflight--;
        this.schedule();
        if (this.inflight === 0 && this.queue.length === 0) this.idle?.();
      });
    }
    this.schedule();
  }

  private pollKernelDrops(): void {
    const now = readUdpDrops(this.port, isIPv6(this.config.host));
    if (now === undefined) return;
    const delta = now - this.kernelDrops;
    this.kernelDrops = now;
    if (delta > 0) {
      this.tel.dropped(delta, 'kernel_buffer_full', false);
      this.errLog.write(`the kernel dropped ${delta} datagrams: receive buffer full (raise udp_receive_buffer_bytes and net.core.rmem_max)`);
    }
  }

  async stop(): Promise<void> {
    const socket = this.socket;
    if (!socket) return;
    this.socket = undefined;
    if (this.kernelTimer) clearInterval(this.kernelTimer);
    this.pollKernelDrops();
    await new Promise<void>((resolve) => socket.close(() => resolve()));
    this.flushBatch();
    if (this.inflight > 0 || this.queue.length > 0) await new Promise<void>((resolve) => (this.idle = resolve));
  }

  health(): Record<string, unknown> {
    let buffer: number | undefined;
    try {
      buffer = this.socket?.getRecvBufferSize();
    } catch {
      buffer = undefined;
    }
    return {
      listening: this.listening,
      received: this.received,
      queued: this.queued + this.batch.length,
      dropped_queue_full: this.queueDrops,
      kernel_drops: this.kernelDrops,
      truncated: this.truncated,
      ...(this.lastAt > 0 ? { last_message_at: new Date(this.lastAt).toISOString() } : {}),
      ...(buffer !== undefined ? { receive_buffer_bytes: buffer } : {}),
    };
  }
}
