import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tokenize } from './lexer.js';

const kinds = (text: string) => tokenize(text).map((t) => `${t.kind}:${t.text}${t.spaced ? ' (spaced)' : ''}`);

void test('splits a query into tokens', () => {
  assert.deepEqual(kinds('a.b:"x y" and (n>=5 | c<d)'), [
    'word:a.b',
    'colon::',
    'string:x y',
    'word:and (spaced)',
    'lparen:( (spaced)',
    'word:n',
    'op:>=',
    'word:5',
    'pipe:| (spaced)',
    'word:c (spaced)',
    'op:<',
    'word:d',
    'rparen:)',
    'eof:',
  ]);
});

void test('keeps escapes in the token text', () => {
  assert.deepEqual(kinds('a\\:b\\ c "q\\"r"'), ['word:a\\:b\\ c', 'string:q\\"r (spaced)', 'eof:']);
});

void test('records offsets', () => {
  const [word, str] = tokenize('  ab "cd"');
  assert.deepEqual([word?.start, word?.end, str?.start, str?.end], [2, 4, 5, 9]);
});
