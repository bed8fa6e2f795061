import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Pipeline } from '../../../core/pipeline.js';
import { Telemetry } from '../../../core/telemetry.js';
import { LineParser } from '../../../parsers/line.js';
import { parseQuery } from '../../../query/parser.js';
import type { EcsEvent } from '../../../schema/event.js';
import { SqliteStore } from '../../../store/sqlite/index.js';
import { DetectionEngine } from '../../engine.js';
import { loadRuleSet, SHIPPED_RULES_DIR } from '../../ruleset.js';
import { compileRules } from '../compile.js';
import { loadSigmaPaths } from '../load.js';
import { hunt } from './run.js';
import { huntQuery } from './compile.js';

/*
 * Hunting finds in the store exactly the events the streaming matcher flags: loghub's OpenSSH sample is ingested
 * through the real pipeline (with the detection engine) into a real SQLite store, then each rule is hunted.
 */

const SAMPLE = new URL('../../../../../shared/data/loghub/OpenSSH/OpenSSH_2k.log', import.meta.url);
const dir = mkdtempSync(join(tmpdir(), 'vigil-hunt-'));
const store = new SqliteStore({ dir: join(dir, 'store'), sync: 'normal' });
/** rule file → event.original of every event the streaming matcher flagged with one of its rules */
const flagged = new Map<string, Set<string>>();

const RULES: Record<string, string> = {
  'numbers.yml': `
title: High ports from one network
id: hunt-numbers
logsource: { product: linux, service: sshd }
detection:
  net: { source.ip|cidr: 183.62.140.0/24 }
  port: { source.port|gte: 50000 }
  condition: net and port
level: low
`,
  'letters.yml': `
title: Invalid users, not admin
id: hunt-letters
logsource: { product: linux, service: sshd }
detection:
  sel: { message|contains: 'INVALID USER' }
  admin: { user.name: ADMIN }
  condition: sel and not admin
level: low
`,
  'keywords.yml': `
title: Reverse mapping keywords
id: hunt-keywords
logsource: { product: linux, service: sshd }
detection:
  keywords: ['*POSSIBLE BREAK-IN*']
  port: { source.port|startswith: '5' }
  condition: keywords or port
level: low
`,
};

before(async () => {
  for (const [name, text] of Object.entries(RULES)) writeFileSync(join(dir, name), text);
  await store.open();
  const files = [SHIPPED_RULES_DIR, ...Object.keys(RULES).map((n) => join(dir, n))];
  const perFile = files.map((f) => ({ f, m: compileRules(loadSigmaPaths([f.endsWith('/') ? join(f, 'linux/sshd_brute_force.yml') : f]).rules) }));
  const recorder = {
    name: 'recorder',
    process(events: readonly EcsEvent[]): void {
      for (const e of events) {
        const orig = (e['event'] as Record<string, unknown> | undefined)?.['original'];
        for (const { f, m } of perFile) {
          if (m.match(structuredClone(e)).length === 0 || typeof orig !== 'string') continue;
          const set = flagged.get(f) ?? new Set<string>();
          set.add(orig);
          flagged.set(f, set);
        }
      }
    },
  };
  const telemetry = new Telemetry();
  const engine = new DetectionEngine({ rules: loadRuleSet([]), telemetry });
  const pipeline = new Pipeline({ store, telemetry, parser: new LineParser(), transforms: [engine, recorder] });
  engine.attach((a) => pipeline.submitEvents(a));
  const lines = readFileSync(SAMPLE, 'utf8').split(/\r?\n/).filter((l) => l.length > 0);
  await pipeline.submitRecords(lines.map((message) => ({ message, receivedAt: Date.now() })));
  await engine.stop();
  await pipeline.drain();
  assert.ok(engine.raised > 0, 'the shipped brute-force correlation fired on the sample');
});

