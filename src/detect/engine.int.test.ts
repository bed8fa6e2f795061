import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { Pipeline } from '../core/pipeline.js';
import { Telemetry } from '../core/telemetry.js';
import { LineParser } from '../parsers/line.js';
import { parseQuery } from '../query/parser.js';
import { getPath, normalizeEvent, type EcsEvent } from '../schema/event.js';
import { SqliteStore } from '../store/sqlite/index.js';
import { DetectionEngine } from './engine.js';
import { loadRuleSet } from './ruleset.js';
import { statePath } from './state.js';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'vigil-engine-'));
  dirs.push(d);
  return d;
}

const failure = (i: number, ip: string): string => `Dec 10 06:55:${String(10 + i * 3).padStart(2, '0')} LabSZ sshd[${24200 + i}]: Failed password for root from ${ip} port ${40000 + i} ssh2`;

const EVERY_EVENT = `
title: Every sshd event
id: every-sshd
logsource: { product: linux, service: sshd }
detection:
  sel: { event.dataset: sshd }
  condition: sel
level: low
`;

test('through the real pipeline and store: alerts are stored after their evidence, which carries event ids', async () => {
  const dir = tmp();
  const store = new SqliteStore({ dir: join(dir, 'store'), sync: 'normal' });
  await store.open();
  try {
    const telemetry = new Telemetry();
    const engine = new DetectionEngine({ rules: loadRuleSet([]), telemetry, dataDir: dir, snapshotEveryMs: 0 });
    const pipeline = new Pipeline({ store, telemetry, parser: new LineParser(), transforms: [engine] });
    engine.attach((a) => pipeline.submitEvents(a));
    engine.start();
    const lines = [...Array.from({ length: 10 }, (_, i) => failure(i, '203.0.113.9')), 'Dec 10 06:56:00 LabSZ sshd[1]: Connection closed by 10.0.0.1 [preauth]'];
    await pipeline.submitRecords(lines.map((message) => ({ message, receivedAt: Date.now() })));
    await engine.stop();
    await pipeline.drain();
    assert.equal(engine.raised, 1);
    const all = { from: 0, to: Number.MAX_SAFE_INTEGER, limit: 100 };
    const alerts = await store.search({ ...all, filter: parseQuery('event.kind:alert').filter });
    assert.equal(alerts.total, 1);
    const alert = alerts.events[0]?.event as EcsEvent;
    const ids = getPath(alert, 'vigil.alert.evidence_ids') as string[];
    assert.equal(ids.length, 10);
    const withId = await store.search({ ...all, filter: parseQuery('event.kind:event and event.id:*').filter });
    assert.deepEqual(withId.events.map((h) => getPath(h.event, 'event.id')).sort(), [...ids].sort(), 'exactly the matched events got an event.id');
    const closed = await store.search({ ...all, filter: parseQuery('event.kind:event and not event.id:*').filter });
    assert.equal(closed.total, 1);
    assert.match(readFileSync(statePath(dir), 'utf8'), /203\.0\.113\.9/);
  } finally {
    await store.close();
  }
});

test('process() never blocks: beyond the alert queue bound alerts are dropped and counted', async () => {
  const dir = tmp();
  writeFileSync(join(dir, 'every.yml'), EVERY_EVENT);
  const telemetry = new Telemetry();
  const engine = new DetectionEngine({ rules: loadRuleSet([join(dir, 'every.yml')], { shipped: false }), telemetry, maxQueuedAlerts: 3 });
  let calls = 0;
  engine.attach(() => {
    calls++;
    return new Promise(() => {}); // a store that never commits
  });
  const parser = new LineParser();
  const events = Array.from({ length: 10 }, (_, i) => normalizeEvent(parser.parse({ message: failure(i, '192.0.2.1'), receivedAt: 0 }), 0, 'generic', { expand: false }).event);
  const started = performance.now();
  engine.process(events);
  await new Promise((r) => setImmediate(r));
  engine.process(events);
  assert.ok(performance.now() - started < 2000);
  assert.equal(engine.raised, 3);
  assert.equal(engine.dropped, 17);
  assert.equal(calls, 1);
  assert.match(await telemetry.metrics(), /vigil_component_discarded_events_total\{component="detect",kind="transform",reason="alert_queue_full",intentional="false"\} 17/);
});

test('correlation groups beyond the cap are evicted and counted in a metric', async () => {
  const telemetry = new Telemetry();
  const engine = new DetectionEngine({ rules: loadRuleSet([], { maxGroups: 3 }), telemetry });
  const parser = new LineParser();
  const events = Array.from({ length: 8 }, (_, i) => normalizeEvent(parser.parse({ message: failure(i, `192.0.2.${i}`), receivedAt: 0 }), 0, 'generic', { expand: false }).event);
  engine.process(events);
  assert.match(await telemetry.metrics(), /vigil_detect_correlation_dropped_total\{rule="3f9d6c52-8a1e-4c57-b0d4-6e2a9f41c7a3",reason="group_evicted"\} 5/);
  assert.equal(engine.status().find((s) => s.id === '3f9d6c52-8a1e-4c57-b0d4-6e2a9f41c7a3')?.groups, 3);
});

