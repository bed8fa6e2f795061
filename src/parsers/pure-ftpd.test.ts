import { test } from 'node:test';
import { pureFtpdParser } from './pure-ftpd.js';
import { expectFields, expectNoMatch, failure } from './testing/service-cases.js';

test('pure-ftpd: authentication failures', () => {
  expectFields(pureFtpdParser, '(?@192.0.2.1) [WARNING] Authentication failed for user [admin]', failure('ftp_login', '192.0.2.1', 'admin'));
  expectFields(pureFtpdParser, '(?@2001:db8::2) [WARNING] Authentication failed for user [a b]', failure('ftp_login', '2001:db8::2', 'a b'));
  expectFields(pureFtpdParser, '(bob@192.0.2.3) [INFO] bob is now logged in', { 'event.outcome': 'success', 'user.name': 'bob' });
  expectNoMatch(pureFtpdParser, '(?@192.0.2.1) [INFO] New connection from 192.0.2.1');
});
