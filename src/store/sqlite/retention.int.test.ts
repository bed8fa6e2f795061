import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseQuery } from '../../query/parser.js';
import { normalizeEvent } from '../../schema/event.js';
import type { AppendEvent, Store } from '../store.js';
import { partitionFile } from './schema.js';
import { SqliteStore } from './sqlite-store.js';
import { verifyStore } from './verify.js';

/**
 * Retention deletes whole sealed partitions whose newest event is older than the cutoff, oldest first, and moves the
 * chain anchor past them so that `verify` still passes on what is left.
 */
const SQLITE3 = process.env['SQLITE3'] ?? 'sqlite3';
const DAY = 86_400_000;
const NOW = Date.UTC(2026, 5, 1, 12);
const RETENTION_DAYS = 30;
const CUTOFF = NOW - RETENTION_DAYS * DAY;
const PER_BATCH = 25;
const BATCHES_PER_PARTITION = 2;
const PER_PARTITION = PER_BATCH * BATCHES_PER_PARTITION;

/**
 * Partitions in the order they are written, with the newest event time of each. 5 is sealed after 4 but holds old
 * events (late logs): retention stops at the first partition it keeps, so 5 stays. 6 stays hot.
 */
const PARTS: { id: number; newest: number; sealed: boolean; deleted: boolean }[] = [
  { id: 1, newest: CUTOFF - 90 * DAY, sealed: true, deleted: true },
  { id: 2, newest: CUTOFF - 1, sealed: true, deleted: true },
  { id: 3, newest: CUTOFF, sealed: true, deleted: false },
  { id: 4, newest: NOW - DAY, sealed: true, deleted: false },
  { id: 5, newest: CUTOFF - 200 * DAY, sealed: true, deleted: false },
  { id: 6, newest: CUTOFF - 300 * DAY, sealed: false, deleted: false },
];

function events(part: number, newest: number, batch: number): AppendEvent[] {
  const out: AppendEvent[] = [];
  for (let i = 0; i < PER_BATCH; i++) {
    // the last event of the last batch is the partition's newest
    const age = (BATCHES_PER_PARTITION - 1 - batch) * PER_BATCH + (PER_BATCH - 1 - i);
    const ts = newest - age * 60_000;
    out.push(
      normalizeEvent(
        {
          '@timestamp': new Date(ts).toISOString(),
          message: `retention test partition ${part} event ${batch * PER_BATCH + i}`,
          event: { dataset: 'retention' },
          ret: `p${part}`,
        },
        NOW,
        'retention',
      ),
    );
  }
  return out;
}

async function count(store: Store, q: string, from = 0, to = Number.MAX_SAFE_INTEGER): Promise<number> {
  const r = await store.search({ filter: parseQuery(q).filter, from, to, limit: 1000 });
  assert.equal(r.totalRelation, 'eq');
  assert.equal(r.events.length, r.total);
  return r.total;
}

function partitionFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => /^p\d{8}\.(?:hot\.)?sqlite$/.test(f))
    .sort();
}

