import { test } from 'node:test';
import { nrpeParser } from './nagios.js';
import { expectFields, expectNoMatch } from './testing/service-cases.js';

test('nrpe: refused peers (fail2ban nagios sample line)', () => {
  expectFields(nrpeParser, 'Host 50.97.225.132 is not allowed to talk to us!', {
    'event.category': ['network'],
    'event.type': ['denied'],
    'event.outcome': 'failure',
    'event.action': 'host_not_allowed',
    'source.ip': '50.97.225.132',
  });
  expectNoMatch(nrpeParser, 'Host nagios.example.org is not allowed to talk to us!');
  expectNoMatch(nrpeParser, 'Connection from 192.0.2.1 port 3452');
});
