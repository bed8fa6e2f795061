import assert from 'node:assert/strict';
import { test } from 'node:test';
import { alertDocument, tacticNames, techniqueIds } from './alerts.js';
import type { RuleMeta } from './types.js';

test('ATT&CK tags: techniques and sub-techniques upper-cased, tactics by name, groups and software left out', () => {
  const tags = ['attack.t1110', 'attack.t1110.001', 'attack.credential_access', 'attack.g0016', 'attack.s0002', 'cve.2021-44228', 'attack.T1078'];
  assert.deepEqual(techniqueIds(tags), ['T1110', 'T1110.001', 'T1078']);
  assert.deepEqual(tacticNames(tags), ['credential_access']);
});

test('alert document: ECS alert fields from the rule, severity from the level, evidence with ids', () => {
  const rule: RuleMeta = { id: 'r1', title: 'Brute force', level: 'high', tags: ['attack.t1110'], generate: true, location: { file: 'x.yml' }, description: 'many failures' };
  const doc = alertDocument(
    { rule, type: 'event_count', time: Date.UTC(2026, 0, 2, 3, 4, 5), explanation: ['event_count = 10'], evidence: [{ id: 'e1', t: Date.UTC(2026, 0, 2), seq: 1, rule: 'base', fields: { 'source.ip': '192.0.2.1' } }], group: { 'source.ip': '192.0.2.1' }, value: 10 },
    Date.UTC(2026, 0, 2, 3, 4, 6),
  );
  const ev = doc['event'] as Record<string, unknown>;
  assert.equal(ev['kind'], 'alert');
  assert.equal(ev['severity'], 75);
  assert.equal(ev['risk_score'], 75);
  assert.match(String(ev['id']), /^[0-9a-f-]{36}$/);
  assert.equal(doc['@timestamp'], '2026-01-02T03:04:05.000Z');
  assert.deepEqual(doc['rule'], { id: 'r1', name: 'Brute force', description: 'many failures', ruleset: 'sigma', category: 'event_count', reference: 'x.yml' });
  assert.deepEqual((doc['threat'] as Record<string, unknown>)['technique'], { id: ['T1110'] });
  const alert = (doc['vigil'] as { alert: Record<string, unknown> }).alert;
  assert.equal(alert['status'], 'open');
  assert.deepEqual(alert['evidence_ids'], ['e1']);
  assert.deepEqual(alert['evidence'], [{ id: 'e1', '@timestamp': '2026-01-02T00:00:00.000Z', rule_id: 'base', source: { ip: '192.0.2.1' } }]);
  assert.equal(doc['message'], 'Brute force (source.ip=192.0.2.1)');
  const critical = alertDocument({ rule: { ...rule, level: 'critical', tags: [] }, type: 'detection', time: Number.NaN, explanation: [], evidence: [] }, 0);
  assert.equal((critical['event'] as Record<string, unknown>)['severity'], 100);
  assert.equal(critical['threat'], undefined);
  assert.equal(critical['@timestamp'], '1970-01-01T00:00:00.000Z', 'an event without a usable time: the time of raising');
});
