import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Expr, RangeOp, Value } from './ast.js';
import { compileFilter } from './compile.js';
import { QueryError } from './errors.js';
import { parseQuery } from './parser.js';
import { printQuery } from './printer.js';
import { jsonTarget, stripPositions } from './testing.js';

const canonical: [string, string][] = [
  ['', '*'],
  ['a  AND   b', 'a and b'],
  ['a b', 'a and b'],
  ['NOT (a OR b)', 'not (a or b)'],
  ['(a or b) and (c or d)', '(a or b) and (c or d)'],
  ['(a and b) and c', '(a and b) and c'],
  ['((a or b))', 'a or b'],
  ['user.name:(root or admin)', 'user.name:(root or admin)'],
  ['user.name:root OR user.name:admin', 'user.name:(root or admin)'],
  ['f:(a or b) and g:c', 'f:(a or b) and g:c'],
  ['f:(a and (b or c))', 'f:(a and (b or c))'],
  ['f : x and f:*', 'f:(x and *)'],
  ['d>=5', 'd >= 5'],
  ['m:"a \\" b"', 'm:"a \\" b"'],
  ['x:a\\:b', 'x:a\\:b'],
];

for (const [input, printed] of canonical) {
  void test(`prints ${JSON.stringify(input)} as ${JSON.stringify(printed)}`, () => {
    assert.equal(printQuery(parseQuery(input)), printed);
  });
}

/** mulberry32: small, seeded, good enough for test generation. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = Math.imul(a ^ (a >>> 15), a | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

const P = { start: 0, end: 0 };
const FIELDS = ['user.name', 'source.ip', '@timestamp', 'event.category', 'a', 'x_y-z', 'host.name'];
const WORD_PARTS = ['a', 'web', '01', '-', '.', '/', '=', 'é', 'not', 'Or', '\\:', '\\"', '\\\\', '\\ ', '\\(', '\\*', '\\|'];
const WILD_PARTS = ['*', '?'];
const QUOTED_PARTS = ['a', ' ', ':', '(', ')', '*', '?', '|', 'and', '\\"', '\\\\', '<>'];
const OPS: RangeOp[] = ['>', '>=', '<', '<='];

function generator(seed: number) {
  const rnd = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));

  const value = (opts: { colon: boolean; wildcards: boolean }): Value => {
    if (rnd() < 0.25) {
      let raw = '';
      for (let n = int(0, 4); n > 0; n--) raw += pick(QUOTED_PARTS);
      return { raw, quoted: true, wildcard: false, pos: P };
    }
    for (;;) {
      let raw = '';
      let wildcard = false;
      for (let n = int(1, 4); n > 0; n--) {
        const roll = rnd();
        if (opts.wildcards && roll < 0.15) {
          raw += pick(WILD_PARTS);
          wildcard = true;
        } else if (opts.colon && roll < 0.25) raw += ':';
        else raw += pick(WORD_PARTS);
      }
      if (/^(and|or|not)$/i.test(raw) || raw === '*') continue;
      return { raw, quoted: false, wildcard, pos: P };
    }
  };

  const leaf = (): Expr => {
    switch (int(0, 5)) {
      case 0:
      case 1:
        return { kind: 'match', pos: P, field: pick(FIELDS), value: value({ colon: true, wildcards: true }) };
      case 2:
        return { kind: 'range', pos: P, field: pick(FIELDS), op: pick(OPS), value: value({ colon: true, wildcards: false }) };
      case 3:
        return { kind: 'exists', pos: P, field: pick(FIELDS) };
      case 4: {
        const v = value({ colon: false, wildcards: true });
        return { kind: 'text', pos: P, phrase: v.quoted, value: v };
      }
      default:
        return { kind: 'all', pos: P };
    }
  };

  /** Only matches and exists on `field` at the leaves: printed as `field:( … )`. */
  const group = (field: string, depth: number): Expr => {
    if (depth === 0 || rnd() < 0.3) {
      if (rnd() < 0.2) return { kind: 'exists', pos: P, field };
      return { kind: 'match', pos: P, field, value: value({ colon: true, wildcards: true }) };
    }
    if (rnd() < 0.2) return { kind: 'not', pos: P, arg: group(field, depth - 1) };
    const args = Array.from({ length: int(2, 3) }, () => group(field, depth - 1));
    return { kind: rnd() < 0.5 ? 'and' : 'or', pos: P, args };
  };

  const expr = (depth: number): Expr => {
    if (depth === 0 || rnd() < 0.3) return leaf();
    if (rnd() < 0.15) return group(pick(FIELDS), depth);
    if (rnd() < 0.25) return { kind: 'not', pos: P, arg: expr(depth - 1) };
    const args = Array.from({ length: int(2, 4) }, () => expr(depth - 1));
    return { kind: rnd() < 0.5 ? 'and' : 'or', pos: P, args };
  };
  return expr;
}

void test('random ASTs survive print then parse', () => {
  for (let seed = 1; seed <= 400; seed++) {
    const ast = generator(seed)(4);
    const text = printQuery({ filter: ast, stages: [] });
    let back: unknown;
    try {
      back = stripPositions(parseQuery(text).filter);
    } catch (err) {
      assert.fail(`seed ${seed}: ${text}: ${String(err)}`);
    }
    assert.deepEqual(back, stripPositions(ast), `seed ${seed}: ${text}`);
  }
});

const FUZZ_PARTS = [
  ...['a', 'f', 'x.y', '1', '-', '/', '=', '*', '?', '\\', '"', ':', '(', ')', '<', '>', '|', ' ', ' ', 'and', 'NOT'],
  ...[' and ', ' or ', ' OR ', 'not ', 'f:', 'source.ip:', 'n > ', '@timestamp >= ', ' (', ') ', '10.0.0.0/8', '::1', '"a b"'],
];

void test('random query-ish strings only ever throw QueryError, and what parses round-trips', () => {
  const rnd = prng(7);
  const target = jsonTarget();
  let parsed = 0;
  for (let i = 0; i < 3000; i++) {
    let text = '';
    for (let n = Math.floor(rnd() * 12); n > 0; n--) text += FUZZ_PARTS[Math.floor(rnd() * FUZZ_PARTS.length)] as string;
    try {
      const q = parseQuery(text);
      parsed++;
      const printed = printQuery(q);
      assert.deepEqual(stripPositions(parseQuery(printed)), stripPositions(q), `${JSON.stringify(text)} printed as ${printed}`);
      compileFilter(q.filter, target);
    } catch (err) {
      if (err instanceof assert.AssertionError) throw err;
      assert.ok(err instanceof QueryError, `${JSON.stringify(text)}: ${String(err)}`);
    }
  }
  assert.ok(parsed > 300, `only ${parsed} of the fuzz strings parsed`);
});
