import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { compileRules } from './compile.js';
import { loadSigmaText } from './load.js';

/*
 * The prefilter's needs for regex items and for single characters outside ASCII, through the whole matcher, against
 * the slow path: RegExp on the field, or includes on the lower-cased field. Conditions over several selections (the
 * rule's requirement in conjunctive form) against the condition evaluated directly.
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

  test('conditions over selections (and, or, not, 1 of, all of) against the condition evaluated directly', () => {
    type Cond = { k: 'sel'; i: number } | { k: 'not'; a: Cond } | { k: 'and'; a: Cond; b: Cond } | { k: 'or'; a: Cond; b: Cond } | { k: 'one' } | { k: 'all' };
    const cond: fc.Arbitrary<Cond> = fc.letrec<{ c: Cond }>((tie) => ({
      c: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        fc.record({ k: fc.constant('sel' as const), i: fc.integer({ min: 0, max: 2 }) }),
        fc.constantFrom<Cond>({ k: 'one' }, { k: 'all' }),
        fc.record({ k: fc.constant('not' as const), a: tie('c') }),
        fc.record({ k: fc.constant('and' as const), a: tie('c'), b: tie('c') }),
        fc.record({ k: fc.constant('or' as const), a: tie('c'), b: tie('c') }),
      ),
    })).c;
    const show = (c: Cond): string =>
      c.k === 'sel' ? `sel${c.i}` : c.k === 'one' ? '1 of sel*' : c.k === 'all' ? 'all of sel*' : c.k === 'not' ? `not (${show(c.a)})` : `(${show(c.a)}) ${c.k} (${show(c.b)})`;
    const word = fc.string({ unit: fc.constantFrom('a', 'b', 'c'), minLength: 1, maxLength: 3 });
    // each selection: one or two items (ANDed, on different fields), each a field containing one of a few words
    const sel = fc.uniqueArray(fc.tuple(fc.integer({ min: 0, max: 2 }), fc.uniqueArray(word, { minLength: 1, maxLength: 3 })), { minLength: 1, maxLength: 2, selector: (t) => t[0] });
    const event = fc.array(fc.option(fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'A', 'x'), maxLength: 6 }), { nil: undefined }), { minLength: 3, maxLength: 3 });
    fc.assert(
      fc.property(fc.array(sel, { minLength: 3, maxLength: 3 }), cond, fc.array(event, { minLength: 1, maxLength: 8 }), (sels, c, events) => {
        const det = sels.map((items, i) => `sel${i}:\n${items.map(([f, ws]) => `  F${f}|contains:\n${ws.map((w) => `    - ${w}`).join('\n')}`).join('\n')}`).join('\n');
        const m = ruleMatcher(`${det}\ncondition: ${show(c)}`);
        assert.ok(m, `${det}\ncondition: ${show(c)}`);
        for (const vals of events) {
          const e: Record<string, unknown> = {};
          for (const [f, x] of vals.entries()) if (x !== undefined) e[`F${f}`] = x;
          const selTrue = (i: number): boolean =>
            (sels[i] ?? []).every(([f, ws]) => {
              const x = e[`F${f}`];
              return typeof x === 'string' && ws.some((w) => x.toLowerCase().includes(w));
            });
          const ev = (x: Cond): boolean =>
            x.k === 'sel' ? selTrue(x.i) : x.k === 'one' ? [0, 1, 2].some(selTrue) : x.k === 'all' ? [0, 1, 2].every(selTrue) : x.k === 'not' ? !ev(x.a) : x.k === 'and' ? ev(x.a) && ev(x.b) : ev(x.a) || ev(x.b);
          assert.equal(m(e), ev(c), `${show(c)} on ${JSON.stringify(e)}`);
        }
      }),
      { numRuns: 500 },
    );
  });

  test('Windows events routed from the cache as their logsources say (Sysmon 12 event type, channel, code)', () => {
    const rule = (id: string, ls: string): string => `title: ${id}\nid: ${id}\nlogsource:\n  product: windows\n${ls}\ndetection:\n  sel:\n    TargetObject|contains: run\n  condition: sel\n`;
    const docs = [rule('add', '  category: registry_add'), rule('del', '  category: registry_delete'), rule('set', '  category: registry_set'), rule('sec', '  service: security')].join('---\n');
    const r = loadSigmaText(docs, 'route.yml');
    assert.deepEqual(r.problems, []);
    const m = compileRules(r.rules);
    const ev = (channel: string, code: number, et: string | undefined, provider = 'Microsoft-Windows-Sysmon'): Record<string, unknown> => ({
      event: { code: String(code) },
      winlog: { channel, provider_name: provider, event_id: code, event_data: { TargetObject: 'HKLM\\Run\\x', ...(et !== undefined ? { EventType: et } : {}) } },
    });
    const ids = (e: Record<string, unknown>): string[] => m.match(e).map((x) => x.rule.id).sort();
    const sysmon = 'Microsoft-Windows-Sysmon/Operational';
    // twice each, so the second is routed from the cache
    for (let k = 0; k < 2; k++) {
      assert.deepEqual(ids(ev(sysmon, 12, 'CreateKey')), ['add']);
      assert.deepEqual(ids(ev(sysmon, 12, 'DeleteKey')), ['del']);
      assert.deepEqual(ids(ev(sysmon, 12, undefined)), []);
      assert.deepEqual(ids(ev(sysmon, 13, 'SetValue')), ['set']);
      // the provider counts: Sysmon's event categories also for events of another channel
      assert.deepEqual(ids(ev('Security', 13, 'SetValue')), ['sec', 'set']);
      assert.deepEqual(ids(ev('Security', 13, 'SetValue', 'Microsoft-Windows-Security-Auditing')), ['sec']);
      // a NUL inside a part is routed without the cache
      assert.deepEqual(ids(ev('Security\u0000x', 13, 'SetValue', 'x')), []);
    }
  });
});
