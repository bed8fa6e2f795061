import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseInstant, parseNumber } from './convert.js';

void test('parses numbers', () => {
  assert.equal(parseNumber('42'), 42);
  assert.equal(parseNumber('-1.5'), -1.5);
  assert.equal(parseNumber('.5'), 0.5);
  assert.equal(parseNumber('1e3'), 1000);
  for (const bad of ['', '0x10', '1_000', 'Infinity', 'NaN', '1e999', '1.2.3', ' 1']) assert.equal(parseNumber(bad), null, bad);
});

void test('parses instants to epoch milliseconds', () => {
  const cases: [string, number][] = [
    ['2024-01-02', Date.UTC(2024, 0, 2)],
    ['2024-01-02T03:04:05Z', Date.UTC(2024, 0, 2, 3, 4, 5)],
    ['2024-01-02T03:04Z', Date.UTC(2024, 0, 2, 3, 4)],
    ['2024-01-02T03:04:05.678Z', Date.UTC(2024, 0, 2, 3, 4, 5, 678)],
    ['2024-01-02T03:04:05.6789999Z', Date.UTC(2024, 0, 2, 3, 4, 5, 678)],
    ['2024-01-02T03:04:05.6Z', Date.UTC(2024, 0, 2, 3, 4, 5, 600)],
    ['2024-01-02T03:04:05+02:00', Date.UTC(2024, 0, 2, 1, 4, 5)],
    ['2024-01-02T03:04:05-0130', Date.UTC(2024, 0, 2, 4, 34, 5)],
    ['2024-02-29', Date.UTC(2024, 1, 29)],
    ['0050-01-01', new Date('0050-01-01T00:00:00Z').getTime()],
    ['1704067200000', 1704067200000],
    ['-1000', -1000],
  ];
  for (const [text, ms] of cases) assert.equal(parseInstant(text), ms, text);
  for (const bad of ['2023-02-29', '2024-13-01', '2024-00-10', '2024-01-32', '2024-01-02T24:00:00Z', '2024-01-02T03:04:05', '2024-01-02T03:04:05+24:00', '24-01-02', 'today', '2024-01-02 03:04:05Z']) {
    assert.equal(parseInstant(bad), null, bad);
  }
});
