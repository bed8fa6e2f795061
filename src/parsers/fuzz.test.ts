import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { getPath, type EcsEvent } from '../schema/event.js';
import { F } from '../schema/fields.js';
import { LineParser } from './line.js';
import { LINE_FORMATS, MESSAGE_PARSERS } from './registry.js';
import { adversarialMessages } from './testing/adversarial.js';

/*
 * Property-based robustness of every parser reachable through LineParser. The parsers are read from the registry at
 * test time, so parsers added later are covered without touching this file.
 */

const MAX_LINE = 65536;
/** FUZZ_SCALE=20 runs twenty times as many cases (a longer hunt; the default keeps the file under a few seconds). */
const SCALE = Math.max(1, Number(process.env['FUZZ_SCALE'] ?? 1) || 1);
const DATA = new URL('../../../shared/data/', import.meta.url);
const HEADERS = ['', 'Jan  2 03:04:05 host prog[123]: ', '<34>1 2024-01-02T03:04:05.000Z host app 77 ID47 - '];

/** Every regular file under `dir` (depth-bounded), sorted. */
function files(dir: string, depth = 0): string[] {
  if (!existsSync(dir) || depth > 4) return [];
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    const st = statSync(p);
    if (st.isDirectory()) out.push(...files(p, depth + 1));
    else if (st.isFile() && st.size < 32 * 1024 * 1024) out.push(p);
  }
  return out;
}

/** Up to `perFile` non-empty lines of each file of the shared corpora (fail2ban samples, loghub, rsyslog tests). */
function realLines(perFile: number): string[] {
  const root = DATA.pathname;
  const sources = [
    ...files(join(root, 'fail2ban/logs')),
    ...files(join(root, 'loghub')).filter((f) => f.endsWith('.log')),
    ...files(join(root, 'rsyslog-testsuites')),
  ];
  const out: string[] = [];
  for (const f of sources) {
    let text: string;
    try {
      text = readFileSync(f, 'utf8');
    } catch {
      continue;
    }
    const lines = text.split('\n').filter((l) => l.length > 0 && !l.startsWith('#'));
    // spread the picks over the file
    const step = Math.max(1, Math.floor(lines.length / perFile));
    for (let i = 0; i < lines.length && i / step < perFile; i += step) out.push(lines[i] as string);
  }
  return out;
}

const REAL = realLines(40);
const FALLBACK = ['Failed password for invalid user admin from 1.2.3.4 port 22 ssh2', 'pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=1.2.3.4  user=root'];
const SEEDS = REAL.length > 0 ? REAL : FALLBACK;

/** Formats a record may name: none (routing by program), `syslog`, every message parser and every line format. */
const FORMATS: (string | undefined)[] = [undefined, 'syslog', ...MESSAGE_PARSERS.map((p) => p.name), ...LINE_FORMATS.map((f) => f.name)];

const INJECTIONS = [
  ' from 1.2.3.4 port 5',
  '__proto__',
  '"',
  "'",
  '[',
  ']',
  '(',
  ')',
  '{',
  '}',
  '\u0000',
  ' rhost=',
  ' user=',
  ': ',
  ' [preauth]',
  'constructor',
  'prototype',
  '=',
  ';',
  '|',
  '\\',
  '\n',
  '\uD800',
  '\u{1F600}',
];

/** One edit of a line: insert, delete or duplicate a substring, inject a token, or add a very long run. */
const mutation = fc.oneof(
  fc.record({ op: fc.constant('insert' as const), at: fc.nat(), text: fc.oneof(fc.constantFrom(...INJECTIONS), fc.string({ maxLength: 8 })) }),
  fc.record({ op: fc.constant('delete' as const), at: fc.nat(), len: fc.nat({ max: 20 }) }),
  fc.record({ op: fc.constant('duplicate' as const), at: fc.nat(), len: fc.nat({ max: 40 }), times: fc.integer({ min: 1, max: 50 }) }),
  fc.record({ op: fc.constant('run' as const), at: fc.nat(), unit: fc.constantFrom(...INJECTIONS, ' ', 'a', '0', '.'), times: fc.integer({ min: 100, max: 70_000 }) }),
);
type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

