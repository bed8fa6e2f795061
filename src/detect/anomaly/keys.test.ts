import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { EcsEvent } from '../../schema/event.js';
import { eventKey, keyOf } from './keys.js';

test('eventKey is the key keyOf gives, for every kind of value, missing and cut ones included', () => {
  const value = fc.oneof(fc.string({ maxLength: 300 }), fc.integer(), fc.boolean(), fc.constant(null), fc.constant(undefined), fc.array(fc.string({ maxLength: 5 }), { maxLength: 2 }), fc.constant({ nested: 1 }));
  const fields = fc.uniqueArray(fc.constantFrom('source.ip', 'host.name', 'user.name', 'flat.key'), { minLength: 1, maxLength: 3 });
  fc.assert(
    fc.property(value, value, value, value, fields, (ip, host, user, flat, keyFields) => {
      const e: EcsEvent = { source: { ip }, host: { name: host }, user: { name: user }, 'flat.key': flat };
      assert.equal(eventKey(e, keyFields), keyOf(e, keyFields)?.key);
    }),
    { numRuns: 3000 },
  );
});

test('keyOf gives the value of each field; a key with a missing field is none', () => {
  const e: EcsEvent = { source: { ip: '10.0.0.1' }, host: { name: 'web-1' } };
  assert.deepEqual(keyOf(e, ['source.ip', 'host.name']), { key: '10.0.0.1\u0000web-1', values: { 'source.ip': '10.0.0.1', 'host.name': 'web-1' } });
  assert.equal(eventKey(e, ['source.ip', 'user.name']), undefined);
  assert.equal(eventKey(e, ['host.name']), 'web-1');
});
