import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseQuery } from '../../query/parser.js';
import { normalizeEvent } from '../../schema/event.js';
import type { AggregateRequest, AppendEvent, GroupKey } from '../store.js';
import { aggregatePartitions } from './aggregate.js';
import { Catalog } from './catalog.js';
import { openPartition } from './open.js';
import { buildRollupSql, hasRollup } from './rollup.js';
import { SqliteStore } from './sqlite-store.js';

const BASE = Date.UTC(2026, 0, 5, 0, 0, 0);
const DATASETS = ['sshd', 'sudo', 'nginx.access', 'netfilter'];
const OUTCOMES = ['success', 'failure', 'unknown'];

/** Seeded events spread over several days, some without outcome or dataset, at odd milliseconds. */
function events(n: number, seed: number): AppendEvent[] {
  let x = seed;
  const rnd = (): number => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x / 2147483648;
  };
  const out: AppendEvent[] = [];
  for (let i = 0; i < n; i++) {
    const ts = BASE + Math.floor(rnd() * 4 * 86_400_000);
    const event: Record<string, unknown> = {};
    if (rnd() > 0.05) event['dataset'] = DATASETS[Math.floor(rnd() * DATASETS.length)];
    if (rnd() > 0.2) event['outcome'] = OUTCOMES[Math.floor(rnd() * OUTCOMES.length)];
    out.push(normalizeEvent({ '@timestamp': new Date(ts).toISOString(), message: `line ${i}`, event, source: { ip: `10.0.0.${i % 50}` } }, ts + 1000, 'generic'));
  }
  return out.sort((a, b) => a.ts - b.ts);
}

const FILTERS = ['*', 'event.dataset:sshd', 'event.outcome:failure and not event.dataset:sudo', 'event.dataset:(sshd or netfilter)', 'event.outcome:*', 'not event.outcome:*', 'event.dataset:n*'];
const GROUPS: GroupKey[][] = [
  [{ kind: 'time', spanMs: 3_600_000 }],
  [{ kind: 'time', spanMs: 60_000 }],
  [{ kind: 'time', spanMs: 86_400_000 }, { kind: 'field', field: 'event.outcome' }],
  [{ kind: 'field', field: 'event.dataset' }],
  [],
];

void test('rollups answer counts over time, dataset and outcome exactly as the events do', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-rollup-'));
  const store = new SqliteStore({ dir, sync: 'normal' });
  await store.open();
  try {
    const all = events(6000, 7);
    for (let p = 0; p < 3; p++) {
      await store.append(all.slice(p * 2000, (p + 1) * 2000));
      await store.seal();
    }
  } finally {
    await store.close();
  }
  const catalog = new Catalog(dir);
  const parts = catalog.list().map((info) => ({ info, db: openPartition(join(dir, info.file), { readonly: true, mustExist: true }) }));
  catalog.close();
  try {
    const sealed = parts.filter((p) => p.info.state === 'sealed');
    assert.equal(sealed.length, 3);
    for (const p of sealed) assert.ok(hasRollup(p.db), `partition ${p.info.id} has its rollup`);
    const ranges: [number, number][] = [
      [0, Number.MAX_SAFE_INTEGER],
      [BASE + 3_600_000, BASE + 3 * 86_400_000], // whole minutes: the ranged rollup form
      [BASE + 123_457, BASE + 2 * 86_400_000 + 999], // not on minutes: raw events at the edges
    ];
    let viaRollup = 0;
    for (const q of FILTERS) {
      for (const groups of GROUPS) {
        for (const [from, to] of ranges) {
          const req: AggregateRequest = { filter: parseQuery(q).filter, from, to, groups, metrics: [{ func: 'count' }], maxGroups: 100_000, budgetMs: 60_000 };
          if (buildRollupSql(req)) viaRollup++;
          const fast = await aggregatePartitions(parts, req, () => Promise.resolve());
          const slow = await aggregatePartitions(parts, req, () => Promise.resolve(), { rollups: false });
          const sorted = (r: typeof fast): string[] => r.rows.map((x) => JSON.stringify([x.key, x.values])).sort();
          assert.deepEqual(sorted(fast), sorted(slow), `${q} grouped by ${JSON.stringify(groups)} over [${from}, ${to})`);
        }
      }
    }
    assert.equal(viaRollup, FILTERS.length * GROUPS.length * ranges.length);
  } finally {
    for (const p of parts) p.db.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

void test('queries the rollup cannot answer are not given a rollup form', () => {
  const base = { from: 0, to: 60_000, maxGroups: 10, budgetMs: 1000 };
  const cases: [string, GroupKey[], AggregateRequest['metrics']][] = [
    ['source.ip:10.0.0.1', [], [{ func: 'count' }]],
    ['failed', [], [{ func: 'count' }]],
    ['*', [{ kind: 'field', field: 'source.ip' }], [{ func: 'count' }]],
    ['*', [{ kind: 'time', spanMs: 90_000 }], [{ func: 'count' }]],
    ['*', [{ kind: 'time', spanMs: 1000 }], [{ func: 'count' }]],
    ['*', [], [{ func: 'count', field: 'source.ip' }]],
    ['*', [], [{ func: 'dc', field: 'event.outcome' }]],
  ];
  for (const [q, groups, metrics] of cases) {
    assert.equal(buildRollupSql({ ...base, filter: parseQuery(q).filter, groups, metrics }), undefined, `${q} ${JSON.stringify(groups)} ${JSON.stringify(metrics)}`);
  }
});
