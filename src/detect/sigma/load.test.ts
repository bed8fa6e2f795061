import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { ConditionError, parseCondition, printCondition } from './condition.js';
import { loadSigmaText } from './load.js';
import { LiteralAutomaton } from './prefilter.js';
import { patternTest } from './pattern.js';
import { parseSigmaString, printSigmaString } from './values.js';

const RULE = (detection: string, extra = ''): string => `title: t\nid: r1\n${extra}logsource:\n  product: windows\ndetection:\n${detection}`;

describe('loader', () => {
  test('a rule with its metadata', () => {
    const r = loadSigmaText(
      `title: Suspicious
id: 0e95725d-7320-415d-80f7-004da920fc11
name: susp
status: test
level: HIGH
tags:
  - attack.T1059
logsource:
  product: Windows
  category: process_creation
fields: [CommandLine]
falsepositives: [admins]
detection:
  sel:
    Image|endswith: '\\cmd.exe'
  condition: sel
`,
      'a.yml',
    );
    assert.deepEqual(r.problems, []);
    const rule = r.rules[0];
    assert.ok(rule);
    assert.equal(rule.meta.id, '0e95725d-7320-415d-80f7-004da920fc11');
    assert.equal(rule.meta.level, 'high');
    assert.equal(rule.meta.name, 'susp');
    assert.equal(rule.meta.generate, true);
    assert.deepEqual(rule.meta.tags, ['attack.t1059']);
    assert.deepEqual(rule.logsource, { product: 'windows', category: 'process_creation' });
    assert.deepEqual(rule.fields, ['CommandLine']);
    const item = rule.detection.searches.get('sel')?.groups[0]?.[0];
    assert.equal(item?.field, 'Image');
    assert.deepEqual(item?.modifiers, ['endswith']);
    assert.deepEqual(item?.location, { file: 'a.yml', line: 15, column: 5 });
  });

  test('multi-document files: rules, filters and correlations (handed over raw with their location)', () => {
    const r = loadSigmaText(
      `${RULE('  sel:\n    EventID: 1\n  condition: sel\n')}---
title: many
correlation:
  type: event_count
  rules: [r1]
---
title: f
logsource: {product: windows}
filter:
  rules: [r1]
  sel:
    User: x
  condition: sel
`,
      'm.yml',
    );
    assert.deepEqual(r.problems, []);
    assert.equal(r.rules.length, 1);
    assert.equal(r.correlations.length, 1);
    assert.equal(r.correlations[0]?.location.line, 10);
    assert.equal(r.correlations[0]?.doc['title'], 'many');
    assert.equal(r.filters.length, 1);
    assert.deepEqual(r.filters[0]?.rules, ['r1']);
  });

  test('every problem is collected with a stable code and its line and column', () => {
    const cases: Array<[string, string, number | undefined]> = [
      [RULE("  sel:\n    F|nosuch: x\n  condition: sel\n"), 'SIGMA_UNKNOWN_MODIFIER', 7],
      [RULE('  sel:\n    F: x\n  condition: sel and other\n'), 'SIGMA_UNKNOWN_IDENTIFIER', 8],
      [RULE('  sel:\n    F: x\n  condition: sel and (\n'), 'SIGMA_CONDITION_SYNTAX', 8],
      [RULE('  sel:\n    F: x\n  condition: sel | count() > 5\n'), 'SIGMA_CONDITION_AGGREGATION', 8],
      [RULE('  sel:\n    F: x\n'), 'SIGMA_MISSING_CONDITION', undefined],
      [RULE("  sel:\n    F|re: '(unclosed'\n  condition: sel\n"), 'SIGMA_REGEX', 7],
      [RULE("  sel:\n    F|gt: abc\n  condition: sel\n"), 'SIGMA_MODIFIER_TYPE', 7],
      [RULE("  sel:\n    F|base64: 'a*'\n  condition: sel\n"), 'SIGMA_MODIFIER_WILDCARD', 7],
      [RULE("  sel:\n    F|i: x\n  condition: sel\n"), 'SIGMA_MODIFIER_CONFLICT', 7],
      [RULE('  sel:\n    F: x\n  condition: 1 of nomatch*\n'), 'SIGMA_UNKNOWN_IDENTIFIER', 8],
      [RULE('  sel: []\n  condition: sel\n'), 'SIGMA_EMPTY_SEARCH', 6],
      [RULE('  sel:\n    - F: x\n    - plain\n  condition: sel\n'), 'SIGMA_MIXED_SEARCH', 6],
      [RULE('  sel:\n    F: x\n  condition: sel\n', 'level: urgent\n'), 'SIGMA_BAD_LEVEL', 3],
      ['title: t\ndetection:\n  sel:\n    F: x\n  condition: sel\n', 'SIGMA_MISSING_LOGSOURCE', 1],
      ['id: x\nlogsource: {}\ndetection:\n  sel:\n    F: x\n  condition: sel\n', 'SIGMA_MISSING_TITLE', 1],
      ['title: [unclosed\n', 'SIGMA_YAML_SYNTAX', undefined],
      ['title: t\ntitle: u\n', 'SIGMA_YAML_SYNTAX', 2],
      ['- a\n- b\n', 'SIGMA_NOT_A_MAP', 1],
    ];
    for (const [text, code, line] of cases) {
      const r = loadSigmaText(text, 'bad.yml');
      assert.equal(r.rules.length, 0, `${code}: no rule should load`);
      assert.equal(r.problems.length, 1, `${code}: ${JSON.stringify(r.problems)}`);
      const p = r.problems[0];
      assert.equal(p?.code, code, JSON.stringify(p));
      assert.equal(p?.location.file, 'bad.yml');
      if (line !== undefined) assert.equal(p?.location.line, line, `${code}: ${JSON.stringify(p)}`);
    }
  });

  test('one bad document does not stop the others', () => {
    const r = loadSigmaText(`${RULE('  sel:\n    F|nosuch: x\n  condition: sel\n')}---\n${RULE('  sel:\n    F: x\n  condition: sel\n').replace('id: r1', 'id: r2')}`, 'two.yml');
    assert.equal(r.rules.length, 1);
    assert.equal(r.rules[0]?.meta.id, 'r2');
    assert.equal(r.problems.length, 1);
    assert.equal(r.problems[0]?.ruleId, 'r1');
  });

  test('the condition error points at the offending character', () => {
    const r = loadSigmaText(RULE('  sel:\n    F: x\n  condition: sel and and sel\n'), 'c.yml');
    assert.equal(r.problems[0]?.code, 'SIGMA_CONDITION_SYNTAX');
    // `  condition: ` is 13 characters; the second `and` starts at offset 8 of the condition
    assert.equal(r.problems[0]?.location.column, 14 + 8);
  });
});

