import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { SqliteStore } from '../src/store/sqlite/index.js';
import type { AppendResult } from '../src/store/store.js';
import { CorpusPool, corpusBatch } from './corpus.js';
import { toRow } from '../src/store/row.js';

export interface IngestBenchResult {
  events: number;
  seconds: number;
  overallRate: number;
  firstRate: number;
  lastRate: number;
  peakRssMiB: number;
  avgEventBytes: number;
  windows: { upTo: number; rate: number; rssMiB: number }[];
  lastSealMs: number;
}

/** Appends `total` corpus events through the store API (two batches in flight), reporting the rate per window. */
export async function benchStoreIngest(dir: string, total: number, opts: { batch: number; window: number; stepMs: number; start: number; sealEvents?: number; log: (s: string) => void }): Promise<IngestBenchResult> {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const store = new SqliteStore({ dir: join(dir, 'store'), sync: 'full', ...(opts.sealEvents ? { sealEvents: opts.sealEvents } : {}) });
  await store.open();
  const sample = corpusBatch({ start: opts.start, stepMs: opts.stepMs }, 0, 1000).map((e) => toRow(e.event, e.ts));
  const avgEventBytes = sample.reduce((a, r) => a + r.doc.length + (r.message?.length ?? 0), 0) / sample.length;
  const pool = new CorpusPool({ start: opts.start, stepMs: opts.stepMs });
  const windows: IngestBenchResult['windows'] = [];
  let peakRss = 0;
  const t0 = performance.now();
  let tw = t0;
  let lastWindowAt = 0;
  const inflight: Promise<AppendResult>[] = [];
  for (let i = 0; i < total; i += opts.batch) {
    const n = Math.min(opts.batch, total - i);
    inflight.push(store.append(pool.batch(i, n)));
    if (inflight.length >= 2) await inflight.shift();
    const done = i + n;
    if (done - lastWindowAt >= opts.window || done === total) {
      await Promise.all(inflight.splice(0));
      const now = performance.now();
      const rss = process.memoryUsage().rss / 1048576;
      peakRss = Math.max(peakRss, rss);
      const rate = (done - lastWindowAt) / ((now - tw) / 1000);
      windows.push({ upTo: done, rate: Math.round(rate), rssMiB: Math.round(rss) });
      opts.log(`  ${String(done).padStart(9)} events  ${Math.round(rate).toString().padStart(7)} ev/s  rss ${Math.round(rss)} MiB`);
      tw = now;
      lastWindowAt = done;
    }
  }
  const seconds = (performance.now() - t0) / 1000;
  await store.close();
  const first = windows[0]?.rate ?? 0;
  const last = windows[windows.length - 1]?.rate ?? 0;
  return { events: total, seconds, overallRate: Math.round(total / seconds), firstRate: first, lastRate: last, peakRssMiB: Math.round(peakRss), avgEventBytes: Math.round(avgEventBytes), windows, lastSealMs: store.lastSealMs };
}
