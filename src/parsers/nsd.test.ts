import { test } from 'node:test';
import { nsdParser } from './nsd.js';
import { expectFields, expectNoMatch } from './testing/service-cases.js';

test('nsd: rate limiting and refused transfers (fail2ban nsd sample lines)', () => {
  expectFields(nsdParser, 'info: ratelimit block example.com. type any target 192.0.2.0/24 query 192.0.2.105 TYPE255', {
    'event.type': ['denied'],
    'event.action': 'dns_rate_limited',
    'source.ip': '192.0.2.105',
    'dns.question.name': 'example.com.',
  });
  expectFields(nsdParser, 'info: axfr for zone domain.nl. from client 192.0.2.115 refused, no acl matches.', { 'event.action': 'zone_transfer_denied', 'source.ip': '192.0.2.115' });
  expectFields(nsdParser, 'info: axfr for example.com. from 192.0.2.32 refused, no acl matches', { 'source.ip': '192.0.2.32', 'dns.question.name': 'example.com.' });
  expectNoMatch(nsdParser, 'info: zone example.com. serial 0 is updated to 2021030501');
});
