import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadRuleSet } from '../ruleset.js';
import { loadAnomalyText, parseDuration, parseMetric, type AnomalyLoadResult } from './load.js';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const empty = (): AnomalyLoadResult => ({ rules: [], problems: [], claimed: new Set() });

test('durations and metrics', () => {
  assert.equal(parseDuration('10s', 'x'), 10_000);
  assert.equal(parseDuration('1.5m', 'x'), 90_000);
  assert.equal(parseDuration('250ms', 'x'), 250);
  assert.throws(() => parseDuration('10', 'x'), /must be a number and one of/);
  assert.throws(() => parseDuration('40d', 'x'), /between/);
  assert.deepEqual(parseMetric(undefined), { kind: 'count' });
  assert.deepEqual(parseMetric('sum(network.bytes)'), { kind: 'sum', field: 'network.bytes' });
  assert.deepEqual(parseMetric('dc(destination.port)'), { kind: 'dc', field: 'destination.port' });
  assert.throws(() => parseMetric('avg(x)'), /count, sum\(FIELD\) or dc\(FIELD\)/);
});

test('a file mixing Sigma and detector documents: each loader takes its own, problems keep their line', () => {
  const out = empty();
  const text = [
    'title: sigma rule',
    'detection: { s: { a: 1 }, condition: s }',
    'logsource: { product: linux }',
    '---',
    'title: good',
    'id: g1',
    'vigil: baseline',
    'key: [source.ip]',
    'query: "event.dataset:sshd"',
    '---',
    'title: bad',
    'id: b1',
    'vigil: silence',
    'key: host.name',
    'min_silence: soon',
    '---',
    'title: bad query',
    'vigil: baseline',
    'key: source.ip',
    'query: "a:(b"',
    '---',
    'title: unknown key',
    'vigil: baseline',
    'key: source.ip',
    'treshold: { min: 3 }',
  ].join('\n');
  loadAnomalyText(text, 'mixed.yml', out);
  assert.deepEqual(out.rules.map((r) => r.meta.id), ['g1']);
  assert.deepEqual(
    out.problems.map((p) => [p.code, p.location.line, p.ruleId]),
    [
      ['VIGIL_ANOMALY_BAD_DURATION', 11, 'b1'],
      ['VIGIL_ANOMALY_BAD_FILTER', 17, undefined],
      ['VIGIL_ANOMALY_UNKNOWN_KEY', 22, undefined],
    ],
  );
  assert.equal(out.claimed.size, 4, 'the Sigma document is not claimed');
});

test('the rule set: detector documents load beside Sigma without Sigma problems; their ids raise alerts', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-anomaly-load-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'a.yml'), 'title: spike\nid: s1\nvigil: baseline\nkey: source.ip\n---\ntitle: quiet\nid: q1\nvigil: silence\nkey: host.name\ngenerate: false\n');
  writeFileSync(join(dir, 'b.yml'), 'title: dup\nid: s1\nvigil: baseline\nkey: source.ip\n');
  const set = loadRuleSet([dir], { shipped: false });
  assert.deepEqual(set.anomaly?.rules.map((r) => r.meta.id), ['s1', 'q1']);
  assert.deepEqual(set.problems.map((p) => p.code), ['VIGIL_ANOMALY_DUPLICATE_ID']);
  assert.ok(set.emits.has('s1'));
  assert.ok(!set.emits.has('q1'), 'generate: false');
});

test('the shipped rules load without problems, with the ids `vigil simulate` expects', () => {
  const set = loadRuleSet([fileURLToPath(new URL('../../../rules/anomaly/', import.meta.url))], { shipped: false });
  assert.deepEqual(set.problems, []);
  const ids = new Map(set.anomaly?.rules.map((r) => [r.meta.id, r.type]));
  assert.equal(ids.get('70c4ef5e-313f-4014-b21b-25d6ac6d3063'), 'baseline');
  assert.equal(ids.get('86b1b492-6cdf-4553-92ea-e8fadc34756f'), 'silence');
  assert.equal(ids.size, 6);
});
