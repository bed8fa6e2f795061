import assert from 'node:assert/strict';
import { test } from 'node:test';
import { evaluate } from '../../query/evaluate.js';
import type { EcsEvent } from '../../schema/event.js';
import { eventSource, tailFilter } from '../../search/tail.js';
import { compilePredicate, datasetOf, datasetScreen, requiredDatasets, Subject } from './filter.js';

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
  { event: { dataset: 42, action: 'deny' } },
  { event: { dataset: { x: 1 }, action: 'drop' } },
  { 'event.dataset': 'netfilter', event: { action: 'deny' } },
  { event: { dataset: null, action: 'deny' } },
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
  'event.dataset:netfilter',
  'event.dataset:(netfilter or ufw) or event.dataset:sshd',
  'event.dataset:42 and event.action:deny',
  'event.dataset:"42" and event.action:deny',
  'not event.dataset:netfilter',
  '(event.dataset:netfilter or host.name:fw1) and event.action:deny',
];

test('compiled filters decide exactly as the query evaluator for every event', () => {
  for (const q of QUERIES) {
    const f = tailFilter(q);
    const p = compilePredicate(f);
    const s = new Subject();
    for (const e of EVENTS) assert.equal(p(s.reset(e)), evaluate(f, eventSource(e)), `${q} on ${JSON.stringify(e)}`);
  }
});

test('the dataset pre-screen never rules out an event the filter would match', () => {
  let screened = 0;
  for (const q of QUERIES) {
    const f = tailFilter(q);
    const screen = datasetScreen(requiredDatasets(f));
    if (!screen) continue;
    for (const e of EVENTS) {
      if (screen(datasetOf(e))) continue;
      screened++;
      assert.equal(evaluate(f, eventSource(e)), false, `${q} screened out ${JSON.stringify(e)}`);
    }
  }
  assert.ok(screened >= 20, `the screen ruled out ${screened} pairs`);
});

test('required datasets: a dataset term, an or of them, or one and-ed with anything; nothing otherwise', () => {
  const req = (q: string): string[] | undefined => {
    const s = requiredDatasets(tailFilter(q));
    return s ? [...s].sort() : undefined;
  };
  assert.deepEqual(req('event.dataset:(netfilter or ufw or iptables) and event.action:(deny or drop)'), ['iptables', 'netfilter', 'ufw']);
  assert.deepEqual(req('event.dataset:sshd'), ['sshd']);
  assert.equal(req('source.ip:*'), undefined);
  assert.equal(req('event.dataset:sshd or source.ip:*'), undefined);
  assert.equal(req('not event.dataset:sshd'), undefined);
  assert.equal(req('event.dataset:ssh*'), undefined);
  assert.equal(req('event.dataset:42'), undefined, 'a number is left to the evaluator');
});
