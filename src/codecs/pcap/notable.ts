import { PROTO, TCP, type DecodedPacket } from './decode.js';
import type { Flow } from './flows.js';

/*
 * Notable packets, counted in fixed windows of capture time so that one scan or flood is a handful of events, not
 * one per packet:
 * - syn_unanswered: TCP flows whose source sent a SYN and got no packet back, per (source, destination) address pair
 *   and window; the event carries how many such flows, how many distinct destination ports and a sample of them.
 *   A 1,000-port scan of one host that nobody answers is one event per window, not 1,000.
 * - rst_storm: RST packets sent by one address in a window, at or over a threshold.
 * - syn_flood: SYN packets (without ACK) to one destination address and port in a window, at or over a threshold.
 * State is bounded: at most `maxKeys` open windows per kind; beyond it the oldest window is closed early (counted).
 */

export type NotableAction = 'syn_unanswered' | 'rst_storm' | 'syn_flood';

export interface NotableOptions {
  /** window length (default 10 s) */
  windowMs?: number;
  /** unanswered SYN flows from one source to one destination in a window (default 1: every unanswered SYN is reported, aggregated) */
  synUnansweredMin?: number;
  /** RSTs from one source in a window (default 100) */
  rstStormMin?: number;
  /** SYNs to one destination port in a window (default 100) */
  synFloodMin?: number;
  /** open windows per kind at most (default 10,000) */
  maxKeys?: number;
}

export interface NotableEvent {
  action: NotableAction;
  src?: string;
  dst?: string;
  dstPort?: number;
  startUs: number;
  endUs: number;
  /** packets (rst_storm, syn_flood) or flows (syn_unanswered) */
  count: number;
  /** distinct destination ports (syn_unanswered), distinct source addresses (syn_flood), distinct destinations (rst_storm) */
  distinct: number;
  /** up to 20 of those ports or addresses */
  sample: (number | string)[];
}

interface Window {
  startUs: number;
  endUs: number;
  count: number;
  src?: string;
  dst?: string;
  dstPort?: number;
  distinct: Set<number | string>;
}

const MAX_DISTINCT = 65_536;
const SAMPLE = 20;

class Windows {
  private readonly open = new Map<string, Window>();
  closedEarly = 0;
  constructor(
    private readonly action: NotableAction,
    private readonly windowUs: number,
    private readonly min: number,
    private readonly maxKeys: number,
    private readonly emit: (e: NotableEvent) => void,
  ) {}

  get size(): number {
    return this.open.size;
  }

  add(k: string, tsUs: number, fill: (w: Window) => void, distinct: number | string): void {
    let w = this.open.get(k);
    if (w !== undefined && tsUs - w.startUs >= this.windowUs) {
      this.close(k, w);
      w = undefined;
    }
    if (w === undefined) {
      if (this.open.size >= this.maxKeys) {
        const first = this.open.entries().next();
        if (first.done !== true) {
          this.closedEarly++;
          this.close(first.value[0], first.value[1]);
        }
      }
      w = { startUs: tsUs, endUs: tsUs, count: 0, distinct: new Set() };
      fill(w);
      this.open.set(k, w);
    }
    w.count++;
    if (tsUs > w.endUs) w.endUs = tsUs;
    if (tsUs < w.startUs) w.startUs = tsUs;
    if (w.distinct.size < MAX_DISTINCT) w.distinct.add(distinct);
  }

  sweep(nowUs: number): void {
    for (const [k, w] of this.open) if (nowUs - w.startUs >= this.windowUs) this.close(k, w);
  }

  finish(): void {
    for (const [k, w] of this.open) this.close(k, w);
  }

  private close(k: string, w: Window): void {
    this.open.delete(k);
    if (w.count < this.min) return;
    const sample: (number | string)[] = [];
    for (const v of w.distinct) {
      if (sample.length >= SAMPLE) break;
      sample.push(v);
    }
    const e: NotableEvent = { action: this.action, startUs: w.startUs, endUs: w.endUs, count: w.count, distinct: w.distinct.size, sample };
    if (w.src !== undefined) e.src = w.src;
    if (w.dst !== undefined) e.dst = w.dst;
    if (w.dstPort !== undefined) e.dstPort = w.dstPort;
    this.emit(e);
  }
}

export class NotableDetector {
  private readonly synUnanswered: Windows;
  private readonly rst: Windows;
  private readonly syn: Windows;
  private lastSweepUs = 0;
  private sinceSweep = 0;
  private readonly windowUs: number;

  constructor(emit: (e: NotableEvent) => void, opts: NotableOptions = {}) {
    this.windowUs = (opts.windowMs ?? 10_000) * 1000;
    const max = opts.maxKeys ?? 10_000;
    this.synUnanswered = new Windows('syn_unanswered', this.windowUs, opts.synUnansweredMin ?? 1, max, emit);
    this.rst = new Windows('rst_storm', this.windowUs, opts.rstStormMin ?? 100, max, emit);
    this.syn = new Windows('syn_flood', this.windowUs, opts.synFloodMin ?? 100, max, emit);
  }

  get closedEarly(): number {
    return this.synUnanswered.closedEarly + this.rst.closedEarly + this.syn.closedEarly;
  }

  /** Every decoded packet, in capture order. */
  packet(p: DecodedPacket, tsUs: number): void {
    // amortized like the flow table's sweep: time stamps jumping back and forth cannot make it quadratic
    this.sinceSweep++;
    if ((tsUs - this.lastSweepUs >= this.windowUs || tsUs < this.lastSweepUs) && this.sinceSweep >= Math.max(64, this.rst.size + this.syn.size)) this.sweep(tsUs);
    if (p.proto !== PROTO.tcp || !p.hasPorts) return;
    if (p.tcpFlags & TCP.RST) {
      this.rst.add(p.src, tsUs, (w) => (w.src = p.src), p.dst);
    } else if ((p.tcpFlags & (TCP.SYN | TCP.ACK)) === TCP.SYN) {
      this.syn.add(`${p.dst}|${p.dstPort}`, tsUs, (w) => {
        w.dst = p.dst;
        w.dstPort = p.dstPort;
      }, p.src);
    }
  }

  /** Every finished flow: a TCP flow whose source sent SYN and never heard back is an unanswered SYN. */
  flow(f: Flow): void {
    if (f.proto !== PROTO.tcp || f.packetsRev > 0 || !(f.flagsFwd & TCP.SYN)) return;
    this.synUnanswered.add(`${f.src}|${f.dst}`, f.startUs, (w) => {
      w.src = f.src;
      w.dst = f.dst;
    }, f.dstPort);
  }

  sweep(nowUs: number): void {
    this.lastSweepUs = nowUs;
    this.sinceSweep = 0;
    this.rst.sweep(nowUs);
    this.syn.sweep(nowUs);
    // unanswered-SYN windows are fed by flows, which end up to an idle timeout after their packets: they close at the
    // end of the capture or when a later flow of the same pair starts a new window
  }

  finish(): void {
    this.synUnanswered.finish();
    this.rst.finish();
    this.syn.finish();
  }
}
