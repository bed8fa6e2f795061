import { test } from 'node:test';
import { courierParser } from './courier.js';
import { uwimapParser } from './uwimap.js';
import { expectFields, expectNoMatch, failure } from './testing/service-cases.js';

test('courier: LOGIN FAILED, with an IPv4-mapped address', () => {
  expectFields(courierParser, 'LOGIN FAILED, user=bob, ip=[::ffff:192.0.2.1]', failure('login_failed', '192.0.2.1', 'bob'));
  expectFields(courierParser, 'LOGIN FAILED, method=PLAIN, user=alice@example.com, ip=[2001:db8::5]', {
    ...failure('login_failed', '2001:db8::5', 'alice@example.com'),
    'user.authentication.method': 'PLAIN',
  });
  // courier's imapd shares its program name with UW imapd
  expectFields(uwimapParser, 'LOGIN FAILED, user=root, ip=[::ffff:192.0.2.9]', failure('login_failed', '192.0.2.9', 'root'));
  expectNoMatch(courierParser, 'LOGIN, user=bob, ip=[::ffff:192.0.2.1], port=[4000], protocol=IMAP');
});
