import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { Agg, AggFunc, Expr, Name, Query, Stage } from './ast.js';
import { QueryError } from './errors.js';
import { parseQuery } from './parser.js';
import { printQuery } from './printer.js';
import { spanMs } from './stages.js';
import { stripPositions } from './testing.js';

const P = { start: 0, end: 0 };
const N = (name: string): Name => ({ name, pos: P });

/** Golden: query text → stage AST (positions aside) → canonical text. */
const golden: [string, unknown[], string][] = [
  [
    'event.dataset:sshd | stats count() by source.ip | sort -count | head 10',
    [
      { kind: 'stats', aggs: [{ func: 'count' }], by: [{ name: 'source.ip' }] },
      { kind: 'sort', keys: [{ field: { name: 'count' }, desc: true }] },
      { kind: 'head', n: 10 },
    ],
    'event.dataset:sshd | stats count() by source.ip | sort -count | head 10',
  ],
  [
    'event.dataset:netflow | stats dc(destination.port) as ports by source.ip | where ports > 100',
    [
      { kind: 'stats', aggs: [{ func: 'dc', field: { name: 'destination.port' }, as: { name: 'ports' } }], by: [{ name: 'source.ip' }] },
      { kind: 'where', filter: { kind: 'range', field: 'ports', op: '>', value: { raw: '100', quoted: false, wildcard: false } } },
    ],
    'event.dataset:netflow | stats dc(destination.port) as ports by source.ip | where ports > 100',
  ],
  [
    '* | timechart span=1h count() by event.outcome',
    [{ kind: 'timechart', span: '1h', spanMs: 3_600_000, agg: { func: 'count' }, by: { name: 'event.outcome' } }],
    '* | timechart span=1h count() by event.outcome',
  ],
  [
    '| STATS count AS n, sum(network.bytes) avg(network.bytes) BY source.ip destination.ip',
    [
      {
        kind: 'stats',
        aggs: [{ func: 'count', as: { name: 'n' } }, { func: 'sum', field: { name: 'network.bytes' } }, { func: 'avg', field: { name: 'network.bytes' } }],
        by: [{ name: 'source.ip' }, { name: 'destination.ip' }],
      },
    ],
    '* | stats count() as n, sum(network.bytes), avg(network.bytes) by source.ip, destination.ip',
  ],
  [
    'a | stats p95(network.bytes), percentile(network.bytes,99.5) as p, min(x), max(x), values(user.name)',
    [
      {
        kind: 'stats',
        aggs: [
          { func: 'percentile', field: { name: 'network.bytes' }, percent: 95 },
          { func: 'percentile', field: { name: 'network.bytes' }, percent: 99.5, as: { name: 'p' } },
          { func: 'min', field: { name: 'x' } },
          { func: 'max', field: { name: 'x' } },
          { func: 'values', field: { name: 'user.name' } },
        ],
        by: [],
      },
    ],
    'a | stats percentile(network.bytes, 95), percentile(network.bytes, 99.5) as p, min(x), max(x), values(user.name)',
  ],
  ['x | top source.ip', [{ kind: 'top', n: 10, field: { name: 'source.ip' } }], 'x | top 10 source.ip'],
  ['x | rare 3 user.name | head', [{ kind: 'rare', n: 3, field: { name: 'user.name' } }, { kind: 'head', n: 10 }], 'x | rare 3 user.name | head 10'],
  [
    'x | fields @timestamp, source.ip user.name',
    [{ kind: 'fields', fields: [{ name: '@timestamp' }, { name: 'source.ip' }, { name: 'user.name' }] }],
    'x | fields @timestamp, source.ip, user.name',
  ],
  [
    'x | sort -count, +user.name b',
    [{ kind: 'sort', keys: [{ field: { name: 'count' }, desc: true }, { field: { name: 'user.name' }, desc: false }, { field: { name: 'b' }, desc: false }] }],
    'x | sort -count, user.name, b',
  ],
  // a comma is a word character in the filter, a separator in the stages
  ['user.name:a,b | fields a,b', [{ kind: 'fields', fields: [{ name: 'a' }, { name: 'b' }] }], 'user.name:a,b | fields a, b'],
  ['a | where "x|y" or not n:*', [{ kind: 'where', filter: { kind: 'or', args: [{ kind: 'text', phrase: true, value: { raw: 'x|y', quoted: true, wildcard: false } }, { kind: 'not', arg: { kind: 'exists', field: 'n' } }] } }], 'a | where "x|y" or not n:*'],
];

