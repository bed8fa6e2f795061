import { basename } from 'node:path';
import { PcapFormatError } from '../../codecs/pcap/reader.js';
import type { EcsEvent } from '../../schema/event.js';
import { importCapture, type CaptureImportSummary } from './import.js';

/** What `vigil ingest` needs from its pipeline to import a capture. */
export interface CaptureSink {
  submitEvents(docs: readonly EcsEvent[], defaultDataset?: string): Promise<unknown>;
}

export interface CaptureIngestResult {
  file: string;
  summary: CaptureImportSummary;
  /** one line for the ingest report */
  line: string;
}

/**
 * Imports one capture for `vigil ingest`: flows and notable-packet events go through the pipeline (stored, detected),
 * at most `inflight` batches waiting at once. A damaged capture rejects with a PcapFormatError naming the file.
 */
export async function ingestCapture(file: string, sink: CaptureSink, internalNetworks: readonly string[], inflight = 4): Promise<CaptureIngestResult> {
  let pending: Promise<unknown>[] = [];
  let summary: CaptureImportSummary;
  try {
    summary = await importCapture(
      file,
      async (docs) => {
        pending.push(sink.submitEvents(docs, 'pcap.flow'));
        if (pending.length >= inflight) {
          await Promise.all(pending);
          pending = [];
        }
      },
      { internalNetworks },
    );
  } catch (err) {
    await Promise.allSettled(pending);
    if (err instanceof PcapFormatError) throw new PcapFormatError(`${basename(file)}: ${err.message}`);
    throw err;
  }
  await Promise.all(pending);
  const notable = Object.entries(summary.notable).map(([k, v]) => `${v} ${k}`);
  const undecoded = Object.values(summary.undecoded).reduce((a, b) => a + b, 0);
  const line =
    `${basename(file)} (${summary.format ?? 'capture'}): ${summary.packets} packets, ${summary.flows} flows` +
    (summary.flowsEvicted > 0 ? ` (${summary.flowsEvicted} evicted at the flow cap)` : '') +
    `, ${notable.length > 0 ? notable.join(', ') : 'no notable packets'}` +
    (undecoded > 0 ? `, ${undecoded} packets not IP or unreadable` : '');
  return { file, summary, line };
}
