import assert from 'node:assert/strict';
import { test } from 'node:test';
import { evaluate } from '../../query/evaluate.js';
import type { EcsEvent } from '../../schema/event.js';
import { eventSource, tailFilter } from '../../search/tail.js';
import { compilePredicate } from './filter.js';

const EVENTS: EcsEvent[] = [
  {},
  { source: { ip: '192.0.2.1' } },
  { source: { ip: null } },
  { event: { dataset: 'netfilter', action: 'deny', category: ['network'] }, host: { name: 'fw1' } },
  { event: { dataset: 'ufw', action: 'allow', category: [] }, network: { direction: 'outbound', bytes: 1200 } },
  { event: { dataset: 'sshd', outcome: 'failure', category: ['authentication'] }, source: { ip: '203.0.113.9' }, message: 'Failed password for root' },
  { destination: { ip: '192.0.2.80', port: 443 }, network: { direction: 'inbound', bytes: '77' } },
  { event: { dataset: ['netfilter', 'x'], action: { deny: 1 }, outcome: true, category: ['network', 'authentication'] }, host: { name: 42 }, user: { name: '007' } },
  { event: { dataset: 'NETFILTER', action: 'deny ' }, host: { name: 'fw1' }, user: { name: 7 } },
];

const QUERIES = [
  '*',
  'source.ip:*',
  'destination.ip:* and destination.port:*',
  'event.dataset:(netfilter or ufw or iptables) and event.action:(deny or drop or reject or block)',
  'network.direction:outbound and network.bytes:*',
  'not source.ip:* or event.category:*',
  'event.category:authentication and not source.ip:10.0.0.0/8',
  '"Failed password" and network.bytes >= 100 or destination.port:443',
  'host.name:fw1 or host.name:42 or user.name:007 or user.name:"7" or event.outcome:true',
  'event.category:(network or authentication) and not event.action:deny',
  'event.action:"{""deny"":1}" or event.dataset:netfil*',
];

test('compiled filters decide exactly as the query evaluator for every event', () => {
  for (const q of QUERIES) {
    const f = tailFilter(q);
    const p = compilePredicate(f);
    for (const e of EVENTS) assert.equal(p(eventSource(e)), evaluate(f, eventSource(e)), `${q} on ${JSON.stringify(e)}`);
  }
});
