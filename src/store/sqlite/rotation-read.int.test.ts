import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { normalizeEvent } from '../../schema/event.js';
import type { AppendEvent } from '../store.js';
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
