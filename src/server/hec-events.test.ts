import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { LineParser } from '../parsers/line.js';
import { HEC, metaOf, parseHecEvents, toEcs } from './hec-events.js';

test('concatenated envelopes, with or without whitespace between them, braces inside strings', () => {
  const body = '{"event":"a }{ b","time":1}{"event":{"x":"}"}}\n\n  {"event":"c","host":"h"}';
  const r = parseHecEvents(body);
  assert.equal(r.error, undefined);
  assert.deepEqual(
    r.items.map((i) => i.event),
    ['a }{ b', { x: '}' }, 'c'],
  );
  assert.equal(r.items[0]?.meta.time, 1000);
  assert.equal(r.items[2]?.meta.host, 'h');
});

test('escaped quotes inside strings do not end them', () => {
  const r = parseHecEvents('{"event":"say \\"}\\" now"}{"event":"next"}');
  assert.equal(r.error, undefined);
  assert.deepEqual(
    r.items.map((i) => i.event),
    ['say "}" now', 'next'],
  );
});

test('errors stop at the bad envelope and say which one; those before it are kept', () => {
  const cases: [string, (typeof HEC)[keyof typeof HEC], number, number][] = [
    ['', HEC.noData, 0, 0],
    ['   \n', HEC.noData, 0, 0],
    ['{"event":"a"}x', HEC.invalidDataFormat, 1, 1],
    ['{"event":"a"}{"event":', HEC.invalidDataFormat, 1, 1],
    ['{"event":"a"}{"event":nope}', HEC.invalidDataFormat, 1, 1],
    ['[{"event":"a"}]', HEC.invalidDataFormat, 0, 0],
    ['{"host":"x"}', HEC.eventRequired, 0, 0],
    ['{"event":null}', HEC.eventBlank, 0, 0],
    ['{"event":"  "}', HEC.eventBlank, 0, 0],
    ['{"event":"a","index":"Main"}', HEC.incorrectIndex, 0, 0],
    ['{"event":"a","index":5}', HEC.incorrectIndex, 0, 0],
    ['{"event":"a","time":"yesterday"}', HEC.invalidDataFormat, 0, 0],
    ['{"event":"a","fields":"x"}', HEC.invalidDataFormat, 0, 0],
  ];
  for (const [body, answer, kept, number] of cases) {
    const r = parseHecEvents(body);
    assert.equal(r.error?.answer, answer, body);
    assert.equal(r.error?.eventNumber, number, body);
    assert.equal(r.items.length, kept, body);
  }
});

test('time: seconds with a fraction, as a number or a numeric string', () => {
  assert.deepEqual(metaOf({ time: 1764151200.123 }), { time: 1764151200123 });
  assert.deepEqual(metaOf({ time: '1764151200.5' }), { time: 1764151200500 });
  assert.equal(metaOf({ time: -1 }), HEC.invalidDataFormat);
  assert.equal(metaOf({ time: '1e9' }), HEC.invalidDataFormat);
  assert.equal(metaOf({ time: 1e300 }), HEC.invalidDataFormat);
  assert.deepEqual(metaOf({ time: 1764151200123 }), { time: 1764151200123 }, 'milliseconds by mistake are read as milliseconds');
  assert.deepEqual(metaOf({ time: '1764151200123' }), { time: 1764151200123 });
  assert.equal(metaOf({ time: 9e15 }), HEC.invalidDataFormat);
});

test('other JSON values as events are kept as text', () => {
  const r = parseHecEvents('{"event":42}{"event":[1,"a"]}{"event":true}');
  assert.deepEqual(
    r.items.map((i) => i.event),
    ['42', '[1,"a"]', 'true'],
  );
});

test('string events go through the line parser; envelope metadata wins over what the line said', () => {
  const parser = new LineParser();
  const r = parseHecEvents(
    JSON.stringify({
      event: 'Nov 26 10:00:00 web1 sshd[7]: Failed password for root from 203.0.113.9 port 2222 ssh2',
      time: 1764151200,
      host: 'collector',
      source: '/var/log/auth.log',
      sourcetype: 'linux_secure',
      index: 'security',
      fields: { 'k.with.dots': 'v', n: 3, list: ['a', { no: 1 }], obj: { a: 1 } },
    }),
  );
  const item = r.items[0];
  assert.ok(item);
  const { doc, parsed } = toEcs(item, parser, { receivedAt: 0, peer: { address: '127.0.0.1', port: 5 } });
  assert.equal(parsed, true);
  assert.equal(doc['@timestamp'], '2025-11-26T10:00:00.000Z');
  assert.deepEqual(doc['host'], { hostname: 'web1', name: 'collector' });
  assert.equal((doc['event'] as Record<string, unknown>)['dataset'], 'sshd');
  assert.equal((doc['source'] as Record<string, unknown>)['ip'], '203.0.113.9');
  assert.deepEqual(doc['labels'], { source: '/var/log/auth.log', sourcetype: 'linux_secure', index: 'security', k_with_dots: 'v', n: 3, list: ['a'], obj: '{"a":1}' });
});

test('object events are stored as sent, with the peer address and metadata', () => {
  const r = parseHecEvents('{"event":{"message":"m","user":{"name":"u"}},"host":"h"}');
  const item = r.items[0];
  assert.ok(item);
  const { doc, parsed } = toEcs(item, new LineParser(), { receivedAt: 0, peer: { address: '::1', port: 9 } });
  assert.equal(parsed, false);
  assert.deepEqual(doc, { message: 'm', user: { name: 'u' }, log: { source: { address: '::1:9' } }, host: { name: 'h' } });
});

test('a field named __proto__ stays data', () => {
  const r = parseHecEvents('{"event":{"a":1},"fields":{"__proto__":"x"}}');
  const item = r.items[0];
  assert.ok(item);
  const { doc } = toEcs(item, new LineParser(), { receivedAt: 0 });
  assert.equal(({} as Record<string, unknown>)['x'], undefined);
  assert.equal(Object.getPrototypeOf(doc['labels']), Object.prototype);
});

test('hostile bodies never throw; deep nesting and long input stay linear', () => {
  fc.assert(
    fc.property(fc.array(fc.oneof(fc.string(), fc.json(), fc.constantFrom('{', '}', '"', '\\', '{"event":"x"}')), { maxLength: 50 }), (parts) => {
      const r = parseHecEvents(parts.join(''));
      assert.ok(Array.isArray(r.items));
    }),
    { numRuns: 1000 },
  );
  const deep = `{"event":${'['.repeat(100_000)}`;
  const t0 = Date.now();
  assert.equal(parseHecEvents(deep).error?.answer, HEC.invalidDataFormat);
  const open = '{"event":"'.concat('x'.repeat(5_000_000));
  assert.equal(parseHecEvents(open).error?.answer, HEC.invalidDataFormat);
  assert.ok(Date.now() - t0 < 2000);
});
