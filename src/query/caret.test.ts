import assert from 'node:assert/strict';
import { test } from 'node:test';
import { caretLines } from './caret.js';

void test('the caret stands under the position, also at the end and in a window of a long query', () => {
  assert.equal(caretLines('user.name:(root or', 18), '  user.name:(root or\n                    ^\n');
  assert.equal(caretLines('a | stast', 4), '  a | stast\n      ^\n');
  const long = 'x'.repeat(100) + 'HERE' + 'y'.repeat(100);
  const lines = caretLines(long, 100).split('\n');
  assert.equal(lines[0]?.[(lines[1] ?? '').indexOf('^')], 'H');
  assert.ok((lines[0] ?? '').startsWith('  …') && (lines[0] ?? '').endsWith('…'));
  assert.equal(caretLines('a\tb\nc', 4), '  a b c\n      ^\n');
});
