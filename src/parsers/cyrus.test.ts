import { test } from 'node:test';
import { cyrusParser } from './cyrus.js';
import { expectFields, expectNoMatch, failure } from './testing/service-cases.js';

test('cyrus: timsieved and imapd badlogin lines (fail2ban sieve sample)', () => {
  expectFields(cyrusParser, 'badlogin: example.com[1.2.3.4] PLAIN authentication failure', {
    ...failure('login_failed', '1.2.3.4', undefined),
    'source.domain': 'example.com',
    'user.authentication.method': 'PLAIN',
  });
  expectFields(cyrusParser, 'badlogin: web4[1.2.3.4] OTP authentication failure', failure('login_failed', '1.2.3.4', undefined));
  expectFields(cyrusParser, 'badlogin: host.example.net [192.0.2.7] plaintext bob SASL(-13): authentication failure: checkpass failed', failure('login_failed', '192.0.2.7', 'bob'));
  expectNoMatch(cyrusParser, 'login: example.com [1.2.3.4] bob PLAIN User logged in');
});
