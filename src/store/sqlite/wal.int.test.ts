import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { parseQuery } from '../../query/parser.js';
import { normalizeEvent } from '../../schema/event.js';
import type { AppendEvent } from '../store.js';
import { Catalog, type PartitionInfo } from './catalog.js';
import { SqliteStore, WAL_RESET_BYTES } from './sqlite-store.js';

/**
 * WAL growth under a continuous reader (design §4): while one batch after another is committed to the hot
 * partition, searches run back to back on the same store. The automatic checkpoint after a commit cannot finish
 * while a search holds an older snapshot, and the WAL is only reset after one has finished; without the store's
 * forced checkpoint the WAL here grows to hold everything written (~150 MiB).
 *
 * The bound: the store forces a checkpoint once a commit leaves the WAL at WAL_RESET_BYTES (32 MiB, half of the
 * journal_size_limit of 64 MiB set in hot-writer.ts) and holds back its searches until it is done; the appends here
 * are sequential, so at most one more batch (2,000 events of ~1.1 KiB, under 4 MiB in WAL frames with b-tree pages)
 * can be committed before the checkpoint runs. 8 MiB of margin covers that twice over.
 */
const BATCHES = 60;
const PER_BATCH = 2000;
const WAL_BOUND = WAL_RESET_BYTES + 8 * 1024 * 1024;
const TIME_LIMIT_MS = 150_000;
const BASE = Date.UTC(2026, 1, 1);
const FILLER = 'lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore '.repeat(7);

function batch(b: number): AppendEvent[] {
  const out: AppendEvent[] = [];
  for (let i = 0; i < PER_BATCH; i++) {
    const n = b * PER_BATCH + i;
    out.push(
      normalizeEvent(
        {
          '@timestamp': new Date(BASE + n).toISOString(),
          message: `wal test event ${n} from host-${n % 17} ${FILLER}`,
          event: { dataset: 'waltest', outcome: n % 2 ? 'success' : 'failure' },
          host: { name: `host-${n % 17}` },
          user: { name: `user${n % 101}` },
          source: { ip: `10.${n % 256}.${(n >> 8) % 256}.${n % 7}` },
          n,
          wal: { batch: `b${b}`, pad: FILLER.slice(0, 200) },
        },
        BASE,
        'waltest',
      ),
    );
  }
  return out;
}

function hotWalPath(dir: string): string {
  const catalog = new Catalog(dir);
  try {
    const hot = catalog.list().filter((p) => p.state === 'hot');
    assert.equal(hot.length, 1, `one hot partition expected, found ${hot.map((p) => p.file).join(', ')}`);
    assert.ok(existsSync(join(dir, (hot[0] as PartitionInfo).file)));
    return join(dir, `${(hot[0] as PartitionInfo).file}-wal`);
  } finally {
    catalog.close();
  }
}

function walSize(path: string): number {
  return existsSync(path) ? statSync(path).size : 0;
}

const QUERIES = [
  // a key column compared on every row of the hot partition
  'user.name:nobody',
  // a JSON field extracted from every row: the longest read transaction a search makes
  'wal.batch:none',
  // full-text scan of the messages
  '"no such words here"',
  // newest first with a count up to the cap
  'event.dataset:waltest',
].map((q) => parseQuery(q).filter);

test('the hot WAL stays bounded while searches run back to back with a continuous writer', { timeout: TIME_LIMIT_MS + 30_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-wal-'));
  const store = new SqliteStore({ dir, sync: 'normal', sealEvents: 10_000_000, sealAgeMs: 3_600_000 });
  await store.open();
  try {
    const wal = hotWalPath(dir);
    let written = 0;
    let writerError: unknown;
    const writer = (async () => {
      for (let b = 0; b < BATCHES; b++) {
        await store.append(batch(b));
        written++;
      }
    })().catch((err: unknown) => {
      writerError = err;
    });
    let done = false;
    void writer.then(() => (done = true));

    const started = Date.now();
    let searches = 0;
    let maxWal = 0;
    /** the newest event each 'event.dataset:waltest' search returned: grows while the readers overlap the writes */
    const newestSeen = new Set<number>();
    while (!done && Date.now() - started < TIME_LIMIT_MS) {
      const filter = QUERIES[searches % QUERIES.length] as (typeof QUERIES)[number];
      const r = await store.search({ filter, from: 0, to: Number.MAX_SAFE_INTEGER, limit: 10 });
      if (searches % QUERIES.length === QUERIES.length - 1 && r.events[0]) newestSeen.add(r.events[0].event['n'] as number);
      searches++;
      const size = walSize(wal);
      if (size > maxWal) maxWal = size;
      assert.ok(size <= WAL_BOUND, `WAL is ${(size / 1048576).toFixed(1)} MiB after ${written} batches and ${searches} searches (bound ${WAL_BOUND / 1048576} MiB)`);
      // Let the writer's commit replies in; the next search starts right after.
      await yieldToLoop();
    }
    await writer;
    assert.equal(writerError, undefined);
    assert.equal(written, BATCHES, `the writer finished within ${TIME_LIMIT_MS} ms`);
    // The readers really overlapped the writes: they ran many times and saw the data grow.
    assert.ok(searches >= 20, `only ${searches} searches ran during the writes`);
    assert.ok(newestSeen.size >= 5, `searches saw only ${newestSeen.size} different newest events`);
    const final = await store.search({ filter: parseQuery('event.dataset:waltest').filter, from: 0, to: Number.MAX_SAFE_INTEGER, limit: 1 });
    assert.equal(final.total, 10_000);
    assert.equal(final.totalRelation, 'gte');
    const stats = await store.stats();
    assert.equal(stats.events, BATCHES * PER_BATCH);
    t.diagnostic(`${searches} searches during ${BATCHES} commits; largest WAL ${(maxWal / 1048576).toFixed(1)} MiB; ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
