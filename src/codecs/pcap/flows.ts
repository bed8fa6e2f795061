import { PROTO, TCP, type DecodedPacket } from './decode.js';

/*
 * Packets → bidirectional flows. A flow is keyed by protocol and both address/port pairs; the sender of its first
 * packet is the flow's source. It ends when both sides have sent FIN, on a RST (after a short linger so the packets
 * that close the connection still count), when idle longer than the idle timeout, when older than the active timeout,
 * when a new SYN reuses the key of a closed flow, when the table is full (the oldest flow is evicted, counted), and at
 * end of file. All times are capture times (microseconds), so a capture replays the same flows at any speed.
 */

export interface FlowOptions {
  /** a flow with no packet for this long ends (default 60 s) */
  idleTimeoutMs?: number;
  /** a flow longer than this is cut and a new one starts (default 30 min, as softflowd and most exporters) */
  activeTimeoutMs?: number;
  /** a closed (FIN both ways, or RST) flow waits this long for its last packets (default 2 s) */
  closeLingerMs?: number;
  /** live flows at most; beyond it the oldest is evicted and counted (default 100,000) */
  maxFlows?: number;
}

export type FlowEndReason = 'fin' | 'rst' | 'idle' | 'active' | 'evicted' | 'reused' | 'end_of_capture';

export interface Flow {
  proto: number;
  ipVersion: 4 | 6;
  src: string;
  dst: string;
  srcPort: number;
  dstPort: number;
  hasPorts: boolean;
  startUs: number;
  endUs: number;
  /** source → destination, destination → source */
  packetsFwd: number;
  packetsRev: number;
  bytesFwd: number;
  bytesRev: number;
  flagsFwd: number;
  flagsRev: number;
  /** ICMP type and code of the first ICMP packet, -1 when none */
  icmpType: number;
  icmpCode: number;
  /** capture time the flow closed (FIN both ways or RST), 0 while open */
  closedUs: number;
  reason: FlowEndReason;
}

export interface FlowStats {
  packets: number;
  flows: number;
  evicted: number;
  ended: Record<FlowEndReason, number>;
}

const SWEEP_EVERY_US = 1_000_000;

function key(proto: number, a: string, ap: number, b: string, bp: number): string {
  return `${proto}|${a}|${ap}|${b}|${bp}`;
}

export class FlowTable {
  private readonly flows = new Map<string, Flow>();
  private readonly idleUs: number;
  private readonly activeUs: number;
  private readonly lingerUs: number;
  private readonly maxFlows: number;
  private lastSweepUs = 0;
  private sinceSweep = 0;
  readonly stats: FlowStats = { packets: 0, flows: 0, evicted: 0, ended: { fin: 0, rst: 0, idle: 0, active: 0, evicted: 0, reused: 0, end_of_capture: 0 } };

  constructor(
    private readonly emit: (f: Flow) => void,
    opts: FlowOptions = {},
  ) {
    this.idleUs = (opts.idleTimeoutMs ?? 60_000) * 1000;
    this.activeUs = (opts.activeTimeoutMs ?? 1_800_000) * 1000;
    this.lingerUs = (opts.closeLingerMs ?? 2_000) * 1000;
    this.maxFlows = Math.max(1, opts.maxFlows ?? 100_000);
  }

  get size(): number {
    return this.flows.size;
  }

