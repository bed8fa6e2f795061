import assert from 'node:assert/strict';
import { test } from 'node:test';
import { globMatch, sqlCompare } from './evaluate.js';
import { valuePieces } from './value.js';

const glob = (pattern: string, input: string): boolean => globMatch(valuePieces({ raw: pattern, quoted: false, wildcard: true, pos: { start: 0, end: 0 } }), input);

void test('wildcards as SQLite GLOB: * any run, ? one character, escapes literal, case-sensitive', () => {
  assert.equal(glob('web-*', 'web-01'), true);
  assert.equal(glob('web-*', 'Web-01'), false);
  assert.equal(glob('web-0?', 'web-01'), true);
  assert.equal(glob('web-0?', 'web-011'), false);
  assert.equal(glob('*', ''), true);
  assert.equal(glob('a*b*c', 'axxbyyc'), true);
  assert.equal(glob('a*b*c', 'axxbyy'), false);
  assert.equal(glob('a\\*b', 'a*b'), true);
  assert.equal(glob('a\\*b', 'axb'), false);
  assert.equal(glob('?', 'é'), true);
  assert.equal(glob('?', '😀'), true);
});

void test('a hostile pattern against a long value is bounded', () => {
  const pattern = '*a'.repeat(2000) + '*b';
  const input = 'a'.repeat(65_536);
  const t = performance.now();
  assert.equal(glob(pattern, input), false);
  assert.ok(performance.now() - t < 5000);
});

void test('SQLite order: numbers before text, text by UTF-8 bytes', () => {
  assert.ok(sqlCompare(5, 'a') < 0);
  assert.ok(sqlCompare('10', '9') < 0);
  assert.ok(sqlCompare(10, 9) > 0);
  assert.ok(sqlCompare('\uffff', '😀') < 0);
  assert.equal(sqlCompare('x', 'x'), 0);
});
