import { applyField, newScratch, readOptionField, readUint, resetScratch, samplingFromParts, type OptionValues, type SamplingParts, type Scratch } from './fields.js';
import { parseFields, TemplateStore, VARIABLE_LENGTH, type Domain, type Template } from './templates.js';
import { DEFAULT_LIMITS, newRecord, type DecoderLimits, type DecoderStats, type DropReason, type FlowRecord } from './types.js';
import { decodeV5, V5_HEADER } from './v5.js';

/** What a data set needs from the message header that carried it. */
interface Header {
  version: 9 | 10;
  exporter: string;
  domainId: number;
  domainKey: number;
  /** export time, ms since the epoch */
  exportMs: number;
  /** v9 sysUptime (ms); undefined for IPFIX */
  uptime: number | undefined;
}

interface Pending {
  header: Header;
  templateId: number;
  body: Uint8Array;
  at: number;
}

const V9_HEADER = 20;
const IPFIX_HEADER = 16;
const EXPIRE_EVERY_MS = 1000;

/**
 * NetFlow v5, v9 (RFC 3954) and IPFIX (RFC 7011) decoding with template state per exporter address and source id /
 * observation domain. Pure: no I/O, the caller passes the peer address and the time. Never throws: what cannot be
 * read is counted in `stats.drops` with a reason and skipped.
 */
export class NetflowDecoder {
  readonly limits: DecoderLimits;
  readonly templates: TemplateStore;
  readonly stats: DecoderStats = {
    datagrams: 0,
    records: 0,
    templatesAdded: 0,
    templatesWithdrawn: 0,
    templatesEvicted: 0,
    exportersEvicted: 0,
    drops: {
      short_datagram: 0,
      unsupported_version: 0,
      malformed_header: 0,
      malformed_set: 0,
      malformed_template: 0,
      malformed_record: 0,
      no_template: 0,
      template_evicted: 0,
      decoder_error: 0,
    },
  };
  private pending: Pending[] = [];
  private pendingBytes = 0;
  private lastExpire = 0;
  private readonly scratch: Scratch = newScratch();
  private readonly onDrop: ((reason: DropReason, n: number) => void) | undefined;

  constructor(limits: Partial<DecoderLimits> = {}, onDrop?: (reason: DropReason, n: number) => void) {
    this.limits = { ...DEFAULT_LIMITS, ...limits };
    this.templates = new TemplateStore(this.limits);
    this.onDrop = onDrop;
  }

  /** Decodes one datagram from `exporter`; appends its flow records (and any that were waiting for a template) to `out`. */
  decode(datagram: Uint8Array, exporter: string, now: number, out: FlowRecord[]): number {
    const before = out.length;
    this.stats.datagrams++;
    if (now - this.lastExpire >= EXPIRE_EVERY_MS) this.expire(now);
    try {
      this.decodeMessage(datagram, exporter, now, out);
    } catch {
      // every read is bounds-checked; this is the last line of defence, not a path taken by malformed input
      this.drop('decoder_error', 1);
    }
    this.stats.templatesEvicted = this.templates.evictedTemplates;
    this.stats.exportersEvicted = this.templates.evictedExporters;
    const n = out.length - before;
    this.stats.records += n;
    return n;
  }

  /** Drops data sets that waited longer than the pending timeout for their template (reason `no_template`). */
  expire(now: number): void {
    this.lastExpire = now;
    if (this.pending.length === 0) return;
    const keep: Pending[] = [];
    for (const p of this.pending) {
      if (now - p.at > this.limits.pendingTimeoutMs) {
        this.pendingBytes -= p.body.length;
        this.drop('no_template', 1);
      } else keep.push(p);
    }
    this.pending = keep;
  }

  /** data sets waiting for their template */
  pendingSets(): number {
    return this.pending.length;
  }

  private drop(reason: DropReason, n: number): void {
    this.stats.drops[reason] += n;
    this.onDrop?.(reason, n);
  }

