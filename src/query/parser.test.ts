import assert from 'node:assert/strict';
import { test } from 'node:test';
import { QueryError } from './errors.js';
import { MAX_NESTING, MAX_QUERY_LENGTH, parseQuery } from './parser.js';
import { stripPositions } from './testing.js';

// Builders for expected shapes (positions are checked separately).
const val = (raw: string, quoted = false, wildcard = false) => ({ raw, quoted, wildcard });
const m = (field: string, raw: string, quoted = false, wildcard = false) => ({ kind: 'match', field, value: val(raw, quoted, wildcard) });
const r = (field: string, op: string, raw: string, quoted = false) => ({ kind: 'range', field, op, value: val(raw, quoted) });
const ex = (field: string) => ({ kind: 'exists', field });
const t = (raw: string, phrase = false, wildcard = false) => ({ kind: 'text', phrase, value: val(raw, phrase, wildcard) });
const and = (...args: unknown[]) => ({ kind: 'and', args });
const or = (...args: unknown[]) => ({ kind: 'or', args });
const not = (arg: unknown) => ({ kind: 'not', arg });
const all = { kind: 'all' };

const golden: [string, unknown][] = [
  ['', all],
  ['   ', all],
  ['*', all],
  ['user.name:root', m('user.name', 'root')],
  ['user.name : root', m('user.name', 'root')],
  ['message:"Failed password"', m('message', 'Failed password', true)],
  ['host.name:web-*', m('host.name', 'web-*', false, true)],
  ['host.name:web-0?', m('host.name', 'web-0?', false, true)],
  ['host.name:"web-*"', m('host.name', 'web-*', true)],
  ['file.name:a\\*b', m('file.name', 'a\\*b')],
  ['user.name:svc\\:backup', m('user.name', 'svc\\:backup')],
  ['user.name:svc:backup', m('user.name', 'svc:backup')],
  ['source.ip:2001:db8::1', m('source.ip', '2001:db8::1')],
  ['source.ip:::1', m('source.ip', '::1')],
  ['source.ip:10.0.0.0/8', m('source.ip', '10.0.0.0/8')],
  ['message:"say \\"hi\\""', m('message', 'say \\"hi\\"', true)],
  ['user.name:*', ex('user.name')],
  ['@timestamp >= 2024-01-01T00:00:00Z', r('@timestamp', '>=', '2024-01-01T00:00:00Z')],
  ['destination.port>1024', r('destination.port', '>', '1024')],
  ['user.name < "m"', r('user.name', '<', 'm', true)],
  ['a.b <= 5', r('a.b', '<=', '5')],
  ['user.name:(root or admin)', or(m('user.name', 'root'), m('user.name', 'admin'))],
  ['f:(a or b and c)', or(m('f', 'a'), and(m('f', 'b'), m('f', 'c')))],
  ['f:(a and not (b or *))', and(m('f', 'a'), not(or(m('f', 'b'), ex('f'))))],
  ['f:(a b)', and(m('f', 'a'), m('f', 'b'))],
  ['f:(x)', m('f', 'x')],
  ['f:not:x', m('f', 'not:x')],
  ['f:(not:x or y)', or(m('f', 'not:x'), m('f', 'y'))],
  ['a and b or c', or(and(t('a'), t('b')), t('c'))],
  ['a or b and c', or(t('a'), and(t('b'), t('c')))],
  ['a AND b Or NOT c', or(and(t('a'), t('b')), not(t('c')))],
  ['not a and b', and(not(t('a')), t('b'))],
  ['not not a', not(not(t('a')))],
  ['a b c', and(t('a'), t('b'), t('c'))],
  ['a not b', and(t('a'), not(t('b')))],
  ['(a and b) and c', and(and(t('a'), t('b')), t('c'))],
  ['((a))', t('a')],
  ['(a or b) and c', and(or(t('a'), t('b')), t('c'))],
  ['"Failed password"', t('Failed password', true)],
  ['fail*', t('fail*', false, true)],
  ['\\and', t('\\and')],
  ['"and"', t('and', true)],
  ['* and user.name:root', and(all, m('user.name', 'root'))],
  [
    'event.category:authentication and event.outcome:failure and not source.ip:10.0.0.0/8',
    and(m('event.category', 'authentication'), m('event.outcome', 'failure'), not(m('source.ip', '10.0.0.0/8'))),
  ],
  ['user.name:(root or admin) and host.name:web-*', and(or(m('user.name', 'root'), m('user.name', 'admin')), m('host.name', 'web-*', false, true))],
];

for (const [query, expected] of golden) {
  void test(`parses ${JSON.stringify(query)}`, () => {
    const q = parseQuery(query);
    assert.deepEqual(stripPositions(q.filter), expected);
    assert.deepEqual(q.stages, []);
  });
}

void test('nodes carry source positions', () => {
  const q = parseQuery('not user.name:root or x > "5"');
  assert.deepEqual(q.filter, {
    kind: 'or',
    pos: { start: 0, end: 29 },
    args: [
      {
        kind: 'not',
        pos: { start: 0, end: 18 },
        arg: { kind: 'match', pos: { start: 4, end: 18 }, field: 'user.name', value: { raw: 'root', quoted: false, wildcard: false, pos: { start: 14, end: 18 } } },
      },
      { kind: 'range', pos: { start: 22, end: 29 }, field: 'x', op: '>', value: { raw: '5', quoted: true, wildcard: false, pos: { start: 26, end: 29 } } },
    ],
  });
});

