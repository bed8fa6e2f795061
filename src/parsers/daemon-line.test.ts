import { test } from 'node:test';
import assert from 'node:assert/strict';
import { daemonLineFormat, digitsAt, fractionMs, monthOf, utcTime } from './daemon-line.js';

test('daemon-line: time helpers reject out-of-range parts and apply offsets', () => {
  assert.equal(utcTime(2013, 3, 7, 7, 8, 36), Date.UTC(2013, 3, 7, 7, 8, 36));
  assert.equal(utcTime(2013, 12, 7, 7, 8, 36), undefined);
  assert.equal(utcTime(2013, 3, 0, 7, 8, 36), undefined);
  assert.equal(utcTime(2013, 3, 7, 24, 8, 36), undefined);
  // +03:00 local time is three hours earlier in UTC
  assert.equal(utcTime(2013, 5, 11, 2, 9, 40, 0, 180), Date.UTC(2013, 5, 10, 23, 9, 40));
  assert.equal(fractionMs('767815'), 767);
  assert.equal(fractionMs('9'), 900);
  assert.equal(fractionMs(undefined), 0);
  assert.equal(monthOf('Dec'), 11);
  assert.equal(monthOf('Foo'), -1);
  assert.equal(digitsAt('12-34', [0, 1, 3, 4]), true);
  assert.equal(digitsAt('12-34', [2]), false);
  assert.equal(digitsAt('1', [5]), false);
});

test('daemon-line: a reader that throws or gives no line leaves the event untouched', () => {
  const throwing = daemonLineFormat({ name: 't', dataset: 't' }, () => true, () => {
    throw new Error('bad');
  });
  const e = {};
  assert.equal(throwing.parse('x', e), false);
  assert.deepEqual(e, {});
  const timed = daemonLineFormat({ name: 't', dataset: 't' }, () => true, () => ({ ts: Number.NaN, fields: { 'source.ip': '192.0.2.1' }, message: 'm' }));
  const f: Record<string, unknown> = {};
  assert.equal(timed.parse('x', f), true);
  assert.deepEqual(f, { message: 'm', source: { ip: '192.0.2.1' } });
});
