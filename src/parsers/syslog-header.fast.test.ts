import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { matchTag, resolveBsdTime, simpleBsd } from './syslog-header.js';

// The patterns the hand-written readers stand in for (as in syslog-header.ts).
const BSD_TS = /^ ?([A-Za-z]{3}) {1,2}(\d{1,2})(?: (\d{4}))? (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?(?: (\d{4}))?:?(?: |$)/;
const TAG = /^([^\s:[\]]{1,64})(?:\[([^\]\s]{1,32})\])?: ?/;
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** Strings made of the characters these headers turn on, plus some others (non-ASCII spaces among them). */
const piece = fc.constantFrom('Dec', 'dEC', 'Mar', 'Foo', ' ', '  ', '1', '10', '7', '2013', '06:55:46', '06:55', ':', '.', '.123', '[', ']', '[123]', 'sshd', 'host', 'a', '-', '\t', '\u00a0', '\u2028', 'é', 'x'.repeat(64), '9'.repeat(32));
const text = fc.array(piece, { maxLength: 12 }).map((a) => a.join(''));
/** Header-shaped text: month, spaces, day, time, then anything. */
const headerish = fc
  .tuple(fc.constantFrom('Dec', 'dEC', 'JUN', 'Foo', ' Dec', '123'), fc.constantFrom(' ', ' ', '  ', '   ', ''), fc.constantFrom('1', '10', '10', '7', '100', '', ' 2013'), fc.constantFrom(' 06:55:46', ' 06:55:46', ' 06:55:46', ' 06:55:46', ' 6:55:46', ' 06:55:4', ' 06-55:46', '06:55:46', ' 2013 06:55:46'), text)
  .map((a) => a.join(''));

describe('hand-written header readers agree with their patterns', () => {
  test('simpleBsd: when it answers, BSD_TS matches the same length, month, day and time', () => {
    fc.assert(
      fc.property(fc.oneof(text, headerish), (s) => {
        const r = simpleBsd(s);
        if (!r) return;
        const m = BSD_TS.exec(s);
        assert.ok(m, JSON.stringify(s));
        assert.equal(r.len, m[0].length);
        assert.equal(m[3] ?? m[7] ?? m[8], undefined);
        const month = MONTHS.indexOf((m[1] as string).toLowerCase());
        assert.equal(r.month, month === -1 ? undefined : month);
        assert.deepEqual([r.day, r.h, r.m, r.sec], [m[2], m[4], m[5], m[6]].map(Number));
      }),
      { numRuns: 20000 },
    );
  });

  test('simpleBsd answers for the common forms', () => {
    assert.equal(simpleBsd('Dec 10 06:55:46 LabSZ sshd[1]: x')?.len, 16);
    assert.equal(simpleBsd('Mar  7 19:06:53 h p: x')?.len, 16);
    assert.equal(simpleBsd('Mar 7 19:06:53')?.len, 14);
    assert.equal(simpleBsd('Dec 10 06:55:46 2013 h'), undefined);
  });

  test('matchTag equals TAG.exec', () => {
    fc.assert(
      fc.property(text, (s) => {
        const r = matchTag(s);
        const m = TAG.exec(s);
        assert.equal(r === undefined, m === null, JSON.stringify(s));
        if (r && m) assert.deepEqual([r.len, r.name, r.pid], [m[0].length, m[1], m[2]], JSON.stringify(s));
      }),
      { numRuns: 20000 },
    );
  });

  test('resolveBsdTime equals Date.UTC', () => {
    const now = Date.UTC(2026, 5, 15, 12);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 11 }), fc.integer({ min: 0, max: 99 }), fc.integer({ min: 0, max: 99 }), fc.integer({ min: 0, max: 99 }), fc.integer({ min: 0, max: 99 }), fc.integer({ min: 0, max: 999 }), fc.option(fc.integer({ min: 0, max: 9999 }), { nil: undefined }), (mo, d, h, m, s, ms, year) => {
        const y = year ?? 2026;
        let want = Date.UTC(y, mo, d, h, m, s, ms);
        if (year === undefined && want - now > 86_400_000) want = Date.UTC(y - 1, mo, d, h, m, s, ms);
        assert.equal(resolveBsdTime(mo, d, h, m, s, ms, now, year), want);
      }),
      { numRuns: 5000 },
    );
  });
});
