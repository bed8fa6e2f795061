import { isIPv6 } from 'node:net';
import type { Worker } from 'node:worker_threads';
import type { Source } from '../../core/component.js';
import type { ComponentTelemetry } from '../../core/telemetry.js';
import { startWorker } from '../../core/worker.js';
import type { SourceContext } from '../context.js';
import { hostPort, peerAddress, RateLimitedLog, toRecord, errorCode, errorText, type SyslogRecord } from './common.js';
import type { SyslogConfig } from './config.js';
import { datagramFrame } from './framing.js';
import { readUdpDrops } from './kernel-drops.js';
import { CLOSING, SHARED_SLOTS, TAKEN, TAKEN_BYTES, type UdpFromReceiver, type UdpReceiverInit, type UdpToReceiver } from './udp-messages.js';

const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';

/** datagrams per pipeline submission at most */
const BATCH_RECORDS = 500;
/** a batch that is not full is submitted after this long */
const BATCH_MS = 10;
/** submissions waiting for the store at once */
const MAX_INFLIGHT = 4;
/**
 * Datagrams read but not yet handed to the pipeline at most (in the receiver thread's batches and this source's
 * queue); at the bound the receiver stops reading until some are handed on, and the kernel's receive buffer holds what
 * comes meanwhile (its drops are counted, reason kernel_buffer_full). 50,000 of 300 bytes: about 15 MB.
 */
const MAX_QUEUED_RECORDS = 50_000;
/** the same bound in bytes: 50,000 datagrams of 64 KiB would be 3 GiB */
const MAX_QUEUED_BYTES = 64 * 1024 * 1024;
const KERNEL_POLL_MS = 2000;
/** how long stop() waits for the receiver thread to deliver what it read */
const CLOSE_WAIT_MS = 5000;

export interface UdpLimits {
  /** datagrams read but not yet handed to the pipeline at most (default 50,000) */
  maxQueuedRecords?: number;
  /** the same bound in bytes (default 64 MiB) */
  maxQueuedBytes?: number;
}

/**
 * Syslog over UDP (RFC 5426): one datagram is one message. A receiver thread (udp-receiver-worker.ts) reads the socket
 * and hands datagrams over in batches, so the kernel's receive buffer is emptied while this thread parses, detects or
 * answers a search; here they are batched into pipeline submissions. What waits is bounded: at the bound the receiver
 * stops reading. What the kernel dropped because its receive buffer was full is read from /proc and counted.
 */
export class SyslogUdpSource implements Source {
  readonly id = 'syslog_udp';
  private worker: Worker | undefined;
  private stopping = false;
  private listening = '';
  private receiveBufferBytes: number | undefined;
  private batch: SyslogRecord[] = [];
  /** the bytes of the datagrams in `batch` */
  private batchBytes = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly queue: { records: SyslogRecord[]; bytes: number }[] = [];
  private queued = 0;
  private inflight = 0;
  private idle: (() => void) | undefined;
  private closed: (() => void) | undefined;
  private held: (() => void) | undefined;
  private turnScheduled = false;
  private kernelTimer: NodeJS.Timeout | undefined;
  private kernelDrops = 0;
  /** Int32 slots shared with the receiver (udp-messages.ts: TAKEN, TAKEN_BYTES, CLOSING) */
  private readonly shared = new Int32Array(new SharedArrayBuffer(4 * SHARED_SLOTS));
  private truncated = 0;
  private received = 0;
  private lastAt = 0;
  private port = 0;
  private readonly maxQueued: number;
  private readonly maxQueuedBytes: number;
  private readonly tel: ComponentTelemetry;
  private readonly errLog: RateLimitedLog;

  constructor(
    private readonly config: SyslogConfig,
    private readonly ctx: SourceContext,
    limits: UdpLimits = {},
  ) {
    this.maxQueued = limits.maxQueuedRecords ?? MAX_QUEUED_RECORDS;
    this.maxQueuedBytes = limits.maxQueuedBytes ?? MAX_QUEUED_BYTES;
    this.tel = ctx.telemetry.component(this.id, 'source');
    this.errLog = new RateLimitedLog((m) => ctx.log(m), this.id);
  }