describe('condition parser', () => {
  test('precedence and the AST', () => {
    assert.equal(printCondition(parseCondition('a or b and not c')), 'a or b and not c');
    assert.deepEqual(parseCondition('a or b and c').kind, 'or');
    assert.equal(printCondition(parseCondition('(a or b) and c')), '(a or b) and c');
    assert.equal(printCondition(parseCondition('not (a and b)')), 'not (a and b)');
    assert.equal(printCondition(parseCondition('1 of sel* and not all of filter_*')), '1 of sel* and not all of filter_*');
    assert.equal(printCondition(parseCondition('any of them')), '1 of them');
  });

  test('errors carry the offset', () => {
    for (const [text, offset] of [
      ['a and', 5],
      ['(a', 2],
      ['a b', 2],
      ['2 of x', 0],
      ['sel*', 0],
      ['a $ b', 2],
    ] as const) {
      assert.throws(
        () => parseCondition(text),
        (e: unknown) => e instanceof ConditionError && e.pos.offset === offset,
        text,
      );
    }
  });

  test('parse(print(ast)) is the AST, for generated conditions', () => {
    const ident = fc.constantFrom('a', 'b', 'sel_1', '_x');
    type C = string;
    const cond: fc.Arbitrary<C> = fc.letrec<{ c: C }>((tie) => ({
      c: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        ident,
        fc.constantFrom('1 of sel*', 'all of them', 'any of _*'),
        fc.tuple(tie('c'), tie('c')).map(([x, y]) => `(${x} and ${y})`),
        fc.tuple(tie('c'), tie('c')).map(([x, y]) => `${x} or ${y}`),
        tie('c').map((x) => `not ${x}`),
      ),
    })).c;
    const strip = (n: unknown): unknown => JSON.parse(JSON.stringify(n, (k, v: unknown) => (k === 'pos' ? undefined : v)));
    fc.assert(
      fc.property(cond, (text) => {
        const ast = parseCondition(text);
        assert.deepEqual(strip(parseCondition(printCondition(ast))), strip(ast));
      }),
      { numRuns: 300 },
    );
  });

  test('deep nesting is refused, not a stack overflow', () => {
    assert.throws(() => parseCondition(`${'('.repeat(5000)}a${')'.repeat(5000)}`), ConditionError);
    assert.throws(() => parseCondition(`${'not '.repeat(2000)}a`), ConditionError);
  });
});

describe('values, patterns and the prefilter', () => {
  test('print is the inverse of parse for Sigma strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', '\\', '*', '?', 'b') }), (raw) => {
        const parts = parseSigmaString(raw);
        assert.deepEqual(parseSigmaString(printSigmaString(parts)), parts);
      }),
    );
  });

  test('pattern tests agree with a regular expression built from the same parts', () => {
    const unit = fc.constantFrom('a', 'b', '*', '?');
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 8 }), fc.string({ unit: fc.constantFrom('a', 'b', 'c'), maxLength: 12 }), (pattern, text) => {
        const parts = parseSigmaString(pattern);
        const re = new RegExp(`^${parts.map((p) => (p.t === 'star' ? '.*' : p.t === 'one' ? '.' : p.s)).join('')}$`, 's');
        assert.equal(patternTest(parts)(text), re.test(text), `${pattern} on ${text}`);
      }),
      { numRuns: 2000 },
    );
  });

  test('Aho-Corasick finds exactly the literals that occur (against indexOf)', () => {
    const word = fc.string({ unit: fc.constantFrom('a', 'b', 'c', '\\', 'é'), minLength: 1, maxLength: 5 });
    fc.assert(
      fc.property(fc.uniqueArray(word, { minLength: 1, maxLength: 20 }), fc.string({ unit: fc.constantFrom('a', 'b', 'c', '\\', 'é', 'x'), maxLength: 40 }), (lits, text) => {
        const a = new LiteralAutomaton(lits, lits.map((_, i) => i));
        const stamp = new Uint32Array(lits.length);
        const hits: number[] = [];
        a.scan(text, stamp, 7, hits);
        for (const [i, l] of lits.entries()) assert.equal(stamp[i] === 7, text.includes(l), `${l} in ${text}`);
        assert.equal(new Set(hits).size, hits.length);
      }),
      { numRuns: 1000 },
    );
  });
});