  private decodeMessage(b: Uint8Array, exporter: string, now: number, out: FlowRecord[]): void {
    if (b.length < 4) return this.drop('short_datagram', 1);
    const version = ((b[0] as number) << 8) | (b[1] as number);
    if (version === 5) {
      if (b.length < V5_HEADER) return this.drop('short_datagram', 1);
      const r = decodeV5(b, exporter, out);
      for (let i = out.length - r.records; i < out.length; i++) finishIcmp(out[i] as FlowRecord);
      if (r.short) this.drop('malformed_record', 1);
      return;
    }
    if (version !== 9 && version !== 10) return this.drop('unsupported_version', 1);
    const headerLen = version === 9 ? V9_HEADER : IPFIX_HEADER;
    if (b.length < headerLen) return this.drop('short_datagram', 1);
    let end = b.length;
    if (version === 10) {
      const len = readUint(b, 2, 2);
      if (len < IPFIX_HEADER) return this.drop('malformed_header', 1);
      if (len > b.length) this.drop('malformed_header', 1);
      else end = len;
    }
    const domainId = readUint(b, version === 9 ? 16 : 12, 4);
    const header: Header = {
      version,
      exporter,
      domainId,
      domainKey: version * 4294967296 + domainId,
      exportMs: readUint(b, version === 9 ? 8 : 4, 4) * 1000,
      uptime: version === 9 ? readUint(b, 4, 4) : undefined,
    };
    const domain = this.templates.domain(exporter, header.domainKey);
    // Pass 1: templates (a message may carry its templates after the data that uses them). Pass 2: data sets.
    const dataSets: number[] = [];
    let o = headerLen;
    while (o + 4 <= end) {
      const setId = readUint(b, o, 2);
      const setLen = readUint(b, o + 2, 2);
      if (setLen < 4 || o + setLen > end) {
        this.drop('malformed_set', 1);
        break;
      }
      if (setId >= 256) dataSets.push(o);
      else if (version === 9 && setId === 0) this.readTemplates(b, o + 4, o + setLen, header, false, out);
      else if (version === 9 && setId === 1) this.readV9OptionsTemplates(b, o + 4, o + setLen, header, out);
      else if (version === 10 && (setId === 2 || setId === 3)) this.readTemplates(b, o + 4, o + setLen, header, setId === 3, out);
      else this.drop('malformed_set', 1);
      o += setLen;
    }
    for (const s of dataSets) {
      const setId = readUint(b, s, 2);
      const setLen = readUint(b, s + 2, 2);
      const t = domain.templates.get(setId);
      if (t) this.readData(b, s + 4, s + setLen, t, header, domain, out);
      else this.hold(header, setId, b.subarray(s + 4, s + setLen), now);
    }
  }

  /** Template sets (v9 set 0, IPFIX sets 2 and 3). IPFIX withdrawals have a field count of 0. */
  private readTemplates(b: Uint8Array, o: number, end: number, h: Header, ipfixOptions: boolean, out: FlowRecord[]): void {
    const ipfix = h.version === 10;
    const fixed = ipfixOptions ? 6 : 4;
    while (o + fixed <= end) {
      const id = readUint(b, o, 2);
      const count = readUint(b, o + 2, 2);
      if (ipfix && count === 0) {
        const setId = ipfixOptions ? 3 : 2;
        const n = this.templates.withdraw(h.exporter, h.domainKey, id, id === setId ? (ipfixOptions ? 'options' : 'data') : undefined);
        this.stats.templatesWithdrawn += n;
        o += 4;
        continue;
      }
      if (id < 256) {
        // padding at the end of a set is zeros; anything else is a bad template
        if (id !== 0 || count !== 0) this.drop('malformed_template', 1);
        return;
      }
      const scope = ipfixOptions ? readUint(b, o + 4, 2) : 0;
      if (ipfixOptions && (scope === 0 || scope > count)) return this.drop('malformed_template', 1);
      const parsed = parseFields(b, o + fixed, end, id, count, scope, ipfix, ipfixOptions);
      if (!parsed) return this.drop('malformed_template', 1);
      this.addTemplate(h, parsed.t, out);
      o = parsed.next;
    }
  }

  /** v9 options template set (set 1): scope and option lengths in bytes, then their field specifiers. */
  private readV9OptionsTemplates(b: Uint8Array, o: number, end: number, h: Header, out: FlowRecord[]): void {
    while (o + 6 <= end) {
      const id = readUint(b, o, 2);
      const scopeLen = readUint(b, o + 2, 2);
      const optLen = readUint(b, o + 4, 2);
      if (id < 256) {
        if (id !== 0 || scopeLen !== 0) this.drop('malformed_template', 1);
        return;
      }
      if (scopeLen % 4 !== 0 || optLen % 4 !== 0 || scopeLen + optLen === 0) return this.drop('malformed_template', 1);
      const parsed = parseFields(b, o + 6, end, id, (scopeLen + optLen) / 4, scopeLen / 4, false, true);
      if (!parsed) return this.drop('malformed_template', 1);
      this.addTemplate(h, parsed.t, out);
      o = parsed.next;
    }
  }

  private addTemplate(h: Header, t: Template, out: FlowRecord[]): void {
    this.templates.put(h.exporter, h.domainKey, t);
    this.stats.templatesAdded++;
    if (this.pending.length === 0) return;
    // data sets that were waiting for this template: decode them now, in arrival order
    const keep: Pending[] = [];
    const ready: Pending[] = [];
    for (const p of this.pending) {
      if (p.templateId === t.id && p.header.exporter === h.exporter && p.header.domainKey === h.domainKey) ready.push(p);
      else keep.push(p);
    }
    if (ready.length === 0) return;
    this.pending = keep;
    const domain = this.templates.domain(h.exporter, h.domainKey);
    for (const p of ready) {
      this.pendingBytes -= p.body.length;
      this.readData(p.body, 0, p.body.length, t, p.header, domain, out);
    }
  }

