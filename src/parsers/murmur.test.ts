import { test } from 'node:test';
import { murmurLogFormat, murmurParser } from './murmur.js';
import { expectLine, expectNotSniffed } from './testing/line-cases.js';
import { expectFields, expectNoMatch, failure } from './testing/service-cases.js';

test('murmur: rejected connections (fail2ban murmur sample lines)', () => {
  expectFields(murmurParser, '<W>2015-11-29 16:38:01.818 1 => <4:testUsernameOne(-1)> Rejected connection from 192.168.0.1:29530: Invalid server password', failure('wrong_password', '192.168.0.1', 'testUsernameOne', 29530));
  expectFields(murmurParser, '<W>2015-11-29 17:18:20.962 1 => <8:testUsernameTwo(-1)> Rejected connection from 192.168.1.2:29761: Wrong certificate or password for existing user', failure('wrong_password', '192.168.1.2', 'testUsernameTwo', 29761));
  expectNoMatch(murmurParser, '<W>2015-11-29 17:18:20.962 1 => <8:x(-1)> Rejected connection from 192.168.1.2:29761: Server is full');
});

test('murmur: its own log file (fail2ban murmur sample lines)', () => {
  expectLine(murmurLogFormat, '<W>2015-11-29 16:38:01.818 1 => <4:testUsernameOne(-1)> Rejected connection from 192.168.0.1:29530: Invalid server password', {
    '@timestamp': '2015-11-29T16:38:01.818Z',
    'log.level': 'warning',
    ...failure('wrong_password', '192.168.0.1', 'testUsernameOne', 29530),
  });
  expectLine(murmurLogFormat, '<W>2015-11-29 17:18:20.962 1 => <8:testUsernameTwo(-1)> Rejected connection from 192.168.1.2:29761: Wrong certificate or password for existing user', failure('wrong_password', '192.168.1.2', 'testUsernameTwo', 29761));
  expectLine(murmurLogFormat, '<W>2015-11-29 17:18:20.962 1 => Server listening on [::]:64738', { 'event.outcome': undefined });
  expectNotSniffed(murmurLogFormat, '<34>1 2003-10-11T22:14:15.003Z host app - - - x');
  expectNotSniffed(murmurLogFormat, '<co ts="2014-06-02T16:06:33.99"/>');
});
