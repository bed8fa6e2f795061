import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { loadSigmaText } from './load.js';
import { backtrackingRisk } from './regex-screen.js';

describe('regular-expression screen', () => {
  test('flags nested variable quantifiers, overlapping repeated alternations and backreferences', () => {
    for (const re of ['(a+)+', '(a*)*', '(a|a)*', '(\\w+\\s?)+$', '(.*,)*x', '(\\d|[0-9])+', '(x+x+)+y', '(a|aa)+', '^(([a-z])+.)+[A-Z]([a-z])+$', '(.*a){20}', '(?:.*\\)){1,}.*"', '(a)\\1', '(?<n>a)\\k<n>']) {
      assert.notEqual(backtrackingRisk(re), undefined, re);
    }
  });

  test('passes the shapes rules use every day', () => {
    for (const re of ['abc', '(\\\\[^\\\\]+)+', '(\\w+\\s)+', '(\\d+\\.){3}\\d+', '.*foo.*bar', '^[a-z]+$', '(ab|cd)+', '(?:-|/)enc(odedcommand)?\\s', '[A-Za-z0-9+/]{50,}={0,2}', '(a+b)+', '\\\\AppData\\\\(Local|Roaming)\\\\', '[^\\]]+\\]', '(?=x)y', '\\u0041+B']) {
      assert.equal(backtrackingRisk(re), undefined, re);
    }
  });

  test('case-insensitive: letters of both cases overlap', () => {
    assert.equal(backtrackingRisk('(a|A)+'), undefined);
    assert.notEqual(backtrackingRisk('(a|A)+', true), undefined);
  });

  test('hostile sources never throw and finish quickly', () => {
    const inputs = ['('.repeat(10_000), '['.repeat(5000), '\\'.repeat(3001), '(?<'.repeat(500), 'a{99999999,}', '(|)*'.repeat(500), 'x'.repeat(100_000)];
    let seed = 7;
    const chars = '()[]{}|*+?.\\^$-,:=!<>a1wdsk';
    for (let i = 0; i < 2000; i++) {
      let s = '';
      const n = (seed = (seed * 1103515245 + 12345) & 0x7fffffff) % 40;
      for (let j = 0; j < n; j++) s += chars[(seed = (seed * 1103515245 + 12345) & 0x7fffffff) % chars.length];
      inputs.push(s);
    }
    const t = performance.now();
    for (const s of inputs) backtrackingRisk(s);
    assert.ok(performance.now() - t < 10_000);
  });

  test('a rule with such a regex is a load problem with its line', () => {
    const r = loadSigmaText(['title: t', 'id: 1b7e3c2a-4d5f-4e6a-9b8c-7d6e5f4a3b2c', 'logsource:', '  product: linux', 'detection:', '  sel:', "    message|re: '(a+)+b'", '  condition: sel', ''].join('\n'), 'x.yml');
    assert.equal(r.rules.length, 0);
    assert.equal(r.problems[0]?.code, 'SIGMA_REGEX_BACKTRACKING');
    assert.equal(r.problems[0]?.location.line, 7);
  });
});