  /** Adds one decoded packet seen at `tsUs` carrying `ipLen` bytes of IP. */
  add(p: DecodedPacket, tsUs: number): void {
    this.stats.packets++;
    // a sweep costs one pass over the table: at most once per second of capture time, and only after a quarter of
    // the table's size in packets (time stamps jumping back and forth in a damaged file cannot make it quadratic)
    this.sinceSweep++;
    if ((tsUs - this.lastSweepUs >= SWEEP_EVERY_US || tsUs < this.lastSweepUs) && this.sinceSweep >= Math.max(64, this.flows.size >> 2)) this.sweep(tsUs);
    const sp = p.hasPorts ? p.srcPort : 0;
    const dp = p.hasPorts ? p.dstPort : 0;
    const fwdKey = key(p.proto, p.src, sp, p.dst, dp);
    let f = this.flows.get(fwdKey);
    let k = fwdKey;
    let forward = true;
    if (f === undefined) {
      const revKey = key(p.proto, p.dst, dp, p.src, sp);
      f = this.flows.get(revKey);
      if (f !== undefined) {
        k = revKey;
        forward = false;
      }
    }
    const isTcp = p.proto === PROTO.tcp;
    if (f !== undefined) {
      // a new connection on the key of a closed one, or a flow past its active timeout: the old flow ends here
      const newSyn = isTcp && (p.tcpFlags & (TCP.SYN | TCP.ACK)) === TCP.SYN;
      if (f.closedUs > 0 && newSyn) {
        this.end(k, f, 'reused');
        f = undefined;
      } else if (f.closedUs > 0 && tsUs - f.closedUs >= this.lingerUs) {
        this.end(k, f, f.reason);
        f = undefined;
      } else if (tsUs - f.endUs >= this.idleUs) {
        this.end(k, f, 'idle');
        f = undefined;
      } else if (tsUs - f.startUs > this.activeUs) {
        this.end(k, f, 'active');
        f = undefined;
      }
    }
    if (f === undefined) {
      if (this.flows.size >= this.maxFlows) this.evictOldest();
      forward = true;
      k = fwdKey;
      f = {
        proto: p.proto,
        ipVersion: p.ipVersion,
        src: p.src,
        dst: p.dst,
        srcPort: sp,
        dstPort: dp,
        hasPorts: p.hasPorts,
        startUs: tsUs,
        endUs: tsUs,
        packetsFwd: 0,
        packetsRev: 0,
        bytesFwd: 0,
        bytesRev: 0,
        flagsFwd: 0,
        flagsRev: 0,
        icmpType: -1,
        icmpCode: -1,
        closedUs: 0,
        reason: 'end_of_capture',
      };
      this.flows.set(k, f);
      this.stats.flows++;
    }
    if (tsUs > f.endUs) f.endUs = tsUs;
    if (forward) {
      f.packetsFwd++;
      f.bytesFwd += p.ipLen;
      f.flagsFwd |= p.tcpFlags;
    } else {
      f.packetsRev++;
      f.bytesRev += p.ipLen;
      f.flagsRev |= p.tcpFlags;
    }
    if (f.icmpType < 0 && p.icmpType >= 0) {
      f.icmpType = p.icmpType;
      f.icmpCode = p.icmpCode;
    }
    if (isTcp && f.closedUs === 0) {
      if (p.tcpFlags & TCP.RST) {
        f.closedUs = tsUs;
        f.reason = 'rst';
      } else if (f.flagsFwd & TCP.FIN && f.flagsRev & TCP.FIN) {
        f.closedUs = tsUs;
        f.reason = 'fin';
      }
    }
  }

  /** Ends the flows that are idle, past their active timeout, or closed and past the linger, as of `nowUs`. */
  sweep(nowUs: number): void {
    this.lastSweepUs = nowUs;
    this.sinceSweep = 0;
    for (const [k, f] of this.flows) {
      if (f.closedUs > 0 && nowUs - f.closedUs >= this.lingerUs) this.end(k, f, f.reason);
      else if (nowUs - f.endUs >= this.idleUs) this.end(k, f, 'idle');
      else if (nowUs - f.startUs > this.activeUs) this.end(k, f, 'active');
    }
  }

  /** End of capture: every live flow ends. */
  finish(): void {
    for (const [k, f] of this.flows) this.end(k, f, f.closedUs > 0 ? f.reason : 'end_of_capture');
  }

  private evictOldest(): void {
    const first = this.flows.entries().next();
    if (first.done === true) return;
    this.stats.evicted++;
    this.end(first.value[0], first.value[1], 'evicted');
  }

  private end(k: string, f: Flow, reason: FlowEndReason): void {
    this.flows.delete(k);
    f.reason = reason;
    this.stats.ended[reason]++;
    this.emit(f);
  }
}
