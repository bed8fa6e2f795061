/**
 * One flow record as the NetFlow v5, v9 and IPFIX decoders hand it on: the fields Vigil uses, already in wall-clock
 * time. Every field is present (undefined when the exporter did not send it) so that all records share one shape.
 */
export interface FlowRecord {
  version: 5 | 9 | 10;
  /** the exporter's address (the UDP peer) */
  exporter: string;
  /** v9 source id, IPFIX observation domain id, v5 engine type × 256 + engine id */
  domainId: number;
  /** the template the record was decoded with (0 for v5) */
  templateId: number;
  /** export time of the message that carried the record (ms since the epoch) */
  exportMs: number;
  ipVersion: 4 | 6 | undefined;
  srcAddr: string | undefined;
  dstAddr: string | undefined;
  nextHop: string | undefined;
  srcPort: number | undefined;
  dstPort: number | undefined;
  protocol: number | undefined;
  /** as exported (not multiplied by the sampling interval) */
  bytes: number;
  packets: number;
  tcpFlags: number | undefined;
  tos: number | undefined;
  icmpType: number | undefined;
  icmpCode: number | undefined;
  inIf: number | undefined;
  outIf: number | undefined;
  srcMask: number | undefined;
  dstMask: number | undefined;
  /** flow start and end, ms since the epoch */
  startMs: number | undefined;
  endMs: number | undefined;
  /** 1 when the exporter reported no sampling */
  samplingInterval: number;
}

export function newRecord(version: 5 | 9 | 10, exporter: string, domainId: number, templateId: number, exportMs: number): FlowRecord {
  return {
    version,
    exporter,
    domainId,
    templateId,
    exportMs,
    ipVersion: undefined,
    srcAddr: undefined,
    dstAddr: undefined,
    nextHop: undefined,
    srcPort: undefined,
    dstPort: undefined,
    protocol: undefined,
    bytes: 0,
    packets: 0,
    tcpFlags: undefined,
    tos: undefined,
    icmpType: undefined,
    icmpCode: undefined,
    inIf: undefined,
    outIf: undefined,
    srcMask: undefined,
    dstMask: undefined,
    startMs: undefined,
    endMs: undefined,
    samplingInterval: 1,
  };
}

/** Reasons a datagram, a set or a record is dropped (counted, never thrown). */
export type DropReason =
  | 'short_datagram'
  | 'unsupported_version'
  | 'malformed_header'
  | 'malformed_set'
  | 'malformed_template'
  | 'malformed_record'
  | 'no_template'
  | 'template_evicted'
  | 'decoder_error';

export interface DecoderLimits {
  /** templates (data and options) kept per exporter address; the least recently refreshed is evicted beyond it */
  maxTemplatesPerExporter: number;
  /** exporter addresses remembered; the least recently heard is forgotten beyond it */
  maxExporters: number;
  /** how long data sets wait for their template */
  pendingTimeoutMs: number;
  /** data sets waiting for a template, over all exporters */
  maxPendingSets: number;
  /** bytes of data sets waiting for a template, over all exporters */
  maxPendingBytes: number;
}

export const DEFAULT_LIMITS: DecoderLimits = {
  maxTemplatesPerExporter: 512,
  maxExporters: 1000,
  pendingTimeoutMs: 30_000,
  maxPendingSets: 1024,
  maxPendingBytes: 4 * 1024 * 1024,
};

export interface DecoderStats {
  datagrams: number;
  records: number;
  templatesAdded: number;
  templatesWithdrawn: number;
  templatesEvicted: number;
  exportersEvicted: number;
  /** dropped units by reason: datagrams for header problems, sets for set/template problems and no_template */
  drops: Record<DropReason, number>;
}
