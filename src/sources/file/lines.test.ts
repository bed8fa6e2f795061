import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LineSplitter, MAX_LINE_BYTES, type Line } from './lines.js';
import { MultilineJoiner } from './multiline.js';

function split(chunks: (string | Buffer)[], encoding: BufferEncoding = 'utf8'): Line[] {
  const s = new LineSplitter(encoding);
  const out: Line[] = [];
  let off = 0;
  for (const c of chunks) {
    const b = typeof c === 'string' ? Buffer.from(c) : c;
    s.push(b, off, out);
    off += b.length;
  }
  return out;
}

test('LF and CRLF lines with their end offsets; a partial line waits, also across chunks and a split CRLF', () => {
  assert.deepEqual(split(['a\nbb\r\nc']), [
    { text: 'a', end: 2, cut: false },
    { text: 'bb', end: 6, cut: false },
  ]);
  assert.deepEqual(split(['ab', 'c\r', '\nd\n']), [
    { text: 'abc', end: 5, cut: false },
    { text: 'd', end: 7, cut: false },
  ]);
  assert.deepEqual(split(['\n\n']).map((l) => l.text), ['', '']);
});

test('a multi-byte character split between chunks decodes whole; invalid bytes become U+FFFD', () => {
  const e = Buffer.from('é\n');
  assert.deepEqual(split([e.subarray(0, 1), e.subarray(1)]).map((l) => l.text), ['é']);
  assert.deepEqual(split([Buffer.from([0x61, 0xff, 0x0a])]).map((l) => l.text), ['a\ufffd']);
  assert.deepEqual(split([Buffer.from([0xe9, 0x0a])], 'latin1').map((l) => l.text), ['é']);
});

test('an over-long line is cut (kept memory bounded) and still long enough for the parser to tag it', () => {
  const big = 'y'.repeat(3 * MAX_LINE_BYTES);
  for (const chunks of [[`${big}\nok\n`], [big.slice(0, 1000), big.slice(1000), '\nok\n']]) {
    const out = split(chunks);
    assert.equal(out.length, 2);
    assert.equal(out[0]?.cut, true);
    assert.equal(out[0]?.text.length, MAX_LINE_BYTES);
    assert.ok((out[0]?.text.length ?? 0) > 65536);
    assert.equal(out[0]?.end, big.length + 1);
    assert.deepEqual(out[1], { text: 'ok', end: big.length + 4, cut: false });
  }
  // four-byte characters: still more than 64 Ki characters after the cut
  const wide = split([`${'😀'.repeat(MAX_LINE_BYTES)}\n`]);
  assert.ok((wide[0]?.text.length ?? 0) / 2 > 65536 / 2 && wide[0]?.cut === true);
});

test('flush hands out the unfinished last line', () => {
  const s = new LineSplitter();
  const out: Line[] = [];
  s.push(Buffer.from('a\nlast'), 0, out);
  s.flush(6, out);
  assert.deepEqual(out.map((l) => l.text), ['a', 'last']);
});

const L = (text: string, end: number): Line => ({ text, end, cut: false });

test('multiline after/negate joins a stack trace; the next event flushes it with the end of its last line', () => {
  const j = new MultilineJoiner({ pattern: '^\\d{4}-', negate: true, match: 'after', max_lines: 500, timeout_ms: 1000 });
  const out: Line[] = [];
  j.push([L('2026-01-01 boom', 10), L('java.lang.X', 20), L('\tat a.b(C.java:1)', 30), L('2026-01-01 next', 40)], 0, out);
  assert.deepEqual(out, [{ text: '2026-01-01 boom\njava.lang.X\n\tat a.b(C.java:1)', end: 30, cut: false }]);
  assert.ok(j.waiting && !j.due(999) && j.due(1000));
  j.flush(out);
  assert.deepEqual(out[1], L('2026-01-01 next', 40));
});

test('multiline before: a line ending in a backslash continues into the next; max_lines bounds an event', () => {
  const j = new MultilineJoiner({ pattern: '\\\\$', negate: false, match: 'before', max_lines: 2, timeout_ms: 1000 });
  const out: Line[] = [];
  j.push([L('a \\', 1), L('b', 2), L('c \\', 3), L('d \\', 4), L('e', 5)], 0, out);
  // max_lines ends `c \ d \` at two lines; `e` does not continue into anything, so it is complete at once
  assert.deepEqual(out.map((l) => l.text), ['a \\\nb', 'c \\\nd \\', 'e']);
  assert.equal(j.waiting, false);
});
