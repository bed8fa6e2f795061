import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { endsWithText } from './text.js';

test('endsWithText answers as endsWith, for any texts (surrogates, empty, longer suffix, a slice of the text)', () => {
  const text = fc.string({ unit: fc.constantFrom('a', 'b', 'é', '\ud800', '\udc00', '🙂', ' '), maxLength: 40 });
  fc.assert(
    fc.property(text, text, fc.nat(40), (s, t, cut) => {
      assert.equal(endsWithText(s, t), s.endsWith(t));
      const tail = s.slice(Math.min(cut, s.length));
      assert.equal(endsWithText(s, tail), true);
      assert.equal(endsWithText(s + t, t), true);
    }),
    { numRuns: 5000 },
  );
});