test('hostile events and a damaged state file: no exception, empty windows, a warning', () => {
  const dir = tmp();
  mkdirSync(join(dir, 'detect'));
  writeFileSync(statePath(dir), '{"correlations": {"version": 1, "seq": 1, "rules": {"x": {"fingerprint": "f", "groups": [{"key": 1}]}}}}');
  const warnings: string[] = [];
  const engine = new DetectionEngine({ rules: loadRuleSet([]), dataDir: dir, snapshotEveryMs: 0, log: (m) => warnings.push(m) });
  engine.start();
  assert.ok(warnings.some((w) => /damaged/.test(w)), warnings.join('\n'));
  const weird: EcsEvent[] = [
    {},
    { '@timestamp': 'yesterday', event: { dataset: 'sshd', action: 'ssh_login', outcome: 'failure' }, source: { ip: ['a', { b: 1 }] } },
    { event: 'x', source: null },
    { event: { dataset: 'sshd', action: 'ssh_login', outcome: 'failure', kind: 'alert' } },
    { '@timestamp': '2026-01-01T00:00:00Z', event: { dataset: 'sshd', action: 'ssh_login', outcome: 'failure', id: 'x'.repeat(1000) }, source: { ip: 'z'.repeat(100_000) } },
  ];
  assert.doesNotThrow(() => engine.process(weird));
  assert.match(String(getPath(weird[4] as EcsEvent, 'event.id')), /^[0-9a-f-]{36}$/, 'an over-long event.id is replaced');
  assert.equal(getPath(weird[3] as EcsEvent, 'event.id'), undefined, 'alerts are not matched again');
});

test('the spec example on Windows events: correlation fields read through the Windows mapping (EventID, Computer, event data)', () => {
  const dir = tmp();
  writeFileSync(
    join(dir, 'win.yml'),
    `title: Many failed logons for one user on one computer
id: win-many
correlation:
  type: event_count
  rules: [failed_logon]
  group-by: [TargetUserName, Computer]
  timespan: 10m
  condition: { gte: 3 }
level: high
---
title: Failed logon
id: win-failed
name: failed_logon
logsource: { product: windows, service: security }
detection:
  selection: { EventID: [529, 4625] }
  condition: selection
`,
  );
  const engine = new DetectionEngine({ rules: loadRuleSet([join(dir, 'win.yml')], { shipped: false }) });
  assert.deepEqual(engine.rules.problems, []);
  const ev = (i: number, user: string): EcsEvent => ({
    '@timestamp': new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString(),
    event: { code: '4625', kind: 'event', dataset: 'windows.security' },
    host: { name: 'DC1' },
    winlog: { channel: 'Security', event_id: 4625, provider_name: 'Microsoft-Windows-Security-Auditing', event_data: { TargetUserName: user } },
  });
  engine.process([ev(0, 'bob'), ev(1, 'alice'), ev(2, 'bob')]);
  assert.equal(engine.raised, 0);
  engine.process([ev(3, 'bob')]);
  assert.equal(engine.raised, 1);
  const alert = engine.takeQueued()[0] as EcsEvent;
  assert.deepEqual(getPath(alert, 'vigil.alert.group'), { TargetUserName: 'bob', Computer: 'DC1' });
});

test('a baseline rule switched off keeps learning but raises nothing; switched on it alerts again', () => {
  const dir = tmp();
  writeFileSync(
    join(dir, 'burst.yml'),
    "title: Host burst\nid: 0f4c2b1e-5a6d-4e7f-8a9b-0c1d2e3f4a5b\nvigil: baseline\nquery: 'host.name:burst-*'\nkey: host.name\nmetric: count\nbucket: 1m\nwarmup: 0\nthreshold:\n  sigma: 0\n  factor: 1\n  min: 3\nlevel: high\n",
  );
  const engine = new DetectionEngine({ rules: loadRuleSet([join(dir, 'burst.yml')], { shipped: false }), snapshotEveryMs: 0 });
  const id = '0f4c2b1e-5a6d-4e7f-8a9b-0c1d2e3f4a5b';
  const at = (minute: number, host: string): EcsEvent =>
    normalizeEvent({ '@timestamp': new Date(Date.UTC(2026, 0, 1, 0, minute)).toISOString(), host: { name: host }, message: 'x' }, Date.now(), 'generic').event;
  engine.switchedOff.add(id);
  engine.process([0, 0, 0, 0].map(() => at(0, 'burst-a')));
  assert.deepEqual(engine.takeQueued(), [], 'off: no alert');
  assert.equal(engine.status().find((r) => r.id === id)?.enabled, false);
  assert.equal(engine.status().find((r) => r.id === id)?.groups, 1, 'off: the key was still learned');
  engine.switchedOff.delete(id);
  engine.process([0, 0, 0, 0].map(() => at(1, 'burst-b')));
  const alerts = engine.takeQueued();
  assert.equal(alerts.length, 1);
  assert.equal(getPath(alerts[0] as EcsEvent, 'rule.id'), id);
  assert.equal(engine.status().find((r) => r.id === id)?.enabled, true);
});
