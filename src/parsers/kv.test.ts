import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { getPath, type EcsEvent } from '../schema/event.js';
import { F } from '../schema/fields.js';
import { kvFormat, MAX_KV_PAIRS, splitKv } from './kv.js';
import { LineParser } from './line.js';
import { adversarialMessages } from './testing/adversarial.js';

const parser = new LineParser(() => Date.UTC(2026, 5, 15));
const parse = (line: string, format?: string): EcsEvent => parser.parse({ message: line, receivedAt: 0, ...(format !== undefined ? { format } : {}) });

describe('kv', () => {
  test('bare, double- and single-quoted values, escapes, empty values, tokens without =', () => {
    assert.deepEqual(splitKv('a=1 b="two words" c=x d=\'it\\\'s\' e= junk f="say \\"hi\\""'), [
      ['a', '1'],
      ['b', 'two words'],
      ['c', 'x'],
      ['d', "it's"],
      ['e', ''],
      ['f', 'say "hi"'],
    ]);
    assert.deepEqual(splitKv('x="unterminated value'), [['x', 'unterminated value']]);
    assert.deepEqual(splitKv('no pairs here'), []);
  });

  test('only when named: --format kv puts pairs under kv.*', () => {
    const line = 'time=2026-06-14T10:00:00Z level=warn msg="login failed" user=bob src.ip=192.0.2.4';
    const e = parse(line, 'kv');
    assert.equal(getPath(e, F.eventDataset), 'kv');
    assert.equal(getPath(e, 'kv.msg'), 'login failed');
    assert.equal(getPath(e, 'kv.user'), 'bob');
    assert.equal(getPath(e, 'kv.src.ip'), '192.0.2.4');
    assert.equal(getPath(e, F.eventOriginal), line);
    const sniffed = parse(line);
    assert.equal(getPath(sniffed, 'kv'), undefined);
    assert.equal(kvFormat.sniff(line), false);
  });

  test('bounded: pairs, key length, key characters, __proto__ kept as data', () => {
    const many = Array.from({ length: 1000 }, (_, i) => `k${i}=v`).join(' ');
    assert.equal(splitKv(many).length, MAX_KV_PAIRS);
    assert.deepEqual(splitKv(`${'k'.repeat(65)}=1 ok=2 a..b=3 .x=4 a/b=5`), [['ok', '2']]);
    const e: EcsEvent = {};
    assert.equal(kvFormat.parse('__proto__=x constructor=y', e), true);
    assert.equal(({} as Record<string, unknown>)['x'], undefined);
    assert.equal(getPath(e, 'kv.__proto__'), 'x');
    assert.equal(getPath(e, 'kv.constructor'), 'y');
  });

  test('a line with no pairs is a parse failure when kv is named', () => {
    const e = parse('just words', 'kv');
    assert.ok((getPath(e, F.tags) as string[]).includes('_parse_failure'));
  });

  test('64 KiB adversarial lines finish in well under 100 ms each', () => {
    const lines = [...adversarialMessages(['a=', 'a="', "a='", 'a=1 b=', 'a="\\']), `a="${'\\'.repeat(65_000)}`, '='.repeat(65_536), 'a=b='.repeat(16_384)];
    for (const l of lines) {
      const t0 = performance.now();
      kvFormat.parse(l, {});
      const ms = performance.now() - t0;
      assert.ok(ms < 100, `${ms.toFixed(1)} ms on ${JSON.stringify(l.slice(0, 40))}`);
    }
  });
});