function mutate(line: string, edits: readonly Mutation[]): string {
  let s = line;
  for (const m of edits) {
    const at = s.length === 0 ? 0 : m.at % (s.length + 1);
    if (m.op === 'insert') s = s.slice(0, at) + m.text + s.slice(at);
    else if (m.op === 'delete') s = s.slice(0, at) + s.slice(at + m.len);
    else if (m.op === 'duplicate') s = s.slice(0, at) + s.slice(at, at + m.len).repeat(m.times) + s.slice(at);
    else s = s.slice(0, at) + m.unit.repeat(Math.ceil(m.times / m.unit.length)) + s.slice(at);
    if (s.length > 2 * MAX_LINE) s = s.slice(0, 2 * MAX_LINE);
  }
  return s;
}

const mutatedLine = fc.tuple(fc.constantFrom(...SEEDS), fc.array(mutation, { minLength: 1, maxLength: 4 })).map(([line, edits]) => mutate(line, edits));

function prototypeSnapshot(): string {
  return [Object.prototype, Array.prototype, String.prototype, Function.prototype].map((p) => Object.getOwnPropertyNames(p).sort().join(',')).join('|');
}
const PROTO_BEFORE = prototypeSnapshot();

const parser = new LineParser(() => Date.UTC(2024, 5, 1));

/** Parses `message` with every header prefix and every format; checks the invariants of each result. */
function check(message: string, formats: readonly (string | undefined)[] = FORMATS): void {
  for (const header of HEADERS) {
    const line = header + message;
    for (const format of formats) {
      let e: EcsEvent;
      try {
        e = parser.parse(format === undefined ? { message: line, receivedAt: 0 } : { message: line, receivedAt: 0, format });
      } catch (err) {
        throw new Error(`format ${String(format)} threw on ${JSON.stringify(line.slice(0, 200))}: ${String(err)}`);
      }
      const original = getPath(e, F.eventOriginal);
      if (original !== line.slice(0, MAX_LINE)) throw new Error(`format ${String(format)}: event.original changed for ${JSON.stringify(line.slice(0, 200))}`);
      const polluted = ({} as Record<string, unknown>)['polluted'] !== undefined || prototypeSnapshot() !== PROTO_BEFORE;
      if (polluted) throw new Error(`format ${String(format)}: Object.prototype polluted by ${JSON.stringify(line.slice(0, 200))}`);
    }
  }
}

/** Formats for long inputs: routing by program plus each parser once, without the cross product of headers. */
function checkLong(message: string): void {
  const line = HEADERS[1] + message;
  for (const format of FORMATS) {
    const e = parser.parse(format === undefined ? { message: line, receivedAt: 0 } : { message: line, receivedAt: 0, format });
    assert.equal(getPath(e, F.eventOriginal), line.slice(0, MAX_LINE));
  }
  assert.equal(prototypeSnapshot(), PROTO_BEFORE);
}

describe('parser fuzzing (every registered parser, through LineParser)', () => {
  it('has the shared corpus lines to mutate', () => {
    assert.ok(SEEDS.length > 0);
    assert.ok(FORMATS.length >= 3);
  });

  it('never throws, keeps event.original, does not pollute prototypes: arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (s) => check(s)),
      { numRuns: 150 * SCALE },
    );
  });

  it('… arbitrary unicode (including lone surrogates)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (s) => check(s)),
      { numRuns: 150 * SCALE },
    );
  });

  it('… real lines as they are, with and without a header', () => {
    // every seed once, routed by program; a sample with every format
    for (const line of SEEDS) check(line, [undefined]);
    for (let i = 0; i < SEEDS.length; i += 17) check(SEEDS[i] as string);
  });

  it('… mutated real lines', () => {
    fc.assert(
      fc.property(mutatedLine, (s) => (s.length > 4096 ? checkLong(s) : check(s))),
      { numRuns: 300 * SCALE },
    );
  });

  it('… keys shaped like prototype paths and tokens imitating fields', () => {
    const tokens = fc.array(fc.constantFrom(...INJECTIONS, 'user ', 'for ', 'invalid user ', 'Failed password ', 'Accepted publickey ', 'pam_unix(sshd:auth): ', 'session opened for user ', 'uid=0', 'port 22', '1.2.3.4', '::ffff:1.2.3.4', 'x'), { maxLength: 30 });
    fc.assert(
      fc.property(tokens, (t) => check(t.join(''))),
      { numRuns: 150 * SCALE },
    );
  });
});

