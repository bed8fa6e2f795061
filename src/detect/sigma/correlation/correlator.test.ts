import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadSigmaText } from '../load.js';
import type { RuleProblem } from '../../types.js';
import { Correlator, parseCorrelations, type CorrelatorOptions, type Firing } from './index.js';

/* Oracle tests written from the correlation spec and docs/detection.md: windows [t − timespan, t] inclusive. */

const BASE = `
title: Failed login
id: failed
name: failed_login
logsource: { product: linux, service: sshd }
detection:
  sel: { event.outcome: failure }
  condition: sel
---
title: Successful login
id: success
name: successful_login
logsource: { product: linux, service: sshd }
detection:
  sel: { event.outcome: success }
  condition: sel
---
title: Rule C
id: rule_c
name: rule_c
logsource: { product: linux }
detection:
  sel: { event.action: c }
  condition: sel
`;

function build(corr: string, opts: CorrelatorOptions = {}): { c: Correlator; problems: RuleProblem[] } {
  const r = loadSigmaText(`${BASE}\n---\n${corr}`, 'test.yml');
  assert.deepEqual(r.problems, []);
  const problems: RuleProblem[] = [];
  const rules = parseCorrelations(r.correlations, problems);
  const c = new Correlator(rules, r.rules.map((x) => x.meta), opts);
  problems.push(...c.problems);
  return { c, problems };
}

/** Feeds one match; returns the ids of the correlations that fired. */
function feed(c: Correlator, rule: string, t: number, fields: Record<string, unknown> = {}): Firing[] {
  return c.observe(rule, t, (f) => fields[f], [{ id: `${rule}-${t}`, t, seq: 0, rule, fields: {} }]);
}

const fired = (f: Firing[]): string[] => f.map((x) => x.rule.meta.id);

const COUNT = (cond: string, span = '10s', extra = ''): string => `
title: Brute force
id: bf
correlation:
  type: event_count
  rules: [failed_login]
  group-by: [source.ip]
  timespan: ${span}
  condition: ${cond}
${extra}`;

test('event_count: an event exactly timespan after the first is inside the window; 1 ms more is outside', () => {
  const { c } = build(COUNT('{ gte: 3 }'));
  const ip = { 'source.ip': '192.0.2.1' };
  assert.deepEqual(fired(feed(c, 'failed', 0, ip)), []);
  assert.deepEqual(fired(feed(c, 'failed', 5000, ip)), []);
  const f = feed(c, 'failed', 10_000, ip);
  assert.deepEqual(fired(f), ['bf']);
  assert.equal(f[0]?.value, 3);
  assert.deepEqual(f[0]?.group, { 'source.ip': '192.0.2.1' });
  assert.equal(f[0]?.evidence.length, 3);
  assert.match(f[0]?.explanation[0] ?? '', /event_count = 3 \(condition >= 3\) within 10s for source.ip=192.0.2.1/);

  const { c: c2 } = build(COUNT('{ gte: 3 }'));
  feed(c2, 'failed', 0, ip);
  feed(c2, 'failed', 5000, ip);
  assert.deepEqual(fired(feed(c2, 'failed', 10_001, ip)), [], 'the first event is 1 ms outside [10001 − 10000, 10001]');
});

test('event_count: groups are separate, and an event without the group-by field belongs to none', () => {
  const { c } = build(COUNT('{ gte: 2 }'));
  assert.deepEqual(fired(feed(c, 'failed', 0, { 'source.ip': 'a' })), []);
  assert.deepEqual(fired(feed(c, 'failed', 1, { 'source.ip': 'b' })), []);
  assert.deepEqual(fired(feed(c, 'failed', 2, {})), []);
  assert.deepEqual(fired(feed(c, 'failed', 3, { 'source.ip': 'b' })), ['bf']);
  assert.equal(c.groupCount('bf'), 2);
});

test('firing: once when the condition becomes true, again only after a timespan or once it was false', () => {
  const { c } = build(COUNT('{ gte: 3 }'));
  const ip = { 'source.ip': 'x' };
  assert.deepEqual([0, 1, 2].map((t) => fired(feed(c, 'failed', t, ip)).length), [0, 0, 1]);
  // still true: no second alert within the timespan of the first
  assert.deepEqual([3, 4, 9000].map((t) => fired(feed(c, 'failed', t, ip)).length), [0, 0, 0]);
  // still true, but more than a timespan after the firing (2 + 10000): fires again
  assert.deepEqual(fired(feed(c, 'failed', 10_002, ip)), [], 'exactly timespan after the firing: not yet');
  assert.deepEqual(fired(feed(c, 'failed', 10_003, ip)), ['bf']);
  // a quiet period makes the condition false (re-arms); a new burst fires at once
  assert.deepEqual(fired(feed(c, 'failed', 40_000, ip)), []);
  assert.deepEqual(fired(feed(c, 'failed', 40_001, ip)), []);
  assert.deepEqual(fired(feed(c, 'failed', 40_002, ip)), ['bf']);
});