after(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

async function huntSet(file: string): Promise<{ set: Set<string>; scanned: number; query: string }> {
  const r = await hunt(store, file, { limit: 100_000 });
  assert.equal(r.truncated, false);
  return { set: new Set(r.events.map((e) => String((e['event'] as Record<string, unknown>)['original']))), scanned: r.scanned, query: r.query };
}

test('numbers and addresses compile exactly: the query alone returns the flagged events', async () => {
  const f = join(dir, 'numbers.yml');
  const rule = loadSigmaPaths([f]).rules[0];
  assert.ok(rule);
  const q = huntQuery(rule);
  assert.equal(q.exact, true, q.notes.join('; '));
  assert.equal(q.query, 'source.ip:"183.62.140.0/24" and source.port >= 50000');
  const h = await huntSet(f);
  const want = flagged.get(f) ?? new Set();
  assert.ok(want.size > 10, `the sample has such events (${want.size})`);
  assert.deepEqual([...h.set].sort(), [...want].sort());
  assert.equal(h.scanned, want.size, 'no candidate beyond the matches');
});

test('values with letters and negations are widened, and the matcher pass gives the streaming result', async () => {
  const f = join(dir, 'letters.yml');
  const rule = loadSigmaPaths([f]).rules[0];
  assert.ok(rule);
  const q = huntQuery(rule);
  assert.equal(q.exact, false);
  assert.ok(q.notes.length > 0);
  const h = await huntSet(f);
  const want = flagged.get(f) ?? new Set();
  assert.ok(want.size > 10, `the sample has such events (${want.size})`);
  assert.deepEqual([...h.set].sort(), [...want].sort());
  assert.ok(h.scanned > h.set.size, 'candidates were examined by the matcher');
});

test('keyword searches OR field values: widened to every event, same result', async () => {
  const f = join(dir, 'keywords.yml');
  const h = await huntSet(f);
  assert.equal(h.query, '*');
  const want = flagged.get(f) ?? new Set();
  assert.ok(want.size > 10);
  assert.deepEqual([...h.set].sort(), [...want].sort());
});

test('the shipped sshd rules hunted over the store find the failures and successes the stream saw', async () => {
  const f = join(SHIPPED_RULES_DIR, 'linux/sshd_brute_force.yml');
  const r = await hunt(store, f, { limit: 100_000 });
  const set = new Set(r.events.map((e) => String((e['event'] as Record<string, unknown>)['original'])));
  const want = flagged.get(SHIPPED_RULES_DIR) ?? new Set();
  assert.ok(want.size > 100);
  assert.deepEqual([...set].sort(), [...want].sort());
  assert.ok(r.events.every((e) => e['event'] !== undefined && (e['event'] as Record<string, unknown>)['kind'] === 'event'), 'alerts are not hunted as events');
  // the file's correlations replayed over the matches, oldest first: the alerts the stream raised
  const streamed = await store.search({ filter: parseQuery('event.kind:alert').filter, from: 0, to: Number.MAX_SAFE_INTEGER, limit: 1000 });
  const key = (a: EcsEvent): string => `${String((a['rule'] as Record<string, unknown>)['id'])} ${String(a['@timestamp'])} ${JSON.stringify((a['vigil'] as { alert: { group: unknown } }).alert.group)}`;
  assert.ok(streamed.total > 3);
  // the stream ran every shipped rule; the hunt runs this file's: compare the alerts of this file's rules
  const ids = new Set([...readFileSync(f, 'utf8').matchAll(/^id: (\S+)$/gm)].map((m) => m[1]));
  const fromFile = streamed.events.filter((h) => ids.has(String((h.event['rule'] as Record<string, unknown>)['id'])));
  assert.ok(fromFile.length > 3);
  assert.deepEqual(r.alerts.map(key).sort(), fromFile.map((h) => key(h.event)).sort());
  await assert.rejects(hunt(store, join(dir, 'missing.yml')), /no Sigma detection rule/);
});