test('retention deletes only the oldest whole sealed partitions, and the chain still verifies', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-retention-'));
  const open = async (retentionDays?: number): Promise<SqliteStore> => {
    const s = new SqliteStore({ dir, sync: 'normal', sealEvents: 1_000_000, sealAgeMs: 3_600_000, ...(retentionDays !== undefined ? { retentionDays } : {}) });
    await s.open();
    return s;
  };
  let store = await open(RETENTION_DAYS);
  try {
    for (const p of PARTS) {
      for (let b = 0; b < BATCHES_PER_PARTITION; b++) await store.append(events(p.id, p.newest, b));
      if (p.sealed) await store.seal();
    }
    const totalBatches = PARTS.length * BATCHES_PER_PARTITION;
    let v = verifyStore(dir);
    assert.equal(v.ok, true, JSON.stringify(v.firstProblem));
    assert.equal(v.batches, totalBatches);
    // every partition is searchable (and has a read handle open) before retention runs
    for (const p of PARTS) assert.equal(await count(store, `ret:p${p.id}`), PER_PARTITION, `partition ${p.id} before retention`);
    assert.deepEqual(partitionFiles(dir), PARTS.map((p) => partitionFile(p.id, p.sealed ? 'sealed' : 'hot')));

    const r = await store.applyRetention(NOW);
    const deleted = PARTS.filter((p) => p.deleted);
    const kept = PARTS.filter((p) => !p.deleted);
    assert.deepEqual(r, { partitionsDeleted: deleted.length, eventsDeleted: deleted.length * PER_PARTITION });

    // the files are gone, with their WAL companions; the others are untouched
    assert.deepEqual(partitionFiles(dir), kept.map((p) => partitionFile(p.id, p.sealed ? 'sealed' : 'hot')));
    for (const p of deleted) {
      for (const suffix of ['', '-wal', '-shm', '-journal']) assert.equal(existsSync(join(dir, partitionFile(p.id, 'sealed') + suffix)), false);
    }
    for (const p of deleted) assert.equal(await count(store, `ret:p${p.id}`), 0, `partition ${p.id} after retention`);
    for (const p of kept) assert.equal(await count(store, `ret:p${p.id}`), PER_PARTITION, `partition ${p.id} after retention`);
    assert.equal(await count(store, '*'), kept.length * PER_PARTITION);
    // a time range over the deleted data finds only the old events of the partitions that were kept (5 and 6)
    assert.equal(await count(store, '*', 0, CUTOFF - 100 * DAY), 2 * PER_PARTITION);
    const stats = await store.stats();
    assert.deepEqual(stats.partitions, { hot: 1, sealing: 0, sealed: kept.length - 1 });
    assert.equal(stats.events, kept.length * PER_PARTITION);

    v = verifyStore(dir);
    assert.equal(v.ok, true, JSON.stringify(v.firstProblem));
    assert.equal(v.batches, kept.length * BATCHES_PER_PARTITION);
    assert.equal(v.events, kept.length * PER_PARTITION);
    assert.equal(v.partitions, kept.length);

    // the anchor is what lets the chain start after the deleted batches: without it, verify reports them missing
    const noAnchor = `${dir}-no-anchor`;
    cpSync(dir, noAnchor, { recursive: true });
    try {
      execFileSync(SQLITE3, [join(noAnchor, 'catalog.sqlite'), 'DELETE FROM chain_anchor'], { timeout: 30_000 });
      const broken = verifyStore(noAnchor);
      assert.equal(broken.ok, false);
      assert.equal(broken.firstProblem?.batch, deleted.length * BATCHES_PER_PARTITION + 1);
      assert.match(broken.firstProblem?.reason ?? '', new RegExp(`batches 1\\.\\.${deleted.length * BATCHES_PER_PARTITION} are missing`));
    } finally {
      rmSync(noAnchor, { recursive: true, force: true });
    }

    // running it again deletes nothing more
    assert.deepEqual(await store.applyRetention(NOW), { partitionsDeleted: 0, eventsDeleted: 0 });

    // after a reopen the chain continues from where it was and still verifies from the anchor
    await store.close();
    store = await open(RETENTION_DAYS);
    const appended = await store.append(events(7, NOW, 0));
    assert.deepEqual(appended.batches, [totalBatches + 1]);
    v = verifyStore(dir);
    assert.equal(v.ok, true, JSON.stringify(v.firstProblem));
    assert.equal(v.batches, kept.length * BATCHES_PER_PARTITION + 1);

    // without a retention period nothing is deleted, however old
    await store.close();
    store = await open();
    assert.deepEqual(await store.applyRetention(NOW + 10_000 * DAY), { partitionsDeleted: 0, eventsDeleted: 0 });
    assert.equal(await count(store, '*'), kept.length * PER_PARTITION + PER_BATCH);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