/** Literal text of a parser's own source (quoted strings and the plain-text runs of its regular expressions). */
function sourceFragments(file: string): string[] {
  const src = readFileSync(file, 'utf8');
  const out = new Set<string>();
  for (const m of src.matchAll(/'((?:[^'\\\n]|\\.){3,60})'/g)) out.add((m[1] as string).replace(/\\(.)/g, '$1'));
  for (const m of src.matchAll(/= \/(.{4,}?)\/[dgimsuy]*;/g)) {
    for (const run of (m[1] as string).matchAll(/[A-Za-z][A-Za-z _;:=,-]{3,40}/g)) out.add(run[0]);
  }
  return [...out].filter((s) => !s.startsWith('./') && !s.startsWith('../') && !s.startsWith('node:'));
}

/** The source file that defines each registered parser, found by its `name: '…'`. */
function sourceByName(): Map<string, string> {
  const dir = new URL('.', import.meta.url).pathname;
  const map = new Map<string, string>();
  for (const f of readdirSync(dir).sort()) {
    if (!f.endsWith('.ts') || f.endsWith('.test.ts')) continue;
    const src = readFileSync(join(dir, f), 'utf8');
    for (const m of src.matchAll(/name: '([\w.-]+)'/g)) if (!map.has(m[1] as string)) map.set(m[1] as string, join(dir, f));
  }
  return map;
}

/** A few evenly spread items (a fixed choice keeps the run time bounded and the test repeatable). */
function spread<T>(items: readonly T[], n: number): T[] {
  if (items.length <= n) return [...items];
  const step = items.length / n;
  return Array.from({ length: n }, (_, i) => items[Math.floor(i * step)] as T);
}

describe('no catastrophic backtracking (every registered parser, 64 KiB lines from its own patterns)', () => {
  const sources = sourceByName();
  const SIZE = 65_536;
  const fill = (prefix: string, unit: string): string => prefix + unit.repeat(Math.ceil((SIZE - prefix.length) / unit.length)).slice(0, SIZE - prefix.length);

  /** The shared adversarial lines plus ones made of the parser's own fragments, as prefixes and as repeated units. */
  function messagesFor(name: string): string[] {
    const file = sources.get(name);
    const frags = file ? spread(sourceFragments(file), 12) : [];
    const out = adversarialMessages(spread(frags, 4));
    for (const unit of frags) {
      out.push(fill('', unit));
      out.push(fill('', `${unit} `));
    }
    for (const p of spread(frags, 6)) for (const u of spread(frags, 6)) out.push(fill(p, u));
    return out;
  }

  const timed = (name: string, m: string, run: () => void): number => {
    const t0 = performance.now();
    run();
    const ms = performance.now() - t0;
    assert.ok(ms < 100, `${name}: ${ms.toFixed(1)} ms on ${JSON.stringify(m.slice(0, 60))}…`);
    return ms;
  };

  for (const p of MESSAGE_PARSERS) {
    it(`message parser ${p.name}`, () => {
      for (const m of messagesFor(p.name)) {
        timed(p.name, m, () => {
          p.parse(m, { process: { pid: 1, name: p.programs[0] ?? p.name }, host: { hostname: 'h' } });
        });
      }
    });
  }

  for (const f of LINE_FORMATS) {
    it(`line format ${f.name}`, () => {
      for (const m of messagesFor(f.name)) {
        timed(f.name, m, () => {
          if (f.sniff(m)) f.parse(m, {});
          f.parse(m, {});
        });
      }
    });
  }

  it('the whole LineParser, routed by program', () => {
    const lp = new LineParser();
    for (const p of MESSAGE_PARSERS) {
      const prog = p.programs[0] ?? 'prog';
      for (const m of spread(messagesFor(p.name), 8)) {
        const line = `Jan  2 03:04:05 host ${prog}[1]: ${m}`;
        timed(p.name, line, () => lp.parse({ message: line, receivedAt: 0 }));
      }
    }
  });
});
