import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chainPieces, chainTest } from './regex-chain.js';

test('chainPieces: literal pieces joined by .* and nothing else', () => {
  assert.deepEqual(chainPieces(String.raw`\+.*\+.*\+`), ['+', '+', '+']);
  assert.deepEqual(chainPieces(String.raw`.*ab\{.*?c d.*`), ['ab{', 'c d']);
  assert.deepEqual(chainPieces('`.*`'), ['`', '`']);
  for (const s of ['a+', String.raw`\d.*x`, '(a).*b', 'a|b', '^a.*b', 'a.*b$', '[ab].*c', 'a.+b', '.*', String.raw`a\.*b`.replace('\\.*', '\\.+')]) {
    assert.equal(chainPieces(s), undefined, s);
  }
});

test('chainTest decides exactly what RegExp.test decides (random texts with line breaks)', () => {
  const sources = [String.raw`\+.*\+.*\+.*\+`, String.raw`\{.*\{.*\{`, String.raw`\^.*\^`, '`.*`.*`', 'ab.*ba.*a', String.raw`a\+b.*?b`, '-e.*x'];
  const flagSets = ['', 'i', 's', 'm', 'is'];
  const alphabet = ['a', 'b', 'A', 'B', '+', '{', '^', '`', '-', 'e', 'x', '\n', '\r', '\u2028', ' '];
  let seed = 7;
  const rnd = (n: number): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  let compared = 0;
  let matched = 0;
  for (const src of sources) {
    for (const flags of flagSets) {
      const re = new RegExp(src, flags);
      const t = chainTest(re);
      if (flags.includes('i') && /[a-z]/i.test(src)) {
        assert.equal(t, undefined, `${src} /${flags}: letters under i are left to RegExp`);
        continue;
      }
      assert.ok(t, `${src} /${flags}`);
      for (let k = 0; k < 3000; k++) {
        let s = '';
        const n = rnd(24);
        for (let i = 0; i < n; i++) s += alphabet[rnd(alphabet.length)] ?? '';
        const want = re.test(s);
        assert.equal(t(s), want, `${src} /${flags} on ${JSON.stringify(s)}`);
        compared++;
        if (want) matched++;
      }
    }
  }
  // both outcomes were exercised
  assert.ok(matched > 1000 && compared - matched > 1000, `${matched} of ${compared}`);
});

test('chainTest: other flags and shapes fall back to RegExp', () => {
  assert.equal(chainTest(/a.*b/g), undefined);
  assert.equal(chainTest(/a.*b/u), undefined);
  assert.equal(chainTest(/a+.*b/), undefined);
});

test('chainTest is linear where RegExp backtracks: 14 pieces on 20,000 characters with 13 of them', () => {
  const t = chainTest(new RegExp(String.raw`\+.*\+.*\+.*\+.*\+.*\+.*\+.*\+.*\+.*\+.*\+.*\+.*\+.*\+`));
  assert.ok(t);
  const s = `${'+'.repeat(13)}${'x'.repeat(20_000)}`;
  const t0 = performance.now();
  assert.equal(t(s), false);
  assert.ok(performance.now() - t0 < 1000);
  assert.equal(t(`${s}+`), true);
  assert.equal(t(`${'+'.repeat(13)}\n+`), false);
});