  private hold(h: Header, templateId: number, body: Uint8Array, now: number): void {
    if (body.length > this.limits.maxPendingBytes) return this.drop('no_template', 1);
    while (this.pending.length > 0 && (this.pending.length >= this.limits.maxPendingSets || this.pendingBytes + body.length > this.limits.maxPendingBytes)) {
      const old = this.pending.shift() as Pending;
      this.pendingBytes -= old.body.length;
      this.drop('no_template', 1);
    }
    if (this.limits.maxPendingSets === 0) return this.drop('no_template', 1);
    this.pending.push({ header: h, templateId, body: body.slice(), at: now });
    this.pendingBytes += body.length;
  }

  private readData(b: Uint8Array, o: number, end: number, t: Template, h: Header, d: Domain, out: FlowRecord[]): void {
    const s = this.scratch;
    const n = t.ids.length;
    while (end - o >= t.minLength) {
      if (t.options) {
        const next = this.readOptionsRecord(b, o, end, t, d);
        if (next < 0) return this.drop('malformed_record', 1);
        o = next;
        continue;
      }
      const r = newRecord(h.version, h.exporter, h.domainId, t.id, h.exportMs);
      resetScratch(s);
      for (let i = 0; i < n; i++) {
        let len = t.lens[i] as number;
        if (len === VARIABLE_LENGTH && h.version === 10) {
          if (o >= end) return this.drop('malformed_record', 1);
          len = b[o++] as number;
          if (len === 255) {
            if (o + 2 > end) return this.drop('malformed_record', 1);
            len = readUint(b, o, 2);
            o += 2;
          }
        }
        if (o + len > end) return this.drop('malformed_record', 1);
        const id = t.ids[i] as number;
        if (id >= 0) applyField(r, s, id, b, o, len);
        o += len;
      }
      finishRecord(r, s, h, d);
      out.push(r);
    }
  }

  /** An options data record: sampling interval (per sampler id or exporter-wide) and system init time. */
  private readOptionsRecord(b: Uint8Array, o: number, end: number, t: Template, d: Domain): number {
    const v: OptionValues = { samplerId: undefined, interval: undefined, systemInitMs: undefined };
    const parts: SamplingParts = { packetInterval: undefined, space: undefined, size: undefined, population: undefined };
    for (let i = 0; i < t.ids.length; i++) {
      let len = t.lens[i] as number;
      if (len === VARIABLE_LENGTH) {
        if (o >= end) return -1;
        len = b[o++] as number;
        if (len === 255) {
          if (o + 2 > end) return -1;
          len = readUint(b, o, 2);
          o += 2;
        }
      }
      if (o + len > end) return -1;
      const id = t.ids[i] as number;
      if (id >= 0) readOptionField(v, parts, id, b, o, len);
      o += len;
    }
    const interval = v.interval ?? samplingFromParts(parts);
    if (interval !== undefined && interval >= 1 && Number.isFinite(interval)) {
      if (v.samplerId !== undefined) {
        if (d.samplers.size < 1024 || d.samplers.has(v.samplerId)) d.samplers.set(v.samplerId, interval);
      }
      d.sampling = interval;
    }
    if (v.systemInitMs !== undefined) d.systemInitMs = v.systemInitMs;
    return o;
  }
}

/**
 * Finishes a data record: byte/packet counts from total or post counters when no delta counter was sent, times made
 * absolute, the sampling interval that applies, ICMP type/code.
 */
function finishRecord(r: FlowRecord, s: Scratch, h: Header, d: Domain): void {
  if (!s.hasOctets) r.bytes = s.octetsTotal ?? s.postOctets ?? 0;
  if (!s.hasPackets) r.packets = s.packetsTotal ?? s.postPackets ?? 0;
  if (s.startUptime !== undefined || s.endUptime !== undefined) {
    if (h.version === 9 && h.uptime !== undefined) {
      // v9: relative to the header's sysUptime at export time (signed 32-bit difference: survives a wrap)
      if (s.startUptime !== undefined) r.startMs ??= h.exportMs - ((h.uptime - s.startUptime) | 0);
      if (s.endUptime !== undefined) r.endMs ??= h.exportMs - ((h.uptime - s.endUptime) | 0);
    } else {
      const init = s.systemInitMs ?? d.systemInitMs;
      if (init !== undefined) {
        if (s.startUptime !== undefined) r.startMs ??= init + s.startUptime;
        if (s.endUptime !== undefined) r.endMs ??= init + s.endUptime;
      }
    }
  }
  if (s.startDeltaUs !== undefined) r.startMs ??= h.exportMs - Math.round(s.startDeltaUs / 1000);
  if (s.endDeltaUs !== undefined) r.endMs ??= h.exportMs - Math.round(s.endDeltaUs / 1000);
  const interval = s.samplingInterval ?? (s.samplerId !== undefined ? d.samplers.get(s.samplerId) : undefined) ?? d.sampling;
  if (interval !== undefined && interval > 1) r.samplingInterval = interval;
  finishIcmp(r);
}

/** ICMP flows without type/code elements carry them in the destination port (type × 256 + code), as v5 does. */
function finishIcmp(r: FlowRecord): void {
  if ((r.protocol === 1 || r.protocol === 58) && r.icmpType === undefined && r.dstPort !== undefined) {
    r.icmpType = r.dstPort >> 8;
    r.icmpCode = r.dstPort & 0xff;
  }
}
