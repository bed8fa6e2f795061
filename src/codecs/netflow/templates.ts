import type { DecoderLimits } from './types.js';

/** Field length that marks a variable-length field (RFC 7011 §7). */
export const VARIABLE_LENGTH = 65535;

/**
 * A (data or options) template compiled for decoding: per field the information element to store (-1 = skip:
 * enterprise-specific elements and v9 scope fields, whose numbers are another registry) and its length.
 */
export interface Template {
  id: number;
  options: boolean;
  ids: Int32Array;
  lens: Int32Array;
  /** bytes of a record with every variable-length field empty (1 length byte each) */
  minLength: number;
  variable: boolean;
}

/** One template-scoped domain of an exporter: a v9 source id or an IPFIX observation domain. */
export interface Domain {
  templates: Map<number, Template>;
  /** sampling interval per sampler / selector id, from options data */
  samplers: Map<number, number>;
  /** the exporter-wide interval, from options data that named no sampler (or the last one seen) */
  sampling: number | undefined;
  /** IPFIX systemInitTimeMilliseconds from options data, for flowStart/EndSysUpTime */
  systemInitMs: number | undefined;
}

interface Exporter {
  domains: Map<number, Domain>;
  /** every template of the exporter, least recently added or refreshed first: `domainKey:templateId` */
  order: Map<string, [Domain, number]>;
}

/** Template and options state per exporter address and domain, with a cap per exporter and on exporters. */
export class TemplateStore {
  private readonly exporters = new Map<string, Exporter>();
  private total = 0;
  evictedTemplates = 0;
  evictedExporters = 0;

  constructor(private readonly limits: DecoderLimits) {}

  /** The domain, created (and the exporter marked recently heard) on first use. */
  domain(exporter: string, domainKey: number): Domain {
    let ex = this.exporters.get(exporter);
    if (ex) {
      // most recently heard last (Map insertion order); cheap enough once per datagram
      this.exporters.delete(exporter);
      this.exporters.set(exporter, ex);
    } else {
      while (this.exporters.size >= this.limits.maxExporters) this.evictOldestExporter();
      ex = { domains: new Map(), order: new Map() };
      this.exporters.set(exporter, ex);
    }
    let d = ex.domains.get(domainKey);
    if (!d) {
      d = { templates: new Map(), samplers: new Map(), sampling: undefined, systemInitMs: undefined };
      ex.domains.set(domainKey, d);
    }
    return d;
  }

  /** Adds or refreshes a template; evicts the exporter's oldest one when it is at its cap. */
  put(exporter: string, domainKey: number, t: Template): void {
    const ex = this.exporters.get(exporter);
    const d = ex?.domains.get(domainKey);
    if (!ex || !d) return;
    const key = `${domainKey}:${t.id}`;
    if (ex.order.delete(key)) this.total--;
    else {
      while (ex.order.size >= this.limits.maxTemplatesPerExporter) {
        const oldest = ex.order.entries().next().value;
        if (!oldest) break;
        ex.order.delete(oldest[0]);
        oldest[1][0].templates.delete(oldest[1][1]);
        this.total--;
        this.evictedTemplates++;
      }
    }
    d.templates.set(t.id, t);
    ex.order.set(key, [d, t.id]);
    this.total++;
  }

  /** Withdraws one template, or with `all` every data (or options) template of the domain. Returns how many. */
  withdraw(exporter: string, domainKey: number, templateId: number, all: 'data' | 'options' | undefined): number {
    const ex = this.exporters.get(exporter);
    const d = ex?.domains.get(domainKey);
    if (!ex || !d) return 0;
    const ids = all === undefined ? [templateId] : [...d.templates.values()].filter((t) => t.options === (all === 'options')).map((t) => t.id);
    let n = 0;
    for (const id of ids) {
      if (!d.templates.delete(id)) continue;
      ex.order.delete(`${domainKey}:${id}`);
      this.total--;
      n++;
    }
    return n;
  }

  private evictOldestExporter(): void {
    const oldest = this.exporters.entries().next().value;
    if (!oldest) return;
    this.exporters.delete(oldest[0]);
    this.total -= oldest[1].order.size;
    this.evictedExporters++;
  }

  /** templates held over all exporters */
  size(): number {
    return this.total;
  }

  exporterCount(): number {
    return this.exporters.size;
  }

  /** templates held for one exporter address */
  templatesOf(exporter: string): number {
    return this.exporters.get(exporter)?.order.size ?? 0;
  }
}

/**
 * Parses the field specifiers of one template record at `o` (RFC 3954 §5.2 / RFC 7011 §3.4.1). `ipfix` enables the
 * enterprise bit; `scopeCount` leading fields are scope fields (skipped for v9, whose scope types are not IEs).
 * Returns the compiled template and the offset after it, or undefined when it does not fit in `end` or is invalid.
 */
export function parseFields(
  b: Uint8Array,
  o: number,
  end: number,
  id: number,
  count: number,
  scopeCount: number,
  ipfix: boolean,
  options: boolean,
): { t: Template; next: number } | undefined {
  if (count <= 0 || count > 1024) return undefined;
  const ids = new Int32Array(count);
  const lens = new Int32Array(count);
  let minLength = 0;
  let variable = false;
  for (let i = 0; i < count; i++) {
    if (o + 4 > end) return undefined;
    let type = ((b[o] as number) << 8) | (b[o + 1] as number);
    const len = ((b[o + 2] as number) << 8) | (b[o + 3] as number);
    o += 4;
    if (ipfix && type & 0x8000) {
      if (o + 4 > end) return undefined;
      o += 4;
      type = -1;
    }
    if (!ipfix && i < scopeCount) type = -1;
    if (len === VARIABLE_LENGTH && ipfix) {
      variable = true;
      minLength += 1;
    } else minLength += len;
    ids[i] = type;
    lens[i] = len;
  }
  if (minLength === 0) return undefined;
  return { t: { id, options, ids, lens, minLength, variable }, next: o };
}
