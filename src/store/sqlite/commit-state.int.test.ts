import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { normalizeEvent } from '../../schema/event.js';
import type { AppendEvent } from '../store.js';
import { SqliteStore } from './sqlite-store.js';

const BASE = Date.UTC(2026, 2, 1);

function batch(from: number, n: number): AppendEvent[] {
  return Array.from({ length: n }, (_, i) => normalizeEvent({ '@timestamp': new Date(BASE + from + i).toISOString(), message: `state ${from + i}` }, BASE, 'state'));
}

test('state committed with a batch is read back, the latest value wins, and it survives rotation, sealing and reopening', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-commit-state-'));
  let store = new SqliteStore({ dir, sync: 'normal', sealEvents: 250 });
  try {
    await store.open();
    assert.equal(await store.committedState('file-source:a'), undefined);
    await store.append(batch(0, 100), { state: [{ key: 'file-source:a', value: 'a1' }] });
    assert.equal(await store.committedState('file-source:a'), 'a1');
    // several batches, some rotating the hot partition (250 events each): the value of the last commit is read
    for (let i = 1; i <= 8; i++) await store.append(batch(i * 100, 100), { state: [{ key: 'file-source:a', value: `a${i + 1}` }, ...(i === 3 ? [{ key: 'file-source:b', value: 'b1' }] : [])] });
    // an append without state changes nothing
    await store.append(batch(900, 100));
    assert.equal(await store.committedState('file-source:a'), 'a9');
    assert.equal(await store.committedState('file-source:b'), 'b1', 'carried into the hot partitions after the one it was written to');
    await store.seal();
    assert.ok((await store.stats()).partitions.sealed + (await store.stats()).partitions.sealing >= 3);
    await store.close();
    store = new SqliteStore({ dir, sync: 'normal', sealEvents: 250 });
    await store.open();
    assert.equal(await store.committedState('file-source:a'), 'a9');
    assert.equal(await store.committedState('file-source:b'), 'b1');
    assert.equal((await store.verify()).ok, true, 'the chain is unaffected');
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('state that exceeds the caps is refused before anything is written', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-commit-state-'));
  const store = new SqliteStore({ dir, sync: 'normal' });
  try {
    await store.open();
    await assert.rejects(store.append(batch(0, 10), { state: [{ key: '', value: 'x' }] }), RangeError);
    await assert.rejects(store.append(batch(0, 10), { state: [{ key: 'k', value: 'x'.repeat(5 * 1024 * 1024) }] }), RangeError);
    assert.equal((await store.stats()).events, 0);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
