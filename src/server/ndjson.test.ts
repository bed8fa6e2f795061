import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseNdjson, splitLines } from './ndjson.js';

describe('parseNdjson', () => {
  test('one object per line; line numbers are 1-based and count blank lines', () => {
    const r = parseNdjson('{"a":1}\n\n{"b":2}\n   \n{"c":{"d":3}}\n');
    assert.deepEqual(r.events, [{ a: 1 }, { b: 2 }, { c: { d: 3 } }]);
    assert.deepEqual(r.lines, [1, 3, 5]);
    assert.deepEqual(r.errors, []);
  });

  test('bad lines are reported by number and never stop the rest', () => {
    const body = ['{"ok":1}', '{"broken', '[1,2]', '42', '"text"', 'null', 'true', '{"ok":2}'].join('\n');
    const r = parseNdjson(body);
    assert.deepEqual(r.events, [{ ok: 1 }, { ok: 2 }]);
    assert.deepEqual(r.lines, [1, 8]);
    assert.deepEqual(
      r.errors.map((e) => e.line),
      [2, 3, 4, 5, 6, 7],
    );
    assert.match(r.errors[0]?.message ?? '', /^invalid JSON: /);
    for (const e of r.errors.slice(1)) assert.equal(e.message, 'not a JSON object');
  });

  test('CRLF line ends and surrounding blanks are accepted', () => {
    const r = parseNdjson('{"a":1}\r\n  {"b":2}  \r\n');
    assert.deepEqual(r.events, [{ a: 1 }, { b: 2 }]);
    assert.deepEqual(r.errors, []);
  });

  test('no trailing newline, an empty body, a body of newlines', () => {
    assert.deepEqual(parseNdjson('{"a":1}').events, [{ a: 1 }]);
    assert.deepEqual(parseNdjson(''), { events: [], errors: [], lines: [] });
    assert.deepEqual(parseNdjson('\n\n\n'), { events: [], errors: [], lines: [] });
  });

  test('a pretty-printed object spread over lines is an error on each of its lines', () => {
    const r = parseNdjson('{\n"a": 1\n}');
    assert.deepEqual(r.events, []);
    assert.deepEqual(
      r.errors.map((e) => e.line),
      [1, 2, 3],
    );
  });

  test('the error message is bounded', () => {
    const r = parseNdjson(`{"a": ${'x'.repeat(10_000)}}`);
    assert.equal(r.errors.length, 1);
    assert.ok((r.errors[0]?.message.length ?? 0) <= 'invalid JSON: '.length + 120);
  });

  test('unicode and escapes survive', () => {
    const r = parseNdjson('{"m":"Grüße 🙂 \\u00e9 \\n"}\n');
    assert.deepEqual(r.events, [{ m: 'Grüße 🙂 é \n' }]);
  });

  test('a "__proto__" key is an ordinary member', () => {
    const r = parseNdjson('{"__proto__":{"polluted":true}}');
    assert.equal(r.events.length, 1);
    assert.ok(Object.hasOwn(r.events[0] as object, '__proto__'));
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });
});

describe('splitLines', () => {
  test('LF and CRLF; empty lines dropped; other blanks kept', () => {
    assert.deepEqual(splitLines('a\nb\r\n\r\n\nc d \n'), ['a', 'b', 'c d ']);
  });

  test('a carriage return inside a line is kept', () => {
    assert.deepEqual(splitLines('a\rb\n'), ['a\rb']);
  });

  test('no final newline, and an empty body', () => {
    assert.deepEqual(splitLines('one\ntwo'), ['one', 'two']);
    assert.deepEqual(splitLines(''), []);
    assert.deepEqual(splitLines('\r\n'), []);
  });
});