test('condition operators: ranges (gt+lte), eq, neq, lt, lte', () => {
  const counts = (cond: string, n: number): number[] => {
    const { c } = build(COUNT(cond, '1h'));
    return Array.from({ length: n }, (_, i) => fired(feed(c, 'failed', i * 1000, { 'source.ip': 'x' })).length);
  };
  assert.deepEqual(counts('{ gt: 2, lte: 3 }', 5), [0, 0, 1, 0, 0]);
  assert.deepEqual(counts('{ gte: 2, lt: 4 }', 5), [0, 1, 0, 0, 0]);
  assert.deepEqual(counts('{ eq: 2 }', 4), [0, 1, 0, 0]);
  // neq 2: true at 1, false at 2 (re-arms), true again at 3
  assert.deepEqual(counts('{ neq: 2 }', 4), [1, 0, 1, 0]);
  assert.deepEqual(counts('{ lt: 2 }', 3), [1, 0, 0]);
  assert.deepEqual(counts('{ lte: 2 }', 3), [1, 0, 0]);
  assert.deepEqual(counts('{ gt: 3 }', 5), [0, 0, 0, 1, 0]);
});

test('value_count: distinct values of the field per group, at the window boundary', () => {
  const corr = `
title: Many users from one address
id: vc
correlation:
  type: value_count
  rules: [failed]
  group-by: [source.ip]
  timespan: 10s
  condition: { field: user.name, gte: 3 }
`;
  const { c } = build(corr);
  const ev = (u: string): Record<string, unknown> => ({ 'source.ip': 'x', 'user.name': u });
  assert.deepEqual(fired(feed(c, 'failed', 0, ev('root'))), []);
  assert.deepEqual(fired(feed(c, 'failed', 1, ev('root'))), []);
  assert.deepEqual(fired(feed(c, 'failed', 2, ev('admin'))), []);
  assert.deepEqual(fired(feed(c, 'failed', 3, ev('admin'))), []);
  assert.deepEqual(fired(feed(c, 'failed', 10_000, ev('oracle'))), ['vc'], 'root at 0 is still inside [0, 10000]');
  const { c: c2 } = build(corr);
  feed(c2, 'failed', 0, ev('root'));
  feed(c2, 'failed', 2, ev('admin'));
  assert.deepEqual(fired(feed(c2, 'failed', 10_001, ev('oracle'))), [], 'root at 0 is outside [1, 10001]');
  // an event without the field does not count
  assert.deepEqual(fired(feed(c2, 'failed', 10_001, { 'source.ip': 'x' })), []);
});

test('temporal: every referenced rule in any order within the timespan', () => {
  const corr = `
title: All three
id: tp
correlation:
  type: temporal
  rules: [failed_login, successful_login, rule_c]
  group-by: [user.name]
  timespan: 10s
`;
  const u = { 'user.name': 'bob' };
  const { c } = build(corr);
  assert.deepEqual(fired(feed(c, 'rule_c', 0, u)), []);
  assert.deepEqual(fired(feed(c, 'success', 5000, u)), []);
  assert.deepEqual(fired(feed(c, 'success', 6000, u)), [], 'the same rule twice is one rule');
  assert.deepEqual(fired(feed(c, 'failed', 10_000, u)), ['tp']);
  const { c: c2 } = build(corr);
  feed(c2, 'rule_c', 0, u);
  feed(c2, 'success', 5000, u);
  assert.deepEqual(fired(feed(c2, 'failed', 10_001, u)), []);
  // with a condition: at least 2 of the 3 rules
  const { c: c3 } = build(corr.replace('timespan: 10s', 'timespan: 10s\n  condition: { gte: 2 }'));
  feed(c3, 'rule_c', 0, u);
  assert.deepEqual(fired(feed(c3, 'failed', 10_000, u)), ['tp']);
});

