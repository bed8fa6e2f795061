import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decodeBatch, encodeBatch, encodeEvent, joinRows, ROW_SEP } from './batch-codec.js';
import { toRow, type StoredRow } from './row.js';
import type { EcsEvent } from '../schema/event.js';

function row(over: Partial<StoredRow> = {}): StoredRow {
  return {
    ts: 1_700_000_000_123,
    sourceIp: '192.0.2.1',
    destinationIp: '198.51.100.2',
    userName: 'root',
    hostName: 'LabSZ',
    dataset: 'sshd',
    outcome: 'failure',
    message: 'Failed password for root from 192.0.2.1 port 22 ssh2',
    doc: JSON.stringify({ '@timestamp': '2023-11-14T22:13:20.123Z', event: { kind: 'event' } }),
    ...over,
  };
}

const KEYS = ['sourceIp', 'destinationIp', 'userName', 'hostName', 'dataset', 'outcome', 'message'] as const;

function roundTrip(rows: StoredRow[]): StoredRow[] {
  return decodeBatch(encodeBatch(rows));
}

describe('batch codec', () => {
  test('one row round-trips', () => {
    const r = row();
    assert.deepEqual(roundTrip([r]), [r]);
  });

  test('an empty batch round-trips', () => {
    assert.deepEqual(roundTrip([]), []);
  });

  test('nulls in every nullable column, one at a time and all at once', () => {
    const rows: StoredRow[] = KEYS.map((k) => row({ [k]: null }));
    rows.push(row({ sourceIp: null, destinationIp: null, userName: null, hostName: null, dataset: null, outcome: null, message: null }));
    assert.deepEqual(roundTrip(rows), rows);
  });

  test('empty strings stay empty strings, distinct from null', () => {
    const rows = [...KEYS.map((k) => row({ [k]: '' })), row({ doc: '' }), row({ message: '', doc: '{}' })];
    const back = roundTrip(rows);
    assert.deepEqual(back, rows);
    for (let i = 0; i < KEYS.length; i++) assert.equal(back[i]?.[KEYS[i] as (typeof KEYS)[number]], '');
  });

  test('unicode of every width, combining marks and emoji', () => {
    const text = 'Grüße 東京 Ελλάδα e\u0301 🙂👩‍💻 \u{10FFFF} \uFEFF';
    const rows = [
      row({ message: text, userName: 'Müller', hostName: 'хост', doc: JSON.stringify({ note: text }) }),
      row({ message: '🙂', userName: '🙂', doc: '{"a":"🙂"}' }),
    ];
    assert.deepEqual(roundTrip(rows), rows);
  });

  test('control characters, separators and JSON-looking text inside values', () => {
    const nasty = 'a\u0000b\u0001c\u0002d\n\r\t"quoted" \\ [1,2] {"x":1}';
    const rows = [row({ message: nasty, userName: nasty, hostName: '\u0001', outcome: '\u0002', doc: JSON.stringify({ m: nasty }) }), row()];
    assert.deepEqual(roundTrip(rows), rows);
  });

  test('timestamps: fractional, zero, negative, large', () => {
    const rows = [row({ ts: 0 }), row({ ts: -86_400_000 }), row({ ts: 1_700_000_000_123.5 }), row({ ts: 8_640_000_000_000_000 })];
    assert.deepEqual(
      roundTrip(rows).map((r) => r.ts),
      rows.map((r) => r.ts),
    );
  });

  test('many rows keep their order', () => {
    const rows = Array.from({ length: 2000 }, (_, i) => row({ ts: i, message: i % 3 === 0 ? null : `message ${i}`, userName: i % 5 === 0 ? '' : `u${i}`, doc: JSON.stringify({ i }) }));
    assert.deepEqual(roundTrip(rows), rows);
  });

  test('a large value round-trips', () => {
    const r = row({ message: 'x'.repeat(200_000), doc: JSON.stringify({ big: 'y'.repeat(100_000) }) });
    assert.deepEqual(roundTrip([r]), [r]);
  });

  test('the encoding is deterministic: the integrity chain hashes it', () => {
    const rows = [row(), row({ message: 'ü', userName: null })];
    assert.deepEqual(encodeBatch(rows), encodeBatch(rows.map((r) => ({ ...r }))));
  });

  test('any change of a row changes the encoding', () => {
    const base = [row(), row({ ts: 2 })];
    const enc = encodeBatch(base);
    const variants: StoredRow[][] = [
      [row({ ts: 1_700_000_000_124 }), row({ ts: 2 })],
      [row(), row({ ts: 3 })],
      [row({ ts: 2 }), row()], // reordered
      [row()], // deleted
      ...KEYS.map((k) => [row({ [k]: null }), row({ ts: 2 })]),
      ...KEYS.map((k) => [row({ [k]: '' }), row({ ts: 2 })]),
      [row({ doc: '{}' }), row({ ts: 2 })],
      // moving text between adjacent columns must not give the same encoding
      [row({ userName: 'roo', hostName: 'tLabSZ' }), row({ ts: 2 })],
    ];
    for (const v of variants) assert.notDeepEqual(encodeBatch(v), enc, JSON.stringify(v[0]).slice(0, 120));
  });

  test('decoding reads the same rows as JSON.parse of each head, for random rows (quotes, escapes, nulls, odd numbers)', () => {
    // a seeded generator: the same rows on every run
    let seed = 0x2545f491;
    const rnd = (n: number): number => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return (seed >>> 0) % n;
    };
    const pieces = ['a', 'Z', ' ', ',', '"', '\\', '\\"', '[', ']', 'null', '1', '\u0000', '\u0001', '\u0002', '\n', 'ü', '🙂', '\ud800', '\udc00', '\u2028', '"]'];
    const text = (): string | null => {
      if (rnd(4) === 0) return null;
      let t = '';
      const n = rnd(3) === 0 ? rnd(40) : rnd(4);
      for (let i = 0; i < n; i++) t += rnd(3) === 0 ? (pieces[rnd(pieces.length)] as string) : 'x';
      return t;
    };
    const stamps = [0, 1, -1, 1_795_766_402_000, 1_700_000_000_123.5, 8_640_000_000_000_000, 1e21, -86_400_000, Number.NaN, 0.1];
    for (let round = 0; round < 200; round++) {
      const rows: StoredRow[] = Array.from({ length: 1 + rnd(30) }, () => ({
        ts: stamps[rnd(stamps.length)] as number,
        sourceIp: text(),
        destinationIp: text(),
        userName: text(),
        hostName: text(),
        dataset: text(),
        outcome: text(),
        message: text(),
        doc: JSON.stringify({ m: text() }),
      }));
      const batch = encodeBatch(rows);
      const reference = batch.split(ROW_SEP).map((r) => {
        const sep = r.indexOf('\u0001');
        const h = JSON.parse(r.slice(0, sep)) as [number, ...(string | null)[]];
        return { ts: h[0], sourceIp: h[1], destinationIp: h[2], userName: h[3], hostName: h[4], dataset: h[5], outcome: h[6], message: h[7], doc: r.slice(sep + 1) };
      });
      assert.deepEqual(decodeBatch(batch), reference, batch.slice(0, 200));
    }
  });

  describe('encodeEvent (rows built straight from events) gives the text encodeRow(toRow()) gives', () => {
    const nasty = 'a\u0000b\u0001c\u0002d\n\r\t"q" \\ 🙂 \u{10FFFF}';
    const events: [EcsEvent, number][] = [
      [{ '@timestamp': '2026-11-27T04:45:00.000Z', message: 'Failed password for root', source: { ip: '192.0.2.1' }, destination: { ip: '198.51.100.2' }, user: { name: 'root' }, host: { name: 'h' }, event: { dataset: 'sshd', outcome: 'failure' } }, 1_795_754_700_000],
      [{ event: { dataset: 'x' } }, 0],
      [{ message: nasty, user: { name: nasty }, host: { name: '' } }, -86_400_000],
      // values that are not text: numbers and booleans become text, objects and arrays and long text are left out
      [{ message: 42, source: { ip: 3232235777 }, user: { name: true }, host: { name: { nested: 1 } }, event: { dataset: ['a'], outcome: 'x'.repeat(2000) } }, 1_700_000_000_123.5],
      [{ message: null, source: null, destination: { ip: null } }, Number.NaN],
      [{ message: '' }, 8_640_000_000_000_000],
      // lone surrogates (escaped by JSON.stringify), a pair, DEL and the characters just above the control range
      [{ message: 'a\ud800b', user: { name: '\udc00' }, host: { name: '\ud83d\ude42' } }, 1],
      [{ message: '\u007f \u0020 \u00a0 \u2028 \u2029', host: { name: '\u001f' }, event: { dataset: '\\' } }, 2],
      [{ 'source.ip': '10.0.0.1', message: undefined }, Infinity],
    ];
    for (const [i, [e, ts]] of events.entries()) {
      test(`event ${i}`, () => {
        const before = JSON.stringify(e);
        assert.equal(encodeEvent(e, ts), encodeBatch([toRow(e, ts)]));
        // the event is left as it was (the message is taken out of the document only while it is written)
        assert.equal(JSON.stringify(e), before);
      });
    }
    test('joined rows are the batch encodeBatch makes', () => {
      const all = events.map(([e, ts]) => [e, ts] as const);
      assert.equal(joinRows(all.map(([e, ts]) => encodeEvent(e, ts))), encodeBatch(all.map(([e, ts]) => toRow(e, ts))));
    });
  });
});
