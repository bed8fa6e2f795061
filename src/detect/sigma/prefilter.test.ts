import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { LiteralAutomaton } from './prefilter.js';

/*
 * The automaton against String.includes: dense ASCII columns and characters outside ASCII (taken through failure
 * links) mixed in literals and texts.
 */

const UNITS = ['a', 'b', '\\', '.', 'é', 'а', 'б', '\u{1F600}', '\u{1F601}', 'ſ'];

function check(lits: string[], text: string): void {
  const a = new LiteralAutomaton(lits, lits.map((_, i) => i));
  const stamp = new Uint32Array(lits.length);
  const hits: number[] = [];
  a.scan(text, stamp, 3, hits);
  for (const [i, l] of lits.entries()) assert.equal(stamp[i] === 3, text.includes(l), `${JSON.stringify(l)} in ${JSON.stringify(text)}`);
  assert.equal(new Set(hits).size, hits.length);
  assert.deepEqual(new Set(hits), new Set(lits.flatMap((l, i) => (text.includes(l) ? [i] : []))));
}

describe('LiteralAutomaton', () => {
  test('finds exactly the literals that occur, ASCII and other characters mixed (against includes)', () => {
    const word = fc.string({ unit: fc.constantFrom(...UNITS), minLength: 1, maxLength: 6 });
    fc.assert(
      fc.property(fc.uniqueArray(word, { minLength: 1, maxLength: 25 }), fc.string({ unit: fc.constantFrom(...UNITS, 'x', 'Z', '€'), maxLength: 60 }), check),
      { numRuns: 3000 },
    );
  });

  test('texts built from the literals themselves (overlaps and failure chains through other characters)', () => {
    const word = fc.string({ unit: fc.constantFrom('a', 'é', 'а', '\u{1F600}'), minLength: 1, maxLength: 5 });
    fc.assert(
      fc.property(fc.uniqueArray(word, { minLength: 1, maxLength: 12 }), fc.array(fc.nat(), { maxLength: 8 }), (lits, picks) => {
        const text = picks.map((p) => lits[p % lits.length] ?? '').join('');
        check(lits, text);
      }),
      { numRuns: 2000 },
    );
  });

  test('characters outside ASCII are not table columns; a long text of them is scanned in bounded time', () => {
    const lits = Array.from({ length: 2000 }, (_, i) => `x${String.fromCharCode(0x400 + i)}y`);
    lits.push('ab', 'abc');
    const a = new LiteralAutomaton(lits, lits.map((_, i) => i));
    assert.ok(a.denseColumns <= 6, `dense columns: ${a.denseColumns}`);
    const text = `${'x'.repeat(100_000)}${String.fromCharCode(0x400 + 7)}y${'\u0401'.repeat(100_000)}abc`;
    const stamp = new Uint32Array(lits.length);
    const hits: number[] = [];
    const t0 = performance.now();
    a.scan(text, stamp, 1, hits);
    assert.ok(performance.now() - t0 < 2000);
    assert.deepEqual(hits.sort((p, q) => p - q), [7, 2000, 2001]);
  });

  test('scanAscii on text as it is (other characters lower-cased one by one), then scan on the lower-cased text when it gives up, finds what scan finds in the lower-cased text', () => {
    const lower = fc.string({ unit: fc.constantFrom('a', 'b', 'z', '.', 'é', 'а', 'i', 'i\u0307', 'σ', 'ς', '\u{10428}', '\ufeff'), minLength: 1, maxLength: 5 });
    const any = fc.string({ unit: fc.constantFrom('a', 'B', 'Z', 'z', '.', 'é', 'É', 'а', 'А', 'İ', 'I', 'i', 'Σ', 'σ', 'ς', '\u{10400}', '\u{10428}', '\ud801', '\udc00', '\ufeff'), maxLength: 40 });
    fc.assert(
      fc.property(fc.uniqueArray(fc.oneof(lower, fc.constant('A')), { minLength: 1, maxLength: 20 }), any, (lits, text) => {
        const a = new LiteralAutomaton(lits, lits.map((_, i) => i));
        const stamp = new Uint32Array(lits.length);
        const hits: number[] = [];
        const low = text.toLowerCase();
        if (!a.scanAscii(text, stamp, 5, hits)) a.scan(low, stamp, 5, hits);
        for (const [i, l] of lits.entries()) assert.equal(stamp[i] === 5, low.includes(l), `${JSON.stringify(l)} in ${JSON.stringify(text)}`);
        assert.equal(new Set(hits).size, hits.length);
      }),
      { numRuns: 20000 },
    );
  });

  test('an automaton too large for the direct ASCII table (over 8,192 states) scans ASCII text as one that has it', () => {
    // 3,000 literals of 8 characters: about 15,000 states; the small one (20 of them) gets the table
    const big = Array.from({ length: 3000 }, (_, i) => `k${i.toString(36).padStart(3, '0')}${String.fromCharCode(97 + (i % 26))}x/z`);
    const unit = fc.constantFrom('k', 'K', '0', '1', 'a', 'B', 'x', 'X', '/', 'z', ' ', 'é');
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...big), { minLength: 0, maxLength: 4 }), fc.string({ unit, maxLength: 60 }), (planted, noise) => {
        const text = noise + planted.map((l) => l.toUpperCase()).join(noise);
        const low = text.toLowerCase();
        for (const lits of [big, big.slice(0, 20)]) {
          const a = new LiteralAutomaton(lits, lits.map((_, i) => i));
          const stamp = new Uint32Array(lits.length);
          const hits: number[] = [];
          if (!a.scanAscii(text, stamp, 3, hits)) a.scan(low, stamp, 3, hits);
          for (const [i, l] of lits.entries()) assert.equal(stamp[i] === 3, low.includes(l), `${l} in ${text}`);
        }
      }),
      { numRuns: 300 },
    );
  });

  test('long texts (searched for each of a few literals, or read by the automaton with more) find what includes finds', () => {
    const lower = fc.string({ unit: fc.constantFrom('a', 'b', '/', ' ', 'é', 'а', 'i\u0307', 'σ', 'ς', '\u{10428}'), minLength: 1, maxLength: 6 });
    const unit = fc.constantFrom('a', 'A', 'b', 'B', '/', ' ', 'x', 'é', 'É', 'а', 'А', 'İ', 'Σ', 'σ', '\u{10400}', '\ud801', '\ufeff');
    fc.assert(
      fc.property(fc.uniqueArray(lower, { minLength: 1, maxLength: 12 }), fc.string({ unit, minLength: 50, maxLength: 300 }), (lits, text) => {
        const low = text.toLowerCase();
        for (const viaAscii of [true, false]) {
          const a = new LiteralAutomaton(lits, lits.map((_, i) => i));
          const stamp = new Uint32Array(lits.length);
          const hits: number[] = [];
          if (!viaAscii || !a.scanAscii(text, stamp, 9, hits)) a.scan(low, stamp, 9, hits);
          for (const [i, l] of lits.entries()) assert.equal(stamp[i] === 9, low.includes(l), `${JSON.stringify(l)} in ${JSON.stringify(text)}`);
          assert.equal(new Set(hits).size, hits.length);
        }
      }),
      { numRuns: 5000 },
    );
  });

  test('long ASCII texts (read as bytes) with a character outside ASCII anywhere, or none, find what includes finds', () => {
    const lits = ['abc', 'b/a', 'éa', 'a\u{10428}', 'zz', 'σa'];
    const ascii = fc.string({ unit: fc.constantFrom('a', 'B', 'c', '/', 'z', 'Z', ' '), minLength: 0, maxLength: 200 });
    const other = fc.constantFrom('', 'é', 'É', 'Σ', '\u{10400}', '\ud801', '\ufeff', 'Ł');
    fc.assert(
      fc.property(ascii, other, ascii, (head, odd, tail) => {
        const text = head + odd + tail;
        const low = text.toLowerCase();
        const a = new LiteralAutomaton(lits, lits.map((_, i) => i));
        const stamp = new Uint32Array(lits.length);
        const hits: number[] = [];
        if (!a.scanAscii(text, stamp, 4, hits)) a.scan(low, stamp, 4, hits);
        for (const [i, l] of lits.entries()) assert.equal(stamp[i] === 4, low.includes(l), `${JSON.stringify(l)} in ${JSON.stringify(text)}`);
      }),
      { numRuns: 5000 },
    );
  });

  test('a text longer than the byte scratch is read to its end: literals across the boundary and after it are found', () => {
    const lits = ['needle', 'éend', 'tail'];
    const a = new LiteralAutomaton(lits, [0, 1, 2]);
    for (const cut of [65_533, 65_536, 65_540]) {
      const text = 'x'.repeat(cut) + 'NEEDLE' + 'y'.repeat(100) + 'ÉEND ' + 'TAIL';
      const stamp = new Uint32Array(3);
      const hits: number[] = [];
      assert.equal(a.scanAscii(text, stamp, 1, hits), true);
      assert.deepEqual(hits.sort(), [0, 1, 2], `needle at ${cut}`);
    }
  });
});
