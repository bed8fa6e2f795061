import { open, stat } from 'node:fs/promises';
import { InternalNetworks } from '../../codecs/flow/direction.js';
import { decodePacket, newDecoded, type DecodeResult } from '../../codecs/pcap/decode.js';
import { flowEvent, notableToEcs } from '../../codecs/pcap/events.js';
import { readCaptureFile } from '../../codecs/pcap/file.js';
import { FlowTable, type FlowOptions, type FlowStats } from '../../codecs/pcap/flows.js';
import { NotableDetector, type NotableOptions, type NotableAction } from '../../codecs/pcap/notable.js';
import { captureFormat, type CapturedPacket, type CaptureFormat } from '../../codecs/pcap/reader.js';
import type { EcsEvent } from '../../schema/event.js';

/*
 * `vigil ingest capture.pcap`: a capture file → flows and notable-packet events, handed to the pipeline in batches
 * (the same path as every other event: stored, searchable, seen by detection). Memory is bounded by the reader's
 * chunk, the flow table's cap and one batch of events.
 */

export interface CaptureImportOptions {
  /** internal networks (config `internal_networks`) for network.direction */
  internalNetworks: readonly string[];
  flows?: FlowOptions;
  notable?: NotableOptions;
  /** events per submission (default 5000) */
  batch?: number;
  maxRecord?: number;
}

export interface CaptureImportSummary {
  format: CaptureFormat | undefined;
  packets: number;
  /** packets that were not IP or could not be read, by reason */
  undecoded: Partial<Record<Exclude<DecodeResult, 'ok'>, number>>;
  flows: number;
  flowsEvicted: number;
  flowEnds: FlowStats['ended'];
  notable: Partial<Record<NotableAction, number>>;
  /** pcapng blocks skipped, packets naming no interface */
  skippedBlocks: number;
  badInterface: number;
  events: number;
}

/**
 * The capture format of a file, from its magic number; undefined for anything else (a log file). Only regular files
 * are looked at: reading ahead in a pipe or a terminal would take bytes the line reader needs.
 */
export async function sniffCapture(path: string): Promise<CaptureFormat | undefined> {
  // stat by path: opening a FIFO and closing it again could cost its writer a broken pipe
  if (!(await stat(path)).isFile()) return undefined;
  const fh = await open(path, 'r');
  try {
    const head = Buffer.alloc(4);
    const { bytesRead } = await fh.read(head, 0, 4, 0);
    return captureFormat(head.subarray(0, bytesRead));
  } finally {
    await fh.close();
  }
}

/** Packets → flow and notable events (no I/O): the part the importer and the benchmark share. */
export class CaptureFlows {
  readonly events: EcsEvent[] = [];
  readonly table: FlowTable;
  readonly notable: NotableDetector;
  readonly undecoded: CaptureImportSummary['undecoded'] = {};
  readonly notableCounts: CaptureImportSummary['notable'] = {};
  private readonly p = newDecoded();
  private readonly nets: InternalNetworks;

  constructor(opts: Pick<CaptureImportOptions, 'internalNetworks' | 'flows' | 'notable'>) {
    this.nets = new InternalNetworks(opts.internalNetworks);
    this.notable = new NotableDetector((n) => {
      this.notableCounts[n.action] = (this.notableCounts[n.action] ?? 0) + 1;
      this.events.push(notableToEcs(n, this.nets));
    }, opts.notable);
    this.table = new FlowTable((f) => {
      this.notable.flow(f);
      this.events.push(flowEvent(f, this.nets));
    }, opts.flows);
  }

  packets(batch: readonly CapturedPacket[]): void {
    const p = this.p;
    for (const pkt of batch) {
      const r = decodePacket(pkt.linkType, pkt.data, p);
      if (r !== 'ok') {
        this.undecoded[r] = (this.undecoded[r] ?? 0) + 1;
        continue;
      }
      this.table.add(p, pkt.tsUs);
      this.notable.packet(p, pkt.tsUs);
    }
  }

  finish(): void {
    this.table.finish();
    this.notable.finish();
  }

  /** Takes the events produced so far. */
  take(): EcsEvent[] {
    return this.events.splice(0, this.events.length);
  }
}

/** Imports one capture file; `submit` stores a batch (pipeline.submitEvents). A format error rejects with its reason. */
export async function importCapture(path: string, submit: (events: EcsEvent[]) => Promise<unknown>, opts: CaptureImportOptions): Promise<CaptureImportSummary> {
  const batch = opts.batch ?? 5000;
  const cf = new CaptureFlows(opts);
  let events = 0;
  const flush = async (min: number): Promise<void> => {
    if (cf.events.length < min || cf.events.length === 0) return;
    const docs = cf.take();
    events += docs.length;
    await submit(docs);
  };
  const gen = readCaptureFile(path, opts.maxRecord !== undefined ? { maxRecord: opts.maxRecord } : {});
  let packets = 0;
  let next = await gen.next();
  while (next.done !== true) {
    packets += next.value.length;
    cf.packets(next.value);
    await flush(batch);
    next = await gen.next();
  }
  const reader = next.value;
  cf.finish();
  await flush(1);
  return {
    format: reader.detected,
    packets,
    undecoded: cf.undecoded,
    flows: cf.table.stats.flows,
    flowsEvicted: cf.table.stats.evicted,
    flowEnds: cf.table.stats.ended,
    notable: cf.notableCounts,
    skippedBlocks: reader.stats.skippedBlocks,
    badInterface: reader.stats.badInterface,
    events,
  };
}
