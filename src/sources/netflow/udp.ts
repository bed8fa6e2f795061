import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { Counter, Gauge, type Registry } from 'prom-client';
import { InternalNetworks } from '../../codecs/flow/direction.js';
import { flowToEcs, NetflowDecoder, type DropReason, type FlowRecord } from '../../codecs/netflow/index.js';
import type { Source } from '../../core/component.js';
import type { ComponentTelemetry } from '../../core/telemetry.js';
import type { EcsEvent } from '../../schema/event.js';
import type { SourceContext } from '../context.js';
import { errorCode, errorText, hostPort, peerAddress, RateLimitedLog } from '../syslog/common.js';
import { readUdpDrops } from '../syslog/kernel-drops.js';
import type { NetflowConfig } from './config.js';

/** flow events per pipeline submission at most */
const BATCH_EVENTS = 2000;
/** a batch that is not full is submitted after this long */
const BATCH_MS = 10;
/** submissions waiting for the store at once */
const MAX_INFLIGHT = 4;
/** events waiting for a submission slot at most; beyond it they are dropped (counted, reason queue_full) */
const MAX_QUEUED_EVENTS = 50_000;
const TICK_MS = 1000;
const KERNEL_POLL_MS = 2000;

export interface NetflowLimits {
  maxQueuedEvents?: number;
}

/** Prometheus series of the collector besides the shared component counters (one set per registry). */
interface Series {
  datagrams: Counter<'component'>;
  templates: Gauge<'component'>;
  exporters: Gauge<'component'>;
  pending: Gauge<'component'>;
  lastEvent: Gauge<'component'>;
}

function series(registry: Registry): Series {
  const get = <T>(name: string, make: () => T): T => (registry.getSingleMetric(name) as T | undefined) ?? make();
  const registers = [registry];
  const labelNames = ['component'] as const;
  return {
    datagrams: get('vigil_netflow_datagrams_total', () => new Counter({ name: 'vigil_netflow_datagrams_total', help: 'NetFlow/IPFIX datagrams received', labelNames, registers })),
    templates: get('vigil_netflow_templates', () => new Gauge({ name: 'vigil_netflow_templates', help: 'NetFlow v9/IPFIX templates held', labelNames, registers })),
    exporters: get('vigil_netflow_exporters', () => new Gauge({ name: 'vigil_netflow_exporters', help: 'Exporters whose templates are held', labelNames, registers })),
    pending: get('vigil_netflow_pending_sets', () => new Gauge({ name: 'vigil_netflow_pending_sets', help: 'Data sets waiting for their template', labelNames, registers })),
    lastEvent: get('vigil_netflow_last_event_timestamp_seconds', () => new Gauge({ name: 'vigil_netflow_last_event_timestamp_seconds', help: 'When the last flow record arrived', labelNames, registers })),
  };
}

/**
 * The NetFlow v5 / v9 / IPFIX collector on UDP (IPv4 or IPv6). Each datagram is decoded with template state per
 * exporter and domain; every flow record becomes an ECS event (event.dataset `netflow`) submitted to the pipeline in
 * batches. While the pipeline is saturated, events wait in a bounded queue; what does not fit is dropped and counted,
 * as are decoder drops (by reason) and what the kernel dropped before Vigil read it.
 */
