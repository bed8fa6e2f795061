import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { VigilError } from './errors.js';
import { parseTimeArg } from './time.js';

const NOW = Date.UTC(2026, 5, 15, 12, 0, 0);

describe('parseTimeArg', () => {
  test('now', () => {
    assert.equal(parseTimeArg('now', NOW, 'from'), NOW);
    assert.equal(parseTimeArg('  now ', NOW, 'from'), NOW);
  });

  test('relative to now, with or without the "now" prefix, in every unit', () => {
    const cases: [string, number][] = [
      ['-500ms', 500],
      ['-30s', 30_000],
      ['-15m', 15 * 60_000],
      ['-2h', 2 * 3_600_000],
      ['-7d', 7 * 86_400_000],
      ['-1w', 604_800_000],
      ['now-15m', 15 * 60_000],
      ['now-7d', 7 * 86_400_000],
      ['-0s', 0],
    ];
    for (const [arg, ago] of cases) assert.equal(parseTimeArg(arg, NOW, 'from'), NOW - ago, arg);
  });

  test('ISO 8601 with a zone', () => {
    assert.equal(parseTimeArg('2024-03-01T01:00:00Z', NOW, 'from'), Date.UTC(2024, 2, 1, 1));
    assert.equal(parseTimeArg('2024-03-01T01:00:00.250Z', NOW, 'from'), Date.UTC(2024, 2, 1, 1, 0, 0, 250));
    assert.equal(parseTimeArg('2024-03-01T03:00:00+02:00', NOW, 'from'), Date.UTC(2024, 2, 1, 1));
    assert.equal(parseTimeArg('2024-03-01', NOW, 'from'), Date.UTC(2024, 2, 1), 'a date alone is UTC midnight');
  });

  test('digits are epoch milliseconds', () => {
    assert.equal(parseTimeArg('0', NOW, 'from'), 0);
    assert.equal(parseTimeArg('1709254800000', NOW, 'from'), 1_709_254_800_000);
    assert.equal(parseTimeArg('2024', NOW, 'from'), 2024, 'not the year 2024');
  });

  test('anything else is refused with the parameter name and code VIGIL_ERR_BAD_TIME', () => {
    for (const bad of ['', 'yesterday', '-15', '-15x', '15m', 'now+5m', 'now-', '2024-13-45T00:00:00Z', '-1y']) {
      assert.throws(
        () => parseTimeArg(bad, NOW, 'to'),
        (err: unknown) => err instanceof VigilError && err.code === 'VIGIL_ERR_BAD_TIME' && err.message.startsWith('to:'),
        JSON.stringify(bad),
      );
    }
  });

  test('the error quotes at most 64 characters of the input', () => {
    assert.throws(
      () => parseTimeArg('x'.repeat(1000), NOW, 'from'),
      (err: unknown) => err instanceof VigilError && err.message.includes('x'.repeat(64)) && !err.message.includes('x'.repeat(65)),
    );
  });
});
