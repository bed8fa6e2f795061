import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseQuery } from '../../query/parser.js';
import { sampleEvents } from '../store.case.js';
import { SqliteStore } from './sqlite-store.js';

void test('searches and aggregations give the event loop a turn between partitions', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-agg-yield-'));
  const store = new SqliteStore({ dir, sync: 'normal' });
  await store.open();
  try {
    for (let p = 0; p < 8; p++) {
      await store.append(sampleEvents(200, p * 200));
      await store.seal();
    }
    await store.append(sampleEvents(100, 1600));
    // something else that wants the thread (as parsing and detection do) counts its turns during each query
    let turns = 0;
    let on = true;
    const spin = (): void => {
      if (!on) return;
      turns++;
      setImmediate(spin);
    };
    setImmediate(spin);
    const before = turns;
    const r = await store.aggregate({ filter: parseQuery('*').filter, from: 0, to: Number.MAX_SAFE_INTEGER, groups: [{ kind: 'field', field: 'host.name' }], metrics: [{ func: 'count' }], maxGroups: 10, budgetMs: 30_000 });
    const duringAggregate = turns - before;
    assert.equal(r.partitionsScanned, 9);
    assert.deepEqual(
      r.rows.map((x) => x.values[0]).reduce((a, b) => Number(a) + Number(b), 0),
      1700,
    );
    const mid = turns;
    const s = await store.search({ filter: parseQuery('*').filter, from: 0, to: Number.MAX_SAFE_INTEGER, limit: 10_000 });
    const duringSearch = turns - mid;
    on = false;
    assert.equal(s.total, 1700);
    assert.ok(duringAggregate >= 8, `the other work ran ${duringAggregate} times during the aggregation`);
    assert.ok(duringSearch >= 8, `the other work ran ${duringSearch} times during the search`);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
