import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import type { Expr, RangeOp, Value } from '../query/ast.js';
import { evaluate } from '../query/evaluate.js';
import { parseQuery } from '../query/parser.js';
import { printExpr } from '../query/printer.js';
import { hasWildcard } from '../query/value.js';
import { normalizeEvent, type EcsEvent } from '../schema/event.js';
import { SqliteStore } from '../store/sqlite/index.js';
import type { AppendEvent } from '../store/store.js';
import { eventSource } from './tail.js';

/**
 * The SQL path (compiled filter over hot and sealed partitions, FTS5 included) and the in-memory evaluator (live tail,
 * `where`) must select the same events for any filter. Random filters over a fixed, varied set of events.
 */
const BASE = Date.UTC(2026, 2, 1);
const WORDS = ['failed', 'password', 'accepted', 'root', 'invalid', 'user', 'from', 'port', 'ssh2', 'Connection', 'closed', 'é'];
const USERS = ['root', 'admin', 'alice', 'bob', '5', 'web-1'];
const IPS = ['10.0.0.1', '10.0.3.7', '192.168.1.20', '2001:db8::1', '2001:db8::ff', '203.0.113.9'];
const HOSTS = ['web-1', 'web-2', 'db-1', 'Web-1', 'web[1]'];
const CATS = ['authentication', 'network', 'process'];

function events(): AppendEvent[] {
  const out: AppendEvent[] = [];
  const rnd = (() => {
    let a = 12345;
    return (): number => {
      a = (a * 1103515245 + 12345) % 2 ** 31;
      return a / 2 ** 31;
    };
  })();
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  for (let i = 0; i < 300; i++) {
    const raw: EcsEvent = { '@timestamp': new Date(BASE + i * 60_000).toISOString(), seq: i };
    if (rnd() < 0.9) raw['message'] = Array.from({ length: 2 + Math.floor(rnd() * 6) }, () => pick(WORDS)).join(' ');
    if (rnd() < 0.8) raw['user'] = { name: pick(USERS) };
    if (rnd() < 0.8) raw['source'] = { ip: pick(IPS), ...(rnd() < 0.7 ? { port: Math.floor(rnd() * 2000) } : {}) };
    if (rnd() < 0.7) raw['host'] = { name: pick(HOSTS) };
    if (rnd() < 0.7) raw['destination'] = { port: pick([22, 80, 443, 1024, 8080]) };
    raw['event'] = { outcome: pick(['success', 'failure']), ...(rnd() < 0.8 ? { category: CATS.filter(() => rnd() < 0.5) } : {}) };
    if (rnd() < 0.5) raw['tags'] = rnd() < 0.5 ? ['_parse_failure'] : ['a', 'b'];
    if (rnd() < 0.6) raw['label'] = pick(['5', 'x', 'x5', '10', 'abc']);
    if (rnd() < 0.6) raw['level'] = pick([1, 5, 10, 2.5]);
    if (rnd() < 0.4) raw['flag'] = rnd() < 0.5;
    out.push(normalizeEvent(raw, BASE + 86_400_000, 'test'));
  }
  return out;
}

const FIELD_VALUES: Record<string, string[]> = {
  'user.name': [...USERS, 'ro*', '?oot', 'a*', '"5"', 'admin\\*'],
  'source.ip': [...IPS, '10.0.0.0/8', '2001:db8::/32', '192.168.0.0/16', '10.0.*', '0.0.0.0/0'],
  'host.name': [...HOSTS, 'web-*', 'web\\[1\\]', 'web?1', '*'],
  'event.outcome': ['success', 'failure', 'fail*'],
  'event.category': [...CATS, 'auth*'],
  tags: ['_parse_failure', 'a', 'b', 'c'],
  'destination.port': ['22', '80', '443', '1024'],
  'source.port': ['100', '1000'],
  label: ['5', '"5"', 'x', 'x*', '10', 'abc'],
  level: ['1', '5', '2.5', '"5"', '1*'],
  flag: ['true', 'false', '1', '0'],
  '@timestamp': ['2026-03-01T01:00:00Z', '2026-03-01', String(BASE + 60_000)],
};
const RANGE_VALUES: Record<string, string[]> = {
  'destination.port': ['80', '443', '1000'],
  'source.port': ['500', '1500'],
  label: ['5', 'x', '10', '"5"'],
  level: ['2', '5', 'a'],
  'user.name': ['b', 'm', '5'],
  '@timestamp': ['2026-03-01T02:00:00Z', '2026-03-01T04:30:00Z'],
};