  async start(): Promise<void> {
    const host = this.config.host;
    const init: UdpReceiverInit = { host, port: this.config.port, receiveBufferBytes: this.config.udp_receive_buffer_bytes, maxPending: this.maxQueued, maxPendingBytes: this.maxQueuedBytes, shared: this.shared.buffer };
    const worker = startWorker(new URL(`./udp-receiver-worker${ext}`, import.meta.url), init);
    let onMessage: ((m: UdpFromReceiver) => void) | undefined;
    let onError: ((err: Error) => void) | undefined;
    let onExit: ((code: number) => void) | undefined;
    const listening = await new Promise<Extract<UdpFromReceiver, { type: 'listening' }>>((resolve, reject) => {
      onMessage = (m) => {
        if (m.type === 'listening') resolve(m);
        else if (m.type === 'bind-error') reject(Object.assign(new Error(`syslog udp: cannot listen on ${hostPort(host, this.config.port)}: ${m.message}`), { code: m.code }));
      };
      onError = reject;
      onExit = (code) => reject(new Error(`syslog udp: the receiver thread ended (${code}) before listening`));
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
    })
      .catch(async (err: unknown) => {
        await worker.terminate();
        throw err;
      })
      .finally(() => {
        if (onMessage) worker.off('message', onMessage);
        if (onError) worker.off('error', onError);
        if (onExit) worker.off('exit', onExit);
      });
    worker.on('message', (m: UdpFromReceiver) => this.onReceiver(m));
    worker.on('error', (err) => {
      this.tel.error(errorCode(err), 'receive');
      this.errLog.write(`receiver thread failed: ${errorText(err)}`);
    });
    worker.on('exit', () => {
      this.worker = undefined;
      if (!this.stopping) {
        this.listening = '';
        this.tel.error('receiver_exited', 'receive');
        this.errLog.write('the receiver thread ended: no more datagrams are read');
      }
      this.closed?.();
    });
    this.worker = worker;
    this.port = listening.port;
    this.receiveBufferBytes = listening.receiveBufferBytes;
    this.listening = hostPort(host, this.port);
    this.kernelDrops = readUdpDrops(this.port, isIPv6(host)) ?? 0;
    this.kernelTimer = setInterval(() => this.pollKernelDrops(), KERNEL_POLL_MS);
    this.kernelTimer.unref();
    this.ctx.log(`syslog listening on udp ${this.listening}`);
  }

  private send(m: UdpToReceiver): void {
    this.worker?.postMessage(m);
  }

  /** `n` datagrams of `bytes` left this source's hands (handed to the pipeline, or empty): room for as many again. */
  private taken(n: number, bytes: number): void {
    Atomics.add(this.shared, TAKEN_BYTES, bytes);
    Atomics.add(this.shared, TAKEN, n);
    Atomics.notify(this.shared, TAKEN);
  }

  private onReceiver(m: UdpFromReceiver): void {
    switch (m.type) {
      case 'batch':
        this.onBatch(m);
        break;
      case 'socket-error':
        this.tel.error(m.code, 'receive');
        this.errLog.write(`socket error: ${m.message}`);
        break;
      case 'held':
        this.held?.();
        break;
      case 'closed':
        this.closed?.();
        break;
      default:
        break;
    }
  }

  private onBatch(m: Extract<UdpFromReceiver, { type: 'batch' }>): void {
    const n = m.lengths.length;
    this.received += n;
    this.lastAt = m.at;
    let bytes = 0;
    let empty = 0;
    let emptyBytes = 0;
    let off = m.data.byteOffset;
    for (let i = 0; i < n; i++) {
      const len = m.lengths[i] ?? 0;
      const msg = Buffer.from(m.data.buffer, off, len);
      off += len;
      bytes += len;
      const frame = datagramFrame(msg, this.config.max_message_bytes);
      if (!frame) {
        empty++;
        emptyBytes += len;
        continue;
      }
      if (frame.truncated) {
        this.truncated++;
        this.tel.error('message_truncated', 'framing');
      }
      this.batch.push(toRecord(frame, m.at, peerAddress(m.addresses[m.peers[i] ?? 0]), m.ports[i] ?? 0, this.id));
      this.batchBytes += len;
      if (this.batch.length >= BATCH_RECORDS) this.flushBatch();
    }
    this.tel.received(n, bytes);
    // empty datagrams are never submitted: the receiver has room for them again
    if (empty > 0) this.taken(empty, emptyBytes);
    if (this.batch.length > 0) this.timer ??= setTimeout(() => this.flushBatch(), BATCH_MS);
  }

