import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { compileRules } from './compile.js';
import { loadSigmaText } from './load.js';

/*
 * The prefilter's needs for regex items and for single characters outside ASCII, through the whole matcher, against
 * the slow path: RegExp on the field, or includes on the lower-cased field.
 */

function ruleMatcher(detection: string): ((e: Record<string, unknown>) => boolean) | undefined {
  const yaml = `title: t\nid: r1\nlogsource:\n  definition: fastpath\ndetection:\n${detection.replace(/^/gm, '  ')}\n`;
  const r = loadSigmaText(yaml, 'fastpath.yml');
  if (r.problems.length > 0) return undefined;
  const m = compileRules(r.rules);
  if (m.problems.length > 0) return undefined;
  return (e) => m.match(e).length > 0;
}

const quote = (s: string): string => `'${s.replace(/'/g, "''")}'`;

const ATOMS = ['a', 'b', 'B', 'x', '-', '\\.', '.', '\\$', '`', '\\d', '\\s', '\\x61', '[ab]', '(ab|x)', '(?:a|bb)', '^', '$', ' ', 'é'];
const QUANTS = ['', '', '?', '*', '+', '{2}', '{1,2}'];
const regexSource = fc
  .array(fc.oneof(fc.tuple(fc.constantFrom(...ATOMS), fc.constantFrom(...QUANTS)).map(([a, q]) => `${a}${q}`), fc.constant('|')), { minLength: 1, maxLength: 8 })
  .map((xs) => xs.join(''));
const text = fc.string({ unit: fc.constantFrom('a', 'b', 'A', 'B', 'x', '-', '.', '$', '`', '1', ' ', 'é', 'É'), maxLength: 14 });

describe('prefilter fast paths agree with the slow path', () => {
  test('F|re: the matcher (gated by the regex literals) against RegExp', () => {
    fc.assert(
      fc.property(regexSource, fc.boolean(), fc.array(text, { minLength: 1, maxLength: 6 }), (src, insensitive, texts) => {
        const re = `${insensitive ? '(?i)' : ''}${src}`;
        const m = ruleMatcher(`sel:\n  F|re: ${quote(re)}\ncondition: sel`);
        if (!m) return; // refused by the loader (invalid or backtracking risk)
        const slow = new RegExp(src, insensitive ? 'i' : '');
        for (const t of texts) for (const s of [t, `${t}${src.replace(/[^a-zA-Z$`-]/g, '')}`]) assert.equal(m({ F: s }), slow.test(s), `/${re}/ on ${JSON.stringify(s)}`);
      }),
      { numRuns: 300 },
    );
  });

  test('F|contains: one character outside ASCII, alone or among others, against includes', () => {
    const ch = fc.constantFrom('А', 'а', 'É', 'é', 'ſ', 'K', 'Σ', 'σ', 'İ', '\u202e', '\u{1F600}', '☺');
    fc.assert(
      fc.property(fc.array(ch, { minLength: 1, maxLength: 4 }), fc.array(fc.string({ unit: fc.constantFrom('a', 'A', 'É', 'é', 'ſ', 's', 'K', 'k', 'Σ', 'σ', 'ς', 'İ', 'i', '\u202e', '\u{1F600}', '☺', ' '), maxLength: 8 }), { minLength: 1, maxLength: 6 }), (chars, texts) => {
        const m = ruleMatcher(`sel:\n  F|contains:\n${chars.map((c) => `    - ${quote(c)}`).join('\n')}\ncondition: sel`);
        assert.ok(m);
        for (const t of texts) {
          const low = t.toLowerCase();
          assert.equal(m({ F: t }), chars.some((c) => low.includes(c.toLowerCase())), `${JSON.stringify(chars)} in ${JSON.stringify(t)}`);
        }
      }),
      { numRuns: 300 },
    );
  });
});