test('temporal_ordered: the rules in the order listed, within the timespan', () => {
  const corr = `
title: Failure then success
id: to
correlation:
  type: temporal_ordered
  rules: [failed_login, successful_login]
  group-by: [user.name]
  timespan: 10s
`;
  const u = { 'user.name': 'bob' };
  const { c } = build(corr);
  assert.deepEqual(fired(feed(c, 'success', 0, u)), []);
  assert.deepEqual(fired(feed(c, 'failed', 1, u)), [], 'success before failure is the wrong order');
  assert.deepEqual(fired(feed(c, 'success', 10_001, u)), ['to'], 'failed at 1 and success at 10001: exactly the timespan');
  const { c: c2 } = build(corr);
  feed(c2, 'failed', 0, u);
  assert.deepEqual(fired(feed(c2, 'success', 10_001, u)), [], '1 ms over');
});

test('value_sum and value_avg: numeric field aggregated over the window; non-numbers ignored', () => {
  const sum = `
title: Exfiltration
id: vs
correlation:
  type: value_sum
  rules: [failed]
  group-by: [source.ip]
  timespan: 10s
  condition: { field: network.bytes, gt: 1000 }
`;
  const ev = (b: unknown): Record<string, unknown> => ({ 'source.ip': 'x', 'network.bytes': b });
  const { c } = build(sum);
  assert.deepEqual(fired(feed(c, 'failed', 0, ev(600))), []);
  assert.deepEqual(fired(feed(c, 'failed', 1, ev('not a number'))), []);
  assert.deepEqual(fired(feed(c, 'failed', 10_000, ev('401'))), ['vs'], '600 + 401 > 1000, numeric text counts');
  const { c: c2 } = build(sum);
  feed(c2, 'failed', 0, ev(600));
  assert.deepEqual(fired(feed(c2, 'failed', 10_001, ev(401))), []);
  const avg = sum.replace('value_sum', 'value_avg').replace('gt: 1000', 'eq: 100').replace('id: vs', 'id: va');
  const { c: c3 } = build(avg);
  assert.deepEqual(fired(feed(c3, 'failed', 0, ev(200))), []);
  assert.deepEqual(fired(feed(c3, 'failed', 5, ev(10))), []);
  const f = feed(c3, 'failed', 10_000, ev(90));
  assert.deepEqual(fired(f), ['va'], '(200 + 10 + 90) / 3 = 100');
  assert.equal(f[0]?.value, 100);
  const { c: c4 } = build(avg);
  feed(c4, 'failed', 0, ev(200));
  feed(c4, 'failed', 5, ev(10));
  assert.deepEqual(fired(feed(c4, 'failed', 10_001, ev(90))), [], '200 at 0 left the window: (10 + 90) / 2 = 50');
});

test('value_percentile: the share of the window held by the newest value', () => {
  const corr = `
title: Rare process
id: vp
correlation:
  type: value_percentile
  rules: [failed]
  group-by: [host.name]
  timespan: 10s
  condition: { field: process.name, lte: 25 }
`;
  const ev = (p: string): Record<string, unknown> => ({ 'host.name': 'h', 'process.name': p });
  const { c } = build(corr);
  assert.deepEqual(fired(feed(c, 'failed', 0, ev('sshd'))), []);
  assert.deepEqual(fired(feed(c, 'failed', 1, ev('sshd'))), []);
  assert.deepEqual(fired(feed(c, 'failed', 2, ev('sshd'))), []);
  const f = feed(c, 'failed', 10_000, ev('nc'));
  assert.deepEqual(fired(f), ['vp'], 'nc is 1 of 4 = 25%');
  assert.equal(f[0]?.value, 25);
  const { c: c2 } = build(corr);
  feed(c2, 'failed', 0, ev('sshd'));
  feed(c2, 'failed', 1, ev('sshd'));
  feed(c2, 'failed', 2, ev('sshd'));
  assert.deepEqual(fired(feed(c2, 'failed', 10_001, ev('nc'))), [], 'sshd at 0 left the window: nc is 1 of 3');
});

test('aliases: group-by values read from a different field per rule', () => {
  const corr = `
title: Same address both ways
id: al
correlation:
  type: temporal
  rules: [failed_login, successful_login]
  group-by: [internal_ip]
  timespan: 10s
  aliases:
    internal_ip:
      failed_login: destination.ip
      successful_login: source.ip
`;
  const { c } = build(corr);
  assert.deepEqual(fired(feed(c, 'failed', 0, { 'destination.ip': '10.0.0.1', 'source.ip': '1.1.1.1' })), []);
  assert.deepEqual(fired(feed(c, 'success', 1, { 'source.ip': '10.0.0.2' })), [], 'a different address');
  const f = feed(c, 'success', 2, { 'source.ip': '10.0.0.1' });
  assert.deepEqual(fired(f), ['al']);
  assert.deepEqual(f[0]?.group, { internal_ip: '10.0.0.1' });
});

