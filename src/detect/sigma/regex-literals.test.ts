import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { regexNeed } from './regex-literals.js';

/*
 * regexNeed against RegExp itself: whenever a generated expression matches a generated text, one of the literals it
 * names occurs in the lower-cased text. Expressions are built from the constructs the extraction reads (escapes,
 * quantifiers, groups, classes, alternation, anchors).
 */

const ATOMS = ['a', 'b', 'B', 'x', '-', '\\.', '.', '\\$', '\\\\', '`', '\\d', '\\s', '\\w', '\\b', '\\x61', '\\u0062', '\\cA', '\\n', '\\1',
  '[ab]', '[^a]', '[\\]a]', '(ab|x)', '(?:a|bb)', '(?=a)', '(?!b)', '(?<=x)', '^', '$', '{', '}', '\\{', ' ', 'é', 'K', 'ſ'];
const QUANTS = ['', '', '', '?', '*', '+', '{2}', '{1,2}', '{0,}', '*?', '+?'];

const regexSource = fc
  .array(fc.oneof(fc.tuple(fc.constantFrom(...ATOMS), fc.constantFrom(...QUANTS)).map(([a, q]) => `${a}${q}`), fc.constant('|')), { maxLength: 10 })
  .map((xs) => xs.join(''));

const textUnit = fc.constantFrom('a', 'b', 'A', 'B', 'x', 'X', '-', '.', '$', '\\', '`', '1', ' ', '\n', '\x01', 'é', 'K', 'ſ', 'k', 's', '{', '}');

function compiles(src: string, flags: string): RegExp | undefined {
  try {
    return new RegExp(src, flags);
  } catch {
    return undefined;
  }
}

describe('regexNeed', () => {
  test('a match implies one named literal in the lower-cased text (generated expressions and texts)', () => {
    fc.assert(
      fc.property(regexSource, fc.constantFrom('', 'i', 'm', 's', 'is'), fc.array(fc.string({ unit: textUnit, maxLength: 12 }), { minLength: 1, maxLength: 4 }), (src, flags, texts) => {
        const re = compiles(src, flags);
        if (!re) return;
        const need = regexNeed(re);
        if (!need) return;
        for (const t of texts) {
          // texts that match: also build one from the literal runs, so matches are not too rare
          for (const s of [t, `${t}${need[0] ?? ''}${t}`]) {
            if (re.test(s)) assert.ok(need.some((l) => s.toLowerCase().includes(l)), `/${src}/${flags} matched ${JSON.stringify(s)}, need ${JSON.stringify(need)}`);
          }
        }
      }),
      { numRuns: 20_000 },
    );
  });

  test('literals of common rule expressions', () => {
    const need = (src: string, flags = ''): string[] | undefined => regexNeed(new RegExp(src, flags));
    assert.deepEqual(need('\\$PSHome\\[\\s*\\d{1,3}\\s*\\]\\s*\\+\\s*\\$PSHome\\['), ['$pshome[']);
    assert.deepEqual(need('ping\\s+-n.{6,64}echo EEEE\\s?>\\s?'), ['echo eeee']);
    assert.deepEqual(need('ipconfig\\s+/all|netsh\\s+interface show interface'), ['ipconfig', 'interface show interface']);
    assert.deepEqual(need('\\w+`(?:\\w+|-|.)`[\\w+|\\s]'), ['`']);
    assert.deepEqual(need('abc?d', 'i'), ['ab']);
    assert.deepEqual(need('\\x41BC'), ['bc']);
    // nothing to name: an empty alternative, only classes, a single common character, a `u` flag
    assert.equal(need('abc|'), undefined);
    assert.equal(need('\\s[a-fA-F0-9]{64}\\s[a-fA-F0-9]{16}'), undefined);
    assert.equal(need('a.b'), undefined);
    assert.equal(need('abc', 'iu'), undefined);
  });
});
