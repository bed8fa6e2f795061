import assert from 'node:assert/strict';
import { test } from 'node:test';
import { VigilError } from '../core/errors.js';
import { alertDocument } from '../detect/alerts.js';
import { alertEntities, entityKeys, groupEntity } from './entities.js';
import { parseSuppression, suppresses } from './suppress.js';

const rule = { id: 'r1', title: 'Brute force', level: 'medium', tags: [], generate: true, location: { file: 'x.yml' } };
const doc = alertDocument(
  {
    rule,
    type: 'event_count',
    time: 1_700_000_000_000,
    explanation: ['count 12 >= 10'],
    group: { 'source.ip': '2001:DB8::5' },
    evidence: [
      { id: 'e1', t: 1_700_000_000_000, seq: 0, rule: 'base', fields: { 'source.ip': '2001:db8::5', 'user.name': 'Root', 'host.name': 'db-1', 'destination.port': 22 } },
      { id: 'e2', t: 1_700_000_000_001, seq: 0, rule: 'base', fields: { 'source.ip': '2001:db8::5', 'user.name': 'admin', 'host.name': 'db-1' } },
    ],
  },
  1_700_000_000_002,
);
const entities = alertEntities(doc);

test('entities: group-by values first, then evidence; addresses canonical, no duplicates', () => {
  assert.deepEqual(entities, { sourceIp: ['2001:db8::5'], destinationIp: [], userName: ['Root', 'admin'], hostName: ['db-1'] });
  assert.equal(groupEntity(doc, entities), 'source.ip=2001:DB8::5');
  assert.deepEqual(entityKeys(entities), ['source.ip=2001:db8::5', 'user.name=root', 'user.name=admin', 'host.name=db-1']);
  const plain = alertDocument({ rule, type: 'detection', time: 1, explanation: [], evidence: [{ id: 'x', t: 1, seq: 0, rule: 'r1', fields: { 'user.name': 'bob' } }] }, 1);
  assert.equal(groupEntity(plain, alertEntities(plain)), 'user.name=bob');
});

test('suppression: entity (case-insensitive), rule, field values from the alert, its group or its evidence', () => {
  assert.equal(suppresses({ entity: 'root' }, 'r1', entities, doc), true);
  assert.equal(suppresses({ entity: '2001:db8::5' }, 'r1', entities, doc), true);
  assert.equal(suppresses({ entity: '2001:db8::5', rule_id: 'r2' }, 'r1', entities, doc), false);
  assert.equal(suppresses({ entity: 'db-2' }, 'r1', entities, doc), false);
  assert.equal(suppresses({ field_values: { 'destination.port': 22, 'host.name': 'db-1' } }, 'r1', entities, doc), true);
  assert.equal(suppresses({ field_values: { 'destination.port': '22' } }, 'r1', entities, doc), true);
  assert.equal(suppresses({ field_values: { 'rule.category': 'event_count' } }, 'r1', entities, doc), true);
  assert.equal(suppresses({ field_values: { 'host.name': 'db-1', 'user.name': 'nobody' } }, 'r1', entities, doc), false);
});

test('suppression input: entity or field values required; duration or until, not both; never already over', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  assert.equal(parseSuppression({ entity: '10.0.0.1', reason: 'x', duration: '12h' }, now).until, now + 12 * 3_600_000);
  assert.equal(parseSuppression({ field_values: { 'user.name': 'svc' }, reason: 'x' }, now).until, null);
  for (const bad of [{ rule_id: 'r1', reason: 'x' }, { entity: 'a', reason: 'x', until: '2027-01-01T00:00:00Z', duration: '1d' }, { entity: 'a', reason: 'x', until: '2025-01-01T00:00:00Z' }, { entity: 'a' }, { entity: 'a', reason: 'x', duration: '1y' }, 'text']) {
    assert.throws(() => parseSuppression(bad, now), (e: unknown) => e instanceof VigilError && e.code === 'VIGIL_ERR_BAD_REQUEST', JSON.stringify(bad));
  }
});
