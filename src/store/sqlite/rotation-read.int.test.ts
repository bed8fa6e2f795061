import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { normalizeEvent } from '../../schema/event.js';
import type { AppendEvent } from '../store.js';
import { partitionFile } from './schema.js';
import { SqliteStore } from './sqlite-store.js';

const BASE = Date.UTC(2026, 2, 1);

function batch(from: number, n: number): AppendEvent[] {
  return Array.from({ length: n }, (_, i) =>
    normalizeEvent({ '@timestamp': new Date(BASE + from + i).toISOString(), message: `rotation ${from + i}` }, BASE, 'rotation'),
  );
}

/**
 * A new hot partition is registered in the catalog only once its file has its tables: stats() and searches, which
 * read the hot partition on the calling thread, run back to back while the writer seals and starts partitions.
 */
test('reads while the hot partition rotates never meet a partition file without tables', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-rotation-'));
  const store = new SqliteStore({ dir, sync: 'normal', sealEvents: 1000 });
  try {
    await store.open();
    let written = 0;
    let reading = true;
    const reads = (async () => {
      let n = 0;
      while (reading && n < 100_000) {
        const s = await store.stats();
        assert.ok(s.events >= 0);
        n++;
        await yieldToLoop();
      }
      return n;
    })();
    for (let b = 0; b < 12; b++) {
      await store.append(batch(written, 500));
      written += 500;
    }
    reading = false;
    assert.ok((await reads) > 0);
    await store.seal();
    const s = await store.stats();
    assert.equal(s.events, written);
    assert.ok(s.partitions.sealed >= 4, `sealed ${s.partitions.sealed}`);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

/**
 * After a seal the store removes files of partitions the catalog no longer lists. The writer creates the next hot
 * partition's file before the catalog names it, so such a file (numbered above every listed partition) must survive:
 * removing it lost a whole partition of events when a seal finished during a rotation.
 */
test('a partition file being created (not yet in the catalog) survives the clean-up after a seal', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-rotation-cleanup-'));
  const store = new SqliteStore({ dir, sync: 'normal' });
  try {
    await store.open();
    await store.append(batch(0, 50));
    const newest = Math.max(...readdirSync(dir).flatMap((f) => /^p(\d{8})\.sqlite$/.exec(f)?.[1] ?? []).map(Number));
    const coming = join(dir, partitionFile(newest + 5));
    writeFileSync(coming, '');
    await store.seal(); // the seal's clean-up runs before this resolves
    assert.ok(existsSync(coming), 'the file numbered above every partition is kept');
    await store.append(batch(50, 50));
    const s = await store.stats();
    assert.equal(s.events, 100);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
