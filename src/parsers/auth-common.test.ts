import assert from 'node:assert/strict';
import { isIP } from 'node:net';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { setPath, type EcsEvent } from '../schema/event.js';
import { F } from '../schema/fields.js';
import { A, addressFields, apply } from './auth-common.js';

/** Every field name apply writes with fixed property names, and a few it passes to setPath. */
const NAMES = [...new Set([...Object.values(A), F.eventCategory, F.eventType, F.eventAction, F.eventOutcome, F.userName, F.sourceIp, F.sourcePort, F.destinationIp, F.destinationPort])];

/** Starting points: empty, objects already there, and scalars/arrays in the way of a path. */
function starts(): EcsEvent[] {
  return [
    {},
    { event: { original: 'x' }, user: { name: 'u' }, source: { ip: '192.0.2.1' }, vigil: { ssh: {}, pam: { module: 'm' } } },
    { event: 'scalar', user: ['a'], source: null, vigil: { ssh: 'x', pam: 1 } },
    { user: { authentication: 7 } },
    JSON.parse('{"event": {"__proto__": {"x": 1}}}') as EcsEvent,
  ];
}

describe('apply', () => {
  test('sets each field as setPath does, from every starting point', () => {
    for (const name of NAMES) {
      for (const [i, start] of starts().entries()) {
        const a = structuredClone(start);
        const b = structuredClone(start);
        apply(a, { [name]: `v-${name}` });
        setPath(b, name, `v-${name}`);
        assert.deepEqual(a, b, `${name} from start ${i}`);
        assert.equal(JSON.stringify(a), JSON.stringify(b), `${name} from start ${i}: key order`);
      }
    }
  });

  test('sets several fields in order and skips undefined values', () => {
    const a: EcsEvent = { event: { original: 'x' } };
    const b: EcsEvent = { event: { original: 'x' } };
    const f = { [F.eventCategory]: ['authentication'], [F.userName]: 'root', [A.userAuthMethod]: 'password', [A.sshReason]: 'r', [F.sourcePort]: undefined, 'custom.deep.field': 1 };
    apply(a, f);
    for (const [k, v] of Object.entries(f)) if (v !== undefined) setPath(b, k, v);
    assert.equal(JSON.stringify(a), JSON.stringify(b));
    assert.equal(JSON.stringify(a).includes('port'), false);
  });
});

describe('addressFields', () => {
  test('source.ip is set exactly when isIP accepts the text (brackets and ::ffff: removed)', () => {
    const text = fc.array(fc.constantFrom('1', '9', '0', '255', '.', ':', '::', 'ffff', 'a', 'F', 'x', '%', 'eth0', '[', ']', ' ', '-', '\u0661'), { maxLength: 12 }).map((a) => a.join(''));
    fc.assert(
      fc.property(text, (raw) => {
        let ip = raw;
        if (ip.startsWith('[') && ip.endsWith(']')) ip = ip.slice(1, -1);
        if (ip.toLowerCase().startsWith('::ffff:') && isIP(ip.slice(7)) === 4) ip = ip.slice(7);
        const f = addressFields(raw);
        if (isIP(ip) !== 0 && raw.length > 0) assert.deepEqual(f, { [A.sourceAddress]: raw, [F.sourceIp]: ip });
        else assert.equal(f?.[F.sourceIp], undefined, JSON.stringify(raw));
      }),
      { numRuns: 20000 },
    );
    assert.equal(addressFields('fe80::1%eth0')?.[F.sourceIp], 'fe80::1%eth0');
    assert.equal(addressFields('host.example.com')?.[F.sourceIp], undefined);
    assert.equal(addressFields('192.0.2.1')?.[F.sourceIp], '192.0.2.1');
  });
});