const errors: [string, string, number, string | undefined][] = [
  ['user.name:', 'VIGIL_ERR_QUERY_PARSE', 10, "a value after ':'"],
  ['user.name: )', 'VIGIL_ERR_QUERY_PARSE', 11, "a value after ':'"],
  ['(a or b', 'VIGIL_ERR_QUERY_PARSE', 7, "')'"],
  ['f:(a or b', 'VIGIL_ERR_QUERY_PARSE', 9, "')'"],
  ['a and', 'VIGIL_ERR_QUERY_PARSE', 5, "a field, value or '(' after 'and'"],
  ['a or or b', 'VIGIL_ERR_QUERY_PARSE', 5, "a field, value or '(' after 'or'"],
  ['not', 'VIGIL_ERR_QUERY_PARSE', 3, "a field, value or '(' after 'not'"],
  ['a)', 'VIGIL_ERR_QUERY_PARSE', 1, "'and', 'or', '|' or the end of the query"],
  ['"open', 'VIGIL_ERR_QUERY_PARSE', 0, "'\"'"],
  ['abc\\', 'VIGIL_ERR_QUERY_PARSE', 4, "a character after '\\'"],
  ['f > ', 'VIGIL_ERR_QUERY_PARSE', 4, "a value after '>'"],
  ['f >= (', 'VIGIL_ERR_QUERY_PARSE', 5, "a value after '>='"],
  ['f:(and)', 'VIGIL_ERR_QUERY_PARSE', 3, "a field value or '('"],
  ['we*rd:x', 'VIGIL_ERR_QUERY_PARSE', 0, "a field name of letters, digits, '_', '.', '@' or '-'"],
  ['f > web-*', 'VIGIL_ERR_QUERY_INVALID', 4, undefined],
  ['a:b | stats', 'VIGIL_ERR_QUERY_PARSE', 11, 'an aggregation (count, dc, sum, avg, min, max, values, percentile)'],
  ['a | stast count()', 'VIGIL_ERR_QUERY_PARSE', 4, 'a stage: stats, timechart, top, rare, where, sort, head, fields'],
  ['a | stats cuont()', 'VIGIL_ERR_QUERY_PARSE', 10, 'an aggregation: count, dc, sum, avg, min, max, values, percentile'],
  ['a | stats dc()', 'VIGIL_ERR_QUERY_PARSE', 14, 'a field: dc(field)'],
  ['a | stats percentile(x)', 'VIGIL_ERR_QUERY_PARSE', 22, "',' and a percentile from 0 to 100"],
  ['a | stats count() by', 'VIGIL_ERR_QUERY_PARSE', 20, 'a field to group by'],
  ['a | timechart count()', 'VIGIL_ERR_QUERY_PARSE', 14, "'span=' and a length such as 5m, 1h or 1d"],
  ['a | timechart span=2x count()', 'VIGIL_ERR_QUERY_PARSE', 19, 'a span such as 5m, 1h or 1d'],
  ['a | head 0', 'VIGIL_ERR_QUERY_PARSE', 9, 'a positive whole number'],
  ['a | head 10 x', 'VIGIL_ERR_QUERY_PARSE', 12, "'|' or the end of the query"],
  ['a | where', 'VIGIL_ERR_QUERY_PARSE', 9, "a field, value or '('"],
  ['a |', 'VIGIL_ERR_QUERY_PARSE', 3, "a stage after '|' (stats, timechart, top, rare, where, sort, head, fields)"],
  ['a | sort', 'VIGIL_ERR_QUERY_PARSE', 8, "a field to sort by, '-' before it for descending"],
];

for (const [query, code, position, expected] of errors) {
  void test(`rejects ${JSON.stringify(query)}`, () => {
    assert.throws(
      () => parseQuery(query),
      (err: unknown) => {
        assert.ok(err instanceof QueryError);
        assert.equal(err.code, code);
        assert.equal(err.position, position);
        assert.equal(err.expected, expected);
        assert.match(err.message, new RegExp(`at position ${position}$`));
        return true;
      },
    );
  });
}

void test('error messages name what was expected', () => {
  assert.throws(() => parseQuery('user.name:'), { message: "unexpected end of query, expected a value after ':' at position 10" });
  assert.throws(() => parseQuery('a | stast count()'), { message: "unknown stage 'stast' (did you mean 'stats'?) at position 4" });
  assert.throws(() => parseQuery('a | stats cuont()'), { message: "unknown aggregation 'cuont' (did you mean 'count'?) at position 10" });
});

void test('bounds hostile input', () => {
  const long = 'a '.repeat(MAX_QUERY_LENGTH / 2) + 'b';
  assert.throws(() => parseQuery(long), { code: 'VIGIL_ERR_QUERY_PARSE', position: MAX_QUERY_LENGTH });
  assert.doesNotThrow(() => parseQuery('a '.repeat(MAX_QUERY_LENGTH / 2 - 1) + 'b'));
  const deep = (n: number) => '('.repeat(n) + 'a' + ')'.repeat(n);
  assert.doesNotThrow(() => parseQuery(deep(MAX_NESTING)));
  assert.throws(() => parseQuery(deep(MAX_NESTING + 1)), { code: 'VIGIL_ERR_QUERY_PARSE', position: MAX_NESTING });
  assert.throws(() => parseQuery('not '.repeat(MAX_NESTING + 1) + 'a'), { code: 'VIGIL_ERR_QUERY_PARSE' });
  assert.throws(() => parseQuery('('.repeat(5000)), { code: 'VIGIL_ERR_QUERY_PARSE' });
  assert.throws(() => parseQuery('f:' + '('.repeat(5000)), { code: 'VIGIL_ERR_QUERY_PARSE' });
});