const P = { start: 0, end: 0 };
function val(text: string): Value {
  const quoted = text.startsWith('"');
  const raw = quoted ? text.slice(1, -1) : text;
  return { raw, quoted, wildcard: !quoted && hasWildcard(raw), pos: P };
}

const match = fc.constantFrom(...Object.keys(FIELD_VALUES)).chain((field) =>
  fc.constantFrom(...(FIELD_VALUES[field] as string[])).map((v): Expr => (v === '*' ? { kind: 'exists', pos: P, field } : { kind: 'match', pos: P, field, value: val(v) })),
);
const range = fc
  .constantFrom(...Object.keys(RANGE_VALUES))
  .chain((field) => fc.record({ v: fc.constantFrom(...(RANGE_VALUES[field] as string[])), op: fc.constantFrom<RangeOp>('>', '>=', '<', '<=') }).map(({ v, op }): Expr => ({ kind: 'range', pos: P, field, op, value: val(v) })));
const exists = fc.constantFrom('user.name', 'source.port', 'event.category', 'tags', 'label', 'flag', 'nothing.here').map((field): Expr => ({ kind: 'exists', pos: P, field }));
const text = fc.oneof(
  fc.constantFrom(...WORDS, 'fail*', 'pass*', 'ROOT', 'ssh').map((w): Expr => ({ kind: 'text', pos: P, phrase: false, value: val(w) })),
  fc.constantFrom('"failed password"', '"root from"', '"user root"', '"closed é"').map((w): Expr => ({ kind: 'text', pos: P, phrase: true, value: val(w) })),
);
const leaf = fc.oneof({ weight: 4, arbitrary: match }, { weight: 2, arbitrary: range }, { weight: 1, arbitrary: exists }, { weight: 2, arbitrary: text });
const { filter } = fc.letrec<{ filter: Expr }>((tie) => ({
  filter: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('filter'), { minLength: 2, maxLength: 3 }).map((args): Expr => ({ kind: 'and', pos: P, args })),
    fc.array(tie('filter'), { minLength: 2, maxLength: 3 }).map((args): Expr => ({ kind: 'or', pos: P, args })),
    tie('filter').map((arg): Expr => ({ kind: 'not', pos: P, arg })),
  ),
}));

let store: SqliteStore;
let dir = '';
const EVENTS = events();

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-equiv-'));
  store = new SqliteStore({ dir, sync: 'normal' });
  await store.open();
  await store.append(EVENTS.slice(0, 150));
  await store.seal();
  await store.append(EVENTS.slice(150));
});

after(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

async function viaSql(f: Expr): Promise<number[]> {
  const r = await store.search({ filter: f, from: 0, to: Number.MAX_SAFE_INTEGER, limit: 10_000 });
  return r.events.map((h) => h.event['seq'] as number).sort((a, b) => a - b);
}

function inMemory(f: Expr): number[] {
  return EVENTS.filter((e) => evaluate(f, eventSource(e.event)))
    .map((e) => e.event['seq'] as number)
    .sort((a, b) => a - b);
}

void test('property: random filters select the same events through SQL (hot and sealed) and in memory', async () => {
  let nonTrivial = 0;
  await fc.assert(
    fc.asyncProperty(filter, async (f) => {
      const text = printExpr(f);
      // what the user would type gives the same AST: the test exercises the real parser too
      const parsed = parseQuery(text).filter;
      const sql = await viaSql(parsed);
      const mem = inMemory(parsed);
      if (mem.length > 0 && mem.length < EVENTS.length) nonTrivial++;
      assert.deepEqual(sql, mem, text);
    }),
    { numRuns: 400, seed: 2026 },
  );
  assert.ok(nonTrivial > 100, `only ${nonTrivial} filters selected some but not all events`);
});

void test('hand-picked edge cases agree too', async () => {
  for (const q of ['flag:true', 'flag:1', 'level:5', 'level:"5"', 'label:5', 'label > 5', 'level > a', 'not nothing.here:*', 'tags:*', 'host.name:web\\[1\\]', 'user.name < 5', 'é', 'source.ip:2001:db8::/32 and not user.name:root']) {
    const f = parseQuery(q).filter;
    assert.deepEqual(await viaSql(f), inMemory(f), q);
  }
});
