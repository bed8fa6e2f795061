import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { encodeBatch } from '../batch-codec.js';
import { chainHash, GENESIS_HASH } from '../chain.js';
import type { StoredRow } from '../row.js';
import type { VerifyProblem, VerifyReport } from '../store.js';
import { Catalog } from './catalog.js';
import { openPartition } from './open.js';

interface BatchRow {
  id: number;
  prev_hash: Buffer;
  hash: Buffer;
  count: number;
}

interface EventRow {
  batch: number;
  ts: number;
  source_ip: string | null;
  destination_ip: string | null;
  user_name: string | null;
  host_name: string | null;
  dataset: string | null;
  outcome: string | null;
  message: string | null;
  doc: string;
}

function toStored(r: EventRow): StoredRow {
  return {
    ts: r.ts,
    sourceIp: r.source_ip,
    destinationIp: r.destination_ip,
    userName: r.user_name,
    hostName: r.host_name,
    dataset: r.dataset,
    outcome: r.outcome,
    message: r.message,
    doc: r.doc,
  };
}

/**
 * Walks every stored batch in chain order, re-hashes its events and checks each link, reporting the first batch
 * that was changed, removed or reordered. Reads the partition files directly, so it also runs beside a live server.
 */
export function verifyStore(dir: string): VerifyReport {
  const catalog = new Catalog(dir);
  const report: VerifyReport = { ok: true, batches: 0, events: 0, partitions: 0 };
  try {
    // Read before walking: every batch up to the recorded head was committed before this check began.
    const recorded = catalog.head();
    let recordedSeen = false;
    let lastPartition = 0;
    const anchor = catalog.anchor();
    let head = anchor?.hash ?? GENESIS_HASH;
    let expected = anchor ? anchor.batch + 1 : 1;
    const fail = (p: VerifyProblem): VerifyReport => ({ ...report, ok: false, firstProblem: p });
    for (const part of catalog.list()) {
      const path = join(dir, part.file);
      if (!existsSync(path)) return fail({ batch: part.firstBatch ?? expected, partition: part.id, reason: `partition file ${part.file} is missing` });
      report.partitions++;
      lastPartition = part.id;
      const db = openPartition(path, { readonly: true, mustExist: true });
      let events: IterableIterator<EventRow> | undefined;
      try {
        const batches = db.prepare('SELECT id, prev_hash, hash, count FROM batches ORDER BY id').all() as BatchRow[];
        events = db
          .prepare(
            // A LEFT JOIN: an event whose document was removed still counts, with an empty document that cannot hash right.
            "SELECT e.batch AS batch, e.ts AS ts, e.source_ip AS source_ip, e.destination_ip AS destination_ip, e.user_name AS user_name, " +
              "e.host_name AS host_name, e.dataset AS dataset, e.outcome AS outcome, e.message AS message, coalesce(d.doc, '') AS doc " +
              'FROM events e LEFT JOIN docs d ON d.id = e.id ORDER BY e.batch, e.seq',
          )
          .iterate() as IterableIterator<EventRow>;
        let pending = events.next();
        for (const b of batches) {
          if (b.id !== expected) {
            return fail({ batch: b.id, partition: part.id, reason: expected < b.id ? `batches ${expected}..${b.id - 1} are missing` : `batch ${b.id} is out of order (expected ${expected})` });
          }
          if (!b.prev_hash.equals(head)) return fail({ batch: b.id, partition: part.id, reason: 'link to the previous batch is broken (a batch before it was removed, changed or reordered)' });
          const rows: StoredRow[] = [];
          if (!pending.done && pending.value.batch < b.id) {
            return fail({ batch: pending.value.batch, partition: part.id, reason: `events belong to batch ${pending.value.batch}, which has no chain record` });
          }
          while (!pending.done && pending.value.batch === b.id) {
            rows.push(toStored(pending.value));
            pending = events.next();
          }
          if (rows.length !== b.count) return fail({ batch: b.id, partition: part.id, reason: `batch holds ${rows.length} events, ${b.count} were committed` });
          const hash = chainHash(head, encodeBatch(rows));
          if (!hash.equals(b.hash)) return fail({ batch: b.id, partition: part.id, reason: 'content does not match its hash (an event was changed or reordered)' });
          if (recorded && b.id === recorded.batch) {
            if (!recorded.hash.equals(hash)) return fail({ batch: b.id, partition: part.id, reason: 'differs from the chain head the catalog recorded' });
            recordedSeen = true;
          }
          head = hash;
          expected = b.id + 1;
          report.batches++;
          report.events += rows.length;
        }
        if (!pending.done) return fail({ batch: pending.value.batch, partition: part.id, reason: `events belong to batch ${pending.value.batch}, which has no chain record` });
        if (part.state !== 'hot' && part.lastHash !== null && !part.lastHash.equals(head)) {
          return fail({ batch: part.lastBatch ?? expected, partition: part.id, reason: 'the partition does not end with the batch the catalog recorded when it was closed' });
        }
      } finally {
        // A problem found mid-partition leaves the row iterator open, and an open statement keeps close() from working.
        events?.return?.();
        db.close();
      }
    }
    if (recorded && !recordedSeen && recorded.batch >= expected) {
      return fail({ batch: expected, partition: lastPartition, reason: `batches ${expected}..${recorded.batch} are missing: the newest committed batches were removed` });
    }
    return report;
  } finally {
    catalog.close();
  }
}