test('chaining: the spec example, many failures (event_count) followed by a success (temporal_ordered)', () => {
  const corr = `
title: Multiple failed logins followed by a successful login
id: chain
correlation:
  type: temporal_ordered
  rules: [multiple_failed_login, successful_login]
  group-by: [user.name]
  timespan: 10m
level: high
---
title: Multiple failed logons
id: many
name: multiple_failed_login
correlation:
  type: event_count
  rules: [failed_login]
  group-by: [user.name]
  timespan: 10m
  condition: { gte: 3 }
`;
  const { c, problems } = build(corr);
  assert.deepEqual(problems, []);
  const u = { 'user.name': 'alice' };
  assert.deepEqual(fired(feed(c, 'success', 0, u)), []);
  assert.deepEqual(fired(feed(c, 'failed', 1000, u)), []);
  assert.deepEqual(fired(feed(c, 'failed', 2000, u)), []);
  assert.deepEqual(fired(feed(c, 'failed', 3000, u)), ['many']);
  const f = feed(c, 'success', 4000, u);
  assert.deepEqual(fired(f), ['chain']);
  assert.ok((f[0]?.evidence.length ?? 0) >= 4, 'the chained alert carries the evidence of the inner correlation and the success');
  // the inner correlation is referred to and its referrer does not say generate: true
  assert.deepEqual([...c.referenced()].sort(), [['failed', false], ['many', false], ['success', false]]);
});

test('generate: true on a correlation lets the rules it refers to raise their own alerts', () => {
  const { c } = build(COUNT('{ gte: 3 }', '10s', 'generate: true'));
  assert.deepEqual([...c.referenced()], [['failed', true]]);
});

test('state is bounded: the least recently used group is evicted beyond the cap, and counted', () => {
  const drops: string[] = [];
  const { c } = build(COUNT('{ gte: 2 }'), { maxGroups: 2, onDrop: (id, reason) => drops.push(`${id}:${reason}`) });
  feed(c, 'failed', 0, { 'source.ip': 'a' });
  feed(c, 'failed', 1, { 'source.ip': 'b' });
  feed(c, 'failed', 2, { 'source.ip': 'a' }); // fires; a is now most recent
  feed(c, 'failed', 3, { 'source.ip': 'c' }); // evicts b
  assert.deepEqual(drops, ['bf:group_evicted']);
  assert.equal(c.groupCount('bf'), 2);
  assert.deepEqual(fired(feed(c, 'failed', 4, { 'source.ip': 'b' })), [], "b's first event was forgotten");
  assert.deepEqual(drops, ['bf:group_evicted', 'bf:group_evicted']);
});

test('out of order within the lateness bound: same alert as in order; beyond it: dropped and counted', () => {
  const drops: string[] = [];
  const { c } = build(COUNT('{ gte: 3 }', '10s'), { latenessMs: 5000, onDrop: (id, reason) => drops.push(reason) });
  const ip = { 'source.ip': 'x' };
  assert.deepEqual(fired(feed(c, 'failed', 12_000, ip)), []);
  assert.deepEqual(fired(feed(c, 'failed', 20_000, ip)), []);
  // arrives late (8 s behind the newest, beyond 5 s): dropped
  assert.deepEqual(fired(feed(c, 'failed', 11_999, ip)), []);
  assert.deepEqual(drops, ['late_event']);
  // arrives 4 s late: window [5000, 15000] holds 12000 and 15000 only; window ending 20000 holds 12000, 15000, 20000
  assert.deepEqual(fired(feed(c, 'failed', 16_000, ip)), ['bf']);
  const { c: c2 } = build(COUNT('{ gte: 3 }', '10s'), { latenessMs: 5000 });
  const order = [3000, 1000, 2000].map((t) => fired(feed(c2, 'failed', t, ip)).length);
  assert.deepEqual(order, [0, 0, 1]);
});

