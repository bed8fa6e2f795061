import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { normalizeEvent } from '../../schema/event.js';
import { encodeEvent } from '../batch-codec.js';
import type { StoredRow } from '../row.js';
import { HotWriter, decodeText } from './hot-writer.js';
import { SqliteStore } from './sqlite-store.js';
import { verifyStore } from './verify.js';

const BASE = Date.UTC(2026, 10, 27);

function event(n: number): { event: ReturnType<typeof normalizeEvent>['event']; ts: number } {
  const e = normalizeEvent({ '@timestamp': new Date(BASE + n).toISOString(), message: `group commit event ${n}`, source: { ip: `10.0.${n % 250}.1` } }, BASE, 'group');
  return { event: e.event, ts: e.ts };
}

function withDir(fn: (dir: string) => Promise<void> | void): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-group-'));
  return Promise.resolve(fn(dir)).finally(() => rmSync(dir, { recursive: true, force: true }));
}

test('appends handed over at once are committed (several to a transaction), each its own chain batch, all verified', async () => {
  await withDir(async (dir) => {
    const store = new SqliteStore({ dir, sync: 'normal' });
    await store.open();
    const N = 300;
    const results = await Promise.all(Array.from({ length: N }, (_, k) => store.append([event(2 * k), event(2 * k + 1)]))).finally(() => store.close());
    const batches = results.flatMap((r) => r.batches).sort((a, b) => a - b);
    assert.deepEqual(batches, Array.from({ length: N }, (_, i) => i + 1), 'one batch per append, numbered in order');
    const report = verifyStore(dir);
    assert.equal(report.ok, true, JSON.stringify(report).slice(0, 300));
    assert.equal(report.events, 2 * N);
  });
});

test('a group whose transaction fails commits nothing and leaves the chain where it was', async () => {
  await withDir((dir) => {
    const w = new HotWriter({ dir, sync: 'normal', sealEvents: 1_000_000, sealAgeMs: 3_600_000 });
    const text = (from: number): string => [0, 1, 2].map((i) => encodeEvent(event(from + i).event, event(from + i).ts)).join('\u0002');
    const good = (from: number): { rows: StoredRow[]; text: string; state: [] } => ({ rows: decodeText(text(from)), text: text(from), state: [] });
    const first = w.appendMany([good(0)]);
    assert.deepEqual(first.map((c) => c.batch), [1]);
    // a row without its document breaks the NOT NULL constraint: the whole group must roll back
    const broken = good(10);
    broken.rows[1] = { ...(broken.rows[1] as StoredRow), doc: null as unknown as string };
    assert.throws(() => w.appendMany([good(3), broken, good(20)]));
    const next = w.appendMany([good(30), good(40)]);
    assert.deepEqual(next.map((c) => c.batch), [2, 3], 'the failed group used no batch numbers');
    assert.equal(w.hotCount().hotEvents, 9);
    w.close();
    const report = verifyStore(dir);
    assert.equal(report.ok, true, JSON.stringify(report).slice(0, 300));
    assert.equal(report.events, 9);
  });
});

test('encoded events come in chunks short enough to stay out of V8 large-object space', async () => {
  await withDir(async (dir) => {
    const store = new SqliteStore({ dir, sync: 'normal' });
    await store.open();
    try {
      const events = Array.from({ length: 2000 }, (_, i) => event(i));
      const chunks = store.encode(events);
      const longest = Math.max(...events.map((e) => encodeEvent(e.event, e.ts).length));
      assert.ok(chunks.length > 1, `${chunks.length} chunk(s)`);
      // rows up to the limit, one more that crosses it, and the separators between them
      for (const c of chunks) assert.ok(c.data.length <= 16_384 + longest + c.count, `a chunk of ${c.data.length} characters`);
      assert.equal(chunks.reduce((a, c) => a + c.count, 0), 2000);
      const r = await store.appendEncoded(chunks);
      assert.equal(r.stored, 2000);
    } finally {
      await store.close();
    }
    assert.equal(verifyStore(dir).ok, true);
  });
});
