import assert from 'node:assert/strict';
import { test } from 'node:test';
import { getPath } from '../schema/event.js';
import { LineParser } from './line.js';
import { nsdEpochParser, nsdFormat, nsdParser } from './nsd.js';
import { expectFields, expectNoMatch } from './testing/service-cases.js';

test('nsd: rate limiting and refused transfers (fail2ban nsd sample lines)', () => {
  expectFields(nsdParser, 'info: ratelimit block example.com. type any target 192.0.2.0/24 query 192.0.2.105 TYPE255', {
    'event.type': ['denied'],
    'event.action': 'dns_rate_limited',
    'source.ip': '192.0.2.105',
    'dns.question.name': 'example.com.',
  });
  expectFields(nsdParser, 'info: axfr for zone domain.nl. from client 192.0.2.115 refused, no acl matches.', {
    'event.action': 'zone_transfer_denied',
    'source.ip': '192.0.2.115',
    'dns.question.type': 'AXFR',
    'event.reason': 'no acl matches',
  });
  // the same refusal for a notify (nsd's query.c writes `notify for %s from %s refused, …`)
  expectFields(nsdParser, 'info: notify for example.com. from 192.0.2.9 refused, no acl matches', { 'event.action': 'dns_notify_denied', 'source.ip': '192.0.2.9', 'dns.question.type': undefined });
  expectFields(nsdParser, 'info: axfr for example.com. from 192.0.2.32 refused, no acl matches', { 'source.ip': '192.0.2.32', 'dns.question.name': 'example.com.' });
  expectNoMatch(nsdParser, 'info: zone example.com. serial 0 is updated to 2021030501');
});

test('nsd: its own log file, epoch and date forms (fail2ban nsd sample lines)', () => {
  const p = new LineParser(() => Date.UTC(2021, 2, 6));
  const epoch = p.parse({ message: '[1387288694] nsd[7745]: info: ratelimit block example.com. type any target 192.0.2.0/24 query 192.0.2.105 TYPE255', receivedAt: 0 });
  assert.equal(getPath(epoch, 'event.dataset'), 'nsd');
  assert.equal(getPath(epoch, '@timestamp'), '2013-12-17T13:58:14.000Z');
  assert.equal(getPath(epoch, 'process.name'), 'nsd');
  assert.equal(getPath(epoch, 'process.pid'), 7745);
  assert.equal(getPath(epoch, 'event.action'), 'dns_rate_limited');
  assert.equal(getPath(epoch, 'source.ip'), '192.0.2.105');
  const dated = '[2021-03-05 05:25:14.562] nsd[160800]: info: axfr for example.com. from 192.0.2.32 refused, no acl matches';
  assert.equal(nsdFormat.sniff(dated), true);
  const d = p.parse({ message: dated, receivedAt: 0 });
  assert.equal(getPath(d, 'event.dataset'), 'nsd');
  assert.equal(getPath(d, '@timestamp'), '2021-03-05T05:25:14.562Z');
  assert.equal(getPath(d, 'event.action'), 'zone_transfer_denied');
  assert.equal(getPath(d, 'source.ip'), '192.0.2.32');
  // other nsd lines are nsd's, without a verdict
  const info = p.parse({ message: '[2021-03-05 05:25:14.562] nsd[160800]: info: zone example.com. serial 0 is updated to 2021030501', receivedAt: 0 });
  assert.equal(getPath(info, 'event.dataset'), 'nsd');
  assert.equal(getPath(info, 'event.action'), undefined);
  assert.equal(getPath(info, 'message'), 'info: zone example.com. serial 0 is updated to 2021030501');
  // a bracketed epoch before another program is not nsd's
  const other = p.parse({ message: '[1387288694] unbound[7745:0] info: start of service', receivedAt: 0 });
  assert.notEqual(getPath(other, 'event.dataset'), 'nsd');
  assert.equal(nsdEpochParser.parse('nsd[1]: info: x', { process: { name: 'sshd' } }), false);
});
