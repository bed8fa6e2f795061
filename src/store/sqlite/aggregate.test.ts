import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseQuery } from '../../query/parser.js';
import { plan } from '../../search/plan.js';
import type { AggregateRequest, GroupKey, Metric } from '../store.js';
import { buildAggregateSql, percentile } from './aggregate.js';

const J = (path: string): string => `json_extract(d.doc, '${path}')`;
const NUM = (x: string): string => `CASE WHEN typeof(${x}) IN ('integer', 'real') THEN ${x} END`;

function req(filter: string, groups: GroupKey[], metrics: Metric[]): AggregateRequest {
  return { filter: plan(parseQuery(filter)).filter, from: 1, to: 2, groups, metrics, maxGroups: 10, budgetMs: 10 };
}

/** Golden: query → plan → SQL for one partition (sealed: indexed, hot: scanned). */
const golden: [string, AggregateRequest, boolean, string, (string | number | null)[]][] = [
  [
    'event.dataset:sshd | stats count() by source.ip',
    req('event.dataset:sshd', [{ kind: 'field', field: 'source.ip' }], [{ func: 'count' }]),
    true,
    'SELECT e.source_ip AS k0, count(*) AS c0 FROM events e WHERE e.ts >= ? AND e.ts < ? AND (e.dataset = ?) AND +e.source_ip IS NOT NULL GROUP BY k0',
    [1, 2, 'sshd'],
  ],
  [
    '* | timechart span=1h count() by event.outcome',
    req('*', [{ kind: 'time', spanMs: 3_600_000 }, { kind: 'field', field: 'event.outcome' }], [{ func: 'count' }]),
    true,
    'SELECT (e.ts / 3600000) * 3600000 AS k0, e.outcome AS k1, count(*) AS c0 FROM events e WHERE e.ts >= ? AND e.ts < ? AND (1) AND e.outcome IS NOT NULL GROUP BY k0, k1',
    [1, 2],
  ],
  [
    'failed | where user.name:root | stats dc(destination.port), avg(network.bytes), p95(network.bytes) by event.category',
    req(
      'failed | where user.name:root',
      [{ kind: 'field', field: 'event.category' }],
      [
        { func: 'dc', field: 'destination.port' },
        { func: 'avg', field: 'network.bytes' },
        { func: 'percentile', field: 'network.bytes', percent: 95 },
      ],
    ),
    false,
    `SELECT vigil_g0.value AS k0, json_group_array(DISTINCT ${J('$."destination"."port"')}) FILTER (WHERE ${J('$."destination"."port"')} IS NOT NULL) AS c0, ` +
      `sum(${NUM(J('$."network"."bytes"'))}) AS c1, count(${NUM(J('$."network"."bytes"'))}) AS c2, ` +
      `json_group_array(${J('$."network"."bytes"')}) FILTER (WHERE typeof(${J('$."network"."bytes"')}) IN ('integer', 'real')) AS c3 ` +
      `FROM events e JOIN docs d ON d.id = e.id, json_each(d.doc, '$."event"."category"') AS vigil_g0 ` +
      `WHERE e.ts >= ? AND e.ts < ? AND (((e.message LIKE ? ESCAPE '\\' AND vigil_text(e.message, ?, ?))) AND (e.user_name = ?)) AND vigil_g0.value IS NOT NULL GROUP BY k0`,
    [1, 2, '%led%', 'failed', 0, 'root'],
  ],
  [
    'failed | stats count(user.name) by host.name',
    req('failed', [{ kind: 'field', field: 'host.name' }], [{ func: 'count', field: 'user.name' }]),
    true,
    'SELECT e.host_name AS k0, count(e.user_name) AS c0 FROM events e WHERE e.ts >= ? AND e.ts < ? AND (e.id IN (SELECT rowid FROM fts WHERE fts MATCH ?)) AND +e.host_name IS NOT NULL GROUP BY k0',
    [1, 2, '"failed"'],
  ],
];

for (const [name, r, indexed, sql, params] of golden) {
  void test(`aggregate SQL for ${name}`, () => {
    assert.deepEqual(buildAggregateSql(r, indexed), { sql, params });
  });
}

void test('percentile interpolates between the closest ranks', () => {
  assert.equal(percentile([], 50), null);
  assert.equal(percentile([7], 95), 7);
  assert.equal(percentile([1, 2, 3, 4], 50), 2.5);
  assert.equal(percentile([4, 1, 3, 2], 0), 1);
  assert.equal(percentile([4, 1, 3, 2], 100), 4);
  assert.equal(percentile([10, 20, 30, 40, 50], 90), 46);
});