test('snapshot and restore: half the events before, half after, one alert', () => {
  const { c } = build(COUNT('{ gte: 4 }', '1m'));
  const ip = { 'source.ip': 'x' };
  feed(c, 'failed', 0, ip);
  feed(c, 'failed', 1000, ip);
  const saved = JSON.parse(JSON.stringify(c.snapshot())) as ReturnType<Correlator['snapshot']>;
  const { c: c2 } = build(COUNT('{ gte: 4 }', '1m'));
  assert.equal(c2.restore(saved), 1);
  assert.deepEqual(fired(feed(c2, 'failed', 2000, ip)), []);
  const f = feed(c2, 'failed', 3000, ip);
  assert.deepEqual(fired(f), ['bf']);
  assert.deepEqual(f[0]?.evidence.map((e) => e.id), ['failed-0', 'failed-1000', 'failed-2000', 'failed-3000']);
  assert.deepEqual(fired(feed(c2, 'failed', 4000, ip)), []);
  // a changed rule does not take the old state
  const { c: c3 } = build(COUNT('{ gte: 3 }', '1m'));
  assert.equal(c3.restore(saved), 0);
});

test('the compact JSON snapshot (written in pieces) restores the same windows, evidence fields written once', () => {
  const text = `${COUNT('{ gte: 4 }', '1m')}\n---\ntitle: Spray\nid: spray\ncorrelation: { type: event_count, rules: [failed_login], group-by: [user.name], timespan: 1m, condition: { gte: 4 } }\n`;
  const { c } = build(text);
  const shared = { 'source.ip': 'x', 'user.name': 'root', message: 'Failed password for root from x' };
  const see = (t: number): Firing[] => c.observe('failed', t, (f) => shared[f as keyof typeof shared], [{ id: `failed-${t}`, t, seq: 0, rule: 'failed', fields: shared }]);
  see(0);
  see(1000);
  const json = [...c.snapshotJson()].join('');
  const saved = JSON.parse(json) as Parameters<Correlator['restore']>[0];
  assert.equal(saved.version, 2);
  assert.equal(json.split('Failed password for root').length - 1, 1, 'one event matched by two correlations: its fields are written once');
  const { c: c2 } = build(text);
  assert.equal(c2.restore(saved), 2);
  const again = (t: number): Firing[] => c2.observe('failed', t, (f) => shared[f as keyof typeof shared], [{ id: `failed-${t}`, t, seq: 0, rule: 'failed', fields: shared }]);
  assert.deepEqual(fired(again(2000)), []);
  const f = again(3000);
  assert.deepEqual(fired(f).sort(), ['bf', 'spray']);
  assert.deepEqual(f[0]?.evidence.map((e) => [e.id, e.rule, e.fields['message']]), [0, 1000, 2000, 3000].map((t) => [`failed-${t}`, 'failed', shared.message]));
  // the in-memory form restores the same
  const { c: c3 } = build(text);
  assert.equal(c3.restore(c.snapshot()), 2);
});

test('invalid correlations are problems with codes, never exceptions', () => {
  const cases: Array<[string, string]> = [
    [COUNT('{ gte: 3 }', '10x'), 'SIGMA_CORR_BAD_TIMESPAN'],
    [COUNT('{ more: 3 }'), 'SIGMA_CORR_BAD_CONDITION'],
    [COUNT('{ gte: three }'), 'SIGMA_CORR_BAD_CONDITION'],
    [COUNT('{ gte: 3 }').replace('[failed_login]', '[nope]'), 'SIGMA_CORR_UNKNOWN_RULE'],
    [COUNT('{ gte: 3 }').replace('event_count', 'event_sum'), 'SIGMA_CORR_BAD_TYPE'],
    [COUNT('{ gte: 3 }').replace('event_count', 'value_count'), 'SIGMA_CORR_MISSING_FIELD'],
    [COUNT('{ gte: 3 }').replace('  group-by: [source.ip]\n', ''), 'SIGMA_CORR_MISSING_GROUP_BY'],
    [COUNT('{ gte: 5000 }'), 'SIGMA_CORR_THRESHOLD_CAP'],
    ['title: loop\nid: l1\nname: l1\ncorrelation: { type: event_count, rules: [l2], group-by: [], timespan: 1m, condition: { gte: 1 } }\n---\ntitle: loop2\nid: l2\nname: l2\ncorrelation: { type: event_count, rules: [l1], group-by: [], timespan: 1m, condition: { gte: 1 } }', 'SIGMA_CORR_CYCLE'],
  ];
  for (const [text, code] of cases) {
    const { problems } = build(text);
    assert.ok(problems.some((p) => p.code === code), `${code}: ${JSON.stringify(problems)}`);
    assert.ok(problems.every((p) => p.location.file === 'test.yml'));
  }
});