for (const [text, stages, printed] of golden) {
  void test(`parses the stages of ${JSON.stringify(text)}`, () => {
    const q = parseQuery(text);
    assert.deepEqual(stripPositions(q.stages), stages);
    assert.equal(printQuery(q), printed);
  });
}

void test('stage positions: each stage spans from its | to its last token', () => {
  const text = 'a | stats count() as n by b | head 5';
  const q = parseQuery(text);
  assert.deepEqual(
    q.stages.map((s) => text.slice(s.pos.start, s.pos.end)),
    ['| stats count() as n by b', '| head 5'],
  );
  const s = q.stages[0];
  assert.ok(s?.kind === 'stats');
  assert.equal(text.slice(s.aggs[0]?.pos.start, s.aggs[0]?.pos.end), 'count() as n');
  assert.equal(text.slice(s.by[0]?.pos.start, s.by[0]?.pos.end), 'b');
});

void test('span lengths', () => {
  assert.equal(spanMs('30s'), 30_000);
  assert.equal(spanMs('5m'), 300_000);
  assert.equal(spanMs('1d'), 86_400_000);
  assert.equal(spanMs('2w'), 2 * 604_800_000);
  for (const bad of ['0m', '1', 'h', '1y', '1.5h', '-1h', '1000000h']) assert.equal(spanMs(bad), null, bad);
});

// --- round trip, property-based: parse(print(ast)) = ast, stages included -----------------------------------

const names = fc.constantFrom('source.ip', 'user.name', '@timestamp', 'network.bytes', 'x_y-z', 'count', 'n', 'event.outcome');
const name = names.map(N);
const funcs = fc.constantFrom<AggFunc>('count', 'dc', 'sum', 'avg', 'min', 'max', 'values', 'percentile');
const agg: fc.Arbitrary<Agg> = fc
  .record({ func: funcs, field: fc.option(name, { nil: undefined }), percent: fc.integer({ min: 0, max: 100 }), as: fc.option(name, { nil: undefined }) })
  .map(({ func, field, percent, as }) => {
    const a: Agg = { func, pos: P };
    if (func !== 'count' || field) a.field = field ?? N('network.bytes');
    if (func === 'percentile') a.percent = percent;
    if (as) a.as = as;
    return a;
  });