export class NetflowUdpSource implements Source {
  readonly id = 'netflow';
  private socket: Socket | undefined;
  private listening = '';
  private failure = '';
  private port = 0;
  private readonly decoder: NetflowDecoder;
  private readonly nets: InternalNetworks;
  private readonly records: FlowRecord[] = [];
  private batch: EcsEvent[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly queue: EcsEvent[][] = [];
  private queued = 0;
  private inflight = 0;
  private idle: (() => void) | undefined;
  private tick: NodeJS.Timeout | undefined;
  private kernelPoll: NodeJS.Timeout | undefined;
  private kernelDrops = 0;
  private queueDrops = 0;
  private datagrams = 0;
  private unreported = 0;
  private flows = 0;
  private bytes = 0;
  private lastAt = 0;
  private readonly tel: ComponentTelemetry;
  private readonly series: Series;
  private readonly errLog: RateLimitedLog;
  private readonly maxQueued: number;

  constructor(
    private readonly config: NetflowConfig,
    internalNetworks: readonly string[],
    private readonly ctx: SourceContext,
    limits: NetflowLimits = {},
  ) {
    this.maxQueued = limits.maxQueuedEvents ?? MAX_QUEUED_EVENTS;
    this.nets = new InternalNetworks(internalNetworks);
    this.tel = ctx.telemetry.component(this.id, 'source');
    this.series = series(ctx.telemetry.registry);
    this.errLog = new RateLimitedLog((m) => ctx.log(m), this.id);
    this.decoder = new NetflowDecoder(
      {
        maxTemplatesPerExporter: config.max_templates_per_exporter,
        maxExporters: config.max_exporters,
        pendingTimeoutMs: config.pending_timeout_seconds * 1000,
        maxPendingSets: config.max_pending_sets,
      },
      (reason, n) => this.onDrop(reason, n),
    );
  }

  /** the listening port (after start; useful with port 0) */
  boundPort(): number {
    return this.port;
  }

  async start(): Promise<void> {
    const host = this.config.host;
    const socket = createSocket({
      type: isIPv6(host) ? 'udp6' : 'udp4',
      ...(this.config.udp_receive_buffer_bytes > 0 ? { recvBufferSize: this.config.udp_receive_buffer_bytes } : {}),
    });
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('error', reject);
        socket.bind(this.config.port, host, () => {
          socket.off('error', reject);
          resolve();
        });
      });
    } catch (err) {
      // A port another program holds must not stop the rest of Vigil: the failure is logged, counted and in health.
      socket.close();
      this.failure = `cannot listen on udp ${hostPort(host, this.config.port)}: ${errorText(err)}`;
      this.tel.error(errorCode(err), 'listen');
      this.ctx.log(`netflow: ${this.failure}`);
      return;
    }
    socket.on('error', (err) => {
      this.tel.error(errorCode(err), 'receive');
      this.errLog.write(`socket error: ${errorText(err)}`);
    });
    socket.on('message', (msg, rinfo) => this.onMessage(msg, rinfo));
    this.socket = socket;
    this.port = socket.address().port;
    this.listening = hostPort(host, this.port);
    this.kernelDrops = readUdpDrops(this.port, isIPv6(host)) ?? 0;
    this.tick = setInterval(() => this.onTick(), TICK_MS);
    this.tick.unref();
    this.kernelPoll = setInterval(() => this.pollKernelDrops(), KERNEL_POLL_MS);
    this.kernelPoll.unref();
    this.ctx.log(`netflow/ipfix collector listening on udp ${this.listening}`);
  }

  private onMessage(msg: Buffer, rinfo: RemoteInfo): void {
    const now = Date.now();
    this.datagrams++;
    this.unreported++;
    this.bytes += msg.length;
    const records = this.records;
    records.length = 0;
    this.decoder.decode(msg, peerAddress(rinfo.address), now, records);
    this.tel.received(records.length, msg.length);
    if (records.length === 0) return;
    this.flows += records.length;
    this.lastAt = now;
    for (const r of records) this.batch.push(flowToEcs(r, this.nets));
    records.length = 0;
    if (this.batch.length >= BATCH_EVENTS) this.flushBatch();
    else this.timer ??= setTimeout(() => this.flushBatch(), BATCH_MS);
  }

  private onDrop(reason: DropReason, n: number): void {
    this.tel.dropped(n, reason, false);
    this.errLog.write(`${n} ${reason === 'short_datagram' || reason === 'unsupported_version' || reason === 'malformed_header' ? 'datagram(s)' : 'set(s)'} dropped: ${reason}`);
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
      this.errLog.write(`pipeline saturated: ${lost} flow events dropped (queue of ${this.maxQueued} full)`);
      batch = room > 0 ? batch.slice(0, room) : [];
    }
    if (batch.length > 0) {
      this.queue.push(batch);
      this.queued += batch.length;
    }
    this.pump();
  }

  private pump(): void {
    while (this.inflight < MAX_INFLIGHT && this.queue.length > 0) {
      const batch = this.queue.shift() as EcsEvent[];
      this.queued -= batch.length;
      this.inflight++;
      let submitted: Promise<unknown>;
      try {
        submitted = this.ctx.pipeline.submitEvents(batch, 'netflow');
      } catch (err) {
        submitted = Promise.reject(err instanceof Error ? err : new Error(String(err)));
      }
      submitted
        .then(
          () => this.tel.sent(batch.length),
          (err: unknown) => {
            this.tel.error(errorCode(err), 'submit');
            this.errLog.write(`store refused ${batch.length} flow events: ${errorText(err)}`);
          },
        )
        .finally(() => {
          this.inflight--;
          this.pump();
          if (this.inflight === 0 && this.queue.length === 0) this.idle?.();
        });
    }
  }

  private onTick(): void {
    this.decoder.expire(Date.now());
    this.report();
  }

  /** Moves the collector's own series forward (cheap: a few gauge sets, once a second and at stop). */
  private report(): void {
    const l = { component: this.id };
    if (this.unreported > 0) this.series.datagrams.inc(l, this.unreported);
    this.unreported = 0;
    this.series.templates.set(l, this.decoder.templates.size());
    this.series.exporters.set(l, this.decoder.templates.exporterCount());
    this.series.pending.set(l, this.decoder.pendingSets());
    if (this.lastAt > 0) this.series.lastEvent.set(l, this.lastAt / 1000);
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
    if (this.tick) clearInterval(this.tick);
    if (this.kernelPoll) clearInterval(this.kernelPoll);
    this.pollKernelDrops();
    await new Promise<void>((resolve) => socket.close(() => resolve()));
    this.flushBatch();
    this.report();
    if (this.inflight > 0 || this.queue.length > 0) await new Promise<void>((resolve) => (this.idle = resolve));
  }

  health(): Record<string, unknown> {
    let buffer: number | undefined;
    try {
      buffer = this.socket?.getRecvBufferSize();
    } catch {
      buffer = undefined;
    }
    const s = this.decoder.stats;
    const drops: Record<string, number> = {};
    for (const [reason, n] of Object.entries(s.drops)) if (n > 0) drops[reason] = n;
    return {
      listening: this.listening,
      ...(this.failure ? { error: this.failure } : {}),
      datagrams: this.datagrams,
      records: this.flows,
      bytes: this.bytes,
      drops,
      templates: this.decoder.templates.size(),
      templates_evicted: s.templatesEvicted,
      exporters: this.decoder.templates.exporterCount(),
      exporters_evicted: s.exportersEvicted,
      pending_sets: this.decoder.pendingSets(),
      queued: this.queued + this.batch.length,
      dropped_queue_full: this.queueDrops,
      kernel_drops: this.kernelDrops,
      ...(this.lastAt > 0 ? { last_event_at: new Date(this.lastAt).toISOString() } : {}),
      ...(buffer !== undefined ? { receive_buffer_bytes: buffer } : {}),
    };
  }
}