  private flushBatch(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const batch = { records: this.batch, bytes: this.batchBytes };
    this.batch = [];
    this.batchBytes = 0;
    if (batch.records.length > 0) {
      this.queue.push(batch);
      this.queued += batch.records.length;
    }
    this.schedule();
  }

  /** A later turn of the event loop submits queued batches, so that the receiver's next batches are taken in between. */
  private schedule(): void {
    // a submission that finishes schedules the next when all slots are taken
    if (this.turnScheduled || this.queue.length === 0 || this.inflight >= MAX_INFLIGHT) return;
    this.turnScheduled = true;
    setImmediate(() => {
      this.turnScheduled = false;
      this.pump();
    });
  }

  /** Submits one queued batch (the next turn submits the next). */
  private pump(): void {
    if (this.inflight < MAX_INFLIGHT && this.queue.length > 0) {
      const { records: batch, bytes } = this.queue.shift() as { records: SyslogRecord[]; bytes: number };
      this.queued -= batch.length;
      this.inflight++;
      this.taken(batch.length, bytes);
      let submitted: Promise<unknown>;
      try {
        submitted = this.ctx.pipeline.submitRecords(batch);
      } catch (err) {
        submitted = Promise.reject(err instanceof Error ? err : new Error(String(err)));
      }
      submitted
        .then(
          () => this.tel.sent(batch.length),
          (err: unknown) => {
            this.tel.error(errorCode(err), 'submit');
            this.errLog.write(`store refused ${batch.length} messages: ${errorText(err)}`);
          },
        )
        .finally(() => {
          this.inflight--;
          this.schedule();
          if (this.inflight === 0 && this.queue.length === 0) this.idle?.();
        });
    }
    this.schedule();
  }

  /**
   * (tests) Stops the receiver thread from reading until the returned function is called: the socket's receive
   * buffer then fills as it does when the receiver cannot keep up.
   */
  async holdReceiver(): Promise<() => void> {
    const flag = new Int32Array(new SharedArrayBuffer(4));
    flag[0] = 1;
    const held = new Promise<void>((resolve) => (this.held = resolve));
    this.send({ type: 'hold', flag });
    await held;
    return () => {
      Atomics.store(flag, 0, 0);
      Atomics.notify(flag, 0);
    };
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
    const worker = this.worker;
    if (!worker || this.stopping) return;
    this.stopping = true;
    if (this.kernelTimer) clearInterval(this.kernelTimer);
    this.pollKernelDrops();
    // the receiver closes the socket and delivers what it read (a receiver waiting for room stops waiting); one that
    // does not answer is ended
    const closed = new Promise<void>((resolve) => (this.closed = resolve));
    Atomics.store(this.shared, CLOSING, 1);
    Atomics.notify(this.shared, TAKEN);
    this.send({ type: 'close' });
    let wait: NodeJS.Timeout | undefined;
    await Promise.race([closed, new Promise<void>((resolve) => (wait = setTimeout(resolve, CLOSE_WAIT_MS)))]);
    clearTimeout(wait);
    await worker.terminate();
    this.worker = undefined;
    this.listening = '';
    this.flushBatch();
    if (this.inflight > 0 || this.queue.length > 0) await new Promise<void>((resolve) => (this.idle = resolve));
  }

  health(): Record<string, unknown> {
    const buffer = this.receiveBufferBytes;
    return {
      listening: this.listening,
      received: this.received,
      queued: this.queued + this.batch.length,
      kernel_drops: this.kernelDrops,
      truncated: this.truncated,
      ...(this.lastAt > 0 ? { last_message_at: new Date(this.lastAt).toISOString() } : {}),
      ...(buffer !== undefined ? { receive_buffer_bytes: buffer } : {}),
    };
  }
}