const word = fc.constantFrom('a', 'web-1', '10', '3.5', 'x*', '10.0.0.0/8', '"a, b"', 'fail?d');
const leaf: fc.Arbitrary<Expr> = fc.oneof(
  fc.record({ field: names, raw: word }).map(({ field, raw }): Expr => {
    const quoted = raw.startsWith('"');
    const r = quoted ? raw.slice(1, -1) : raw;
    return { kind: 'match', pos: P, field, value: { raw: r, quoted, wildcard: !quoted && /[*?]/.test(r), pos: P } };
  }),
  fc.record({ field: names, op: fc.constantFrom('>', '>=', '<', '<=' as const), n: fc.integer({ min: 0, max: 999 }) }).map(
    ({ field, op, n }): Expr => ({ kind: 'range', pos: P, field, op, value: { raw: String(n), quoted: false, wildcard: false, pos: P } }),
  ),
  names.map((field): Expr => ({ kind: 'exists', pos: P, field })),
);
const filter: fc.Arbitrary<Expr> = fc.oneof(
  leaf,
  fc.tuple(leaf, leaf).map(([a, b]): Expr => ({ kind: 'and', pos: P, args: [a, b] })),
  leaf.map((a): Expr => ({ kind: 'not', pos: P, arg: a })),
);
const stage: fc.Arbitrary<Stage> = fc.oneof(
  fc.record({ aggs: fc.array(agg, { minLength: 1, maxLength: 3 }), by: fc.array(name, { maxLength: 3 }) }).map(({ aggs, by }): Stage => ({ kind: 'stats', pos: P, aggs, by })),
  fc
    .record({ n: fc.integer({ min: 1, max: 90 }), unit: fc.constantFrom('s', 'm', 'h', 'd', 'w'), agg, by: fc.option(name, { nil: undefined }) })
    .map(({ n, unit, agg: a, by }): Stage => {
      const span = `${n}${unit}`;
      return { kind: 'timechart', pos: P, span, spanMs: spanMs(span) as number, agg: a, ...(by ? { by } : {}) };
    }),
  fc.record({ kind: fc.constantFrom('top' as const, 'rare' as const), n: fc.integer({ min: 1, max: 1000 }), field: name }).map((s): Stage => ({ ...s, pos: P })),
  filter.map((f): Stage => ({ kind: 'where', pos: P, filter: f })),
  fc.array(fc.record({ field: name, desc: fc.boolean() }), { minLength: 1, maxLength: 3 }).map((keys): Stage => ({ kind: 'sort', pos: P, keys })),
  fc.integer({ min: 1, max: 100_000 }).map((n): Stage => ({ kind: 'head', pos: P, n })),
  fc.array(name, { minLength: 1, maxLength: 4 }).map((fields): Stage => ({ kind: 'fields', pos: P, fields })),
);
const query: fc.Arbitrary<Query> = fc.record({ filter: fc.oneof(filter, fc.constant<Expr>({ kind: 'all', pos: P })), stages: fc.array(stage, { maxLength: 4 }) });

void test('property: parse(print(q)) = q for random queries with stages', () => {
  fc.assert(
    fc.property(query, (q) => {
      const text = printQuery(q);
      assert.deepEqual(stripPositions(parseQuery(text)), stripPositions(q), text);
    }),
    { numRuns: 1500, seed: 42 },
  );
});

// --- fuzzing: any input either parses (and then round-trips) or throws a QueryError ----------------------------

const PARTS = [
  ...['|', ' | ', 'stats', 'timechart', 'top', 'rare', 'where', 'sort', 'head', 'fields', 'by', 'as', 'BY', ',', ' ', '(', ')', '()', '-', '+'],
  ...['count', 'dc', 'sum', 'avg', 'min', 'max', 'values', 'percentile', 'p95', 'span=', 'span=1h', '1h', '5', '0', '100', '1000001'],
  ...['source.ip', 'a', 'x.y', ':', '*', '"', '"a b"', '\\', '>', '>=', 'and', 'or', 'not', '=', 'é', '\u0000'],
];

void test('fuzz: random stage-ish strings never throw anything but a QueryError, and what parses round-trips', () => {
  fc.assert(
    fc.property(fc.array(fc.constantFrom(...PARTS), { maxLength: 16 }), fc.string({ maxLength: 6 }), (parts, noise) => {
      const text = parts.join('') + (parts.length % 3 === 0 ? noise : '');
      let q: Query;
      try {
        q = parseQuery(text);
      } catch (err) {
        assert.ok(err instanceof QueryError, `${JSON.stringify(text)}: ${String(err)}`);
        assert.ok(err.position >= 0 && err.position <= text.length, `${JSON.stringify(text)}: position ${err.position}`);
        return;
      }
      const printed = printQuery(q);
      assert.deepEqual(stripPositions(parseQuery(printed)), stripPositions(q), `${JSON.stringify(text)} printed as ${printed}`);
    }),
    { numRuns: 5000, seed: 7 },
  );
});
