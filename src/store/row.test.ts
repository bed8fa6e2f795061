import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EcsEvent } from '../schema/event.js';
import { docJson, fromRow, messageOf, originalOf } from './row.js';

const MSG = 'Failed password for root from 10.0.0.1 port 22 ssh2';
const TS = '2026-11-27T08:00:00.000Z';
const HEADER = '<38>1 2026-11-27T08:00:00+00:00 web-1 sshd 77 - - ';

function roundTrip(event: EcsEvent): { doc: string; back: EcsEvent } {
  const before = structuredClone(event);
  const message = messageOf(event);
  const doc = docJson(event, message);
  assert.deepEqual(event, before, 'docJson leaves the event as it found it');
  return { doc, back: fromRow(doc, message) };
}

test('an event.original that ends with the message is stored as its header and read back whole', () => {
  const event: EcsEvent = { '@timestamp': TS, message: MSG, event: { original: HEADER + MSG, dataset: 'syslog' } };
  const { doc, back } = roundTrip(event);
  assert.deepEqual(back, event);
  assert.equal(doc.includes(MSG), false, 'the message text is stored once, in its own column');
  assert.deepEqual((JSON.parse(doc) as { event: { original: unknown } }).event.original, [HEADER]);
});

test('an event.original equal to the message keeps an empty header', () => {
  const event: EcsEvent = { '@timestamp': TS, message: MSG, event: { original: MSG } };
  const { doc, back } = roundTrip(event);
  assert.deepEqual(back, event);
  assert.deepEqual((JSON.parse(doc) as { event: { original: unknown } }).event.original, ['']);
});

test('other event.original values are kept as they are, an array one level deeper', () => {
  for (const original of ['something else', MSG + ' trailing', 42, { a: 1 }, null, ['a'], [], [['x'], 'y']]) {
    const event: EcsEvent = { '@timestamp': TS, message: MSG, event: { original } };
    const { doc, back } = roundTrip(event);
    assert.deepEqual(back, event, JSON.stringify(original));
    const stored = (JSON.parse(doc) as { event: { original: unknown } }).event.original;
    assert.deepEqual(stored, Array.isArray(original) ? [original] : original);
  }
});

test('text the message column cannot hold exactly (a lone surrogate) keeps event.original whole', () => {
  for (const [head, msg] of [
    ['h ', 'lone \ud800 high'],
    ['h \ud83d', '\ude00 a pair split between header and message'],
  ] as const) {
    const event: EcsEvent = { message: msg, event: { original: head + msg } };
    const doc = docJson(event, msg);
    assert.equal((JSON.parse(doc) as { event: { original: unknown } }).event.original, head + msg);
  }
});

test('without a text message, or without an event object, the document is the event', () => {
  const noMessage: EcsEvent = { event: { original: 'x' } };
  assert.equal(docJson(noMessage, null), JSON.stringify(noMessage));
  const flat: EcsEvent = { '@timestamp': TS, message: MSG, 'event.original': MSG };
  assert.deepEqual(fromRow(docJson(flat, MSG), MSG), flat);
});

test('originalOf: a one-element array of text is header + message; of anything else, that element', () => {
  assert.equal(originalOf(['<13>'], 'm'), '<13>m');
  assert.equal(originalOf(['<13>'], null), '<13>');
  assert.deepEqual(originalOf([[1, 2]], 'm'), [1, 2]);
  assert.equal(originalOf('text', 'm'), 'text');
  assert.deepEqual(originalOf([1, 2], 'm'), [1, 2]);
});
