import { test } from 'node:test';
import { proftpdParser } from './proftpd.js';
import { expectFields, expectNoMatch, failure } from './testing/service-cases.js';

test('proftpd: failed logins', () => {
  expectFields(proftpdParser, 'ftp.example.com (client.example.net[192.0.2.1]) - USER bob (Login failed): Incorrect password', {
    ...failure('ftp_login', '192.0.2.1', 'bob'),
    'source.domain': 'client.example.net',
    'event.reason': 'Incorrect password',
  });
  expectFields(proftpdParser, 'ftp.example.com (192.0.2.2[192.0.2.2]) - USER admin: no such user found from 192.0.2.2 [192.0.2.2] to 198.51.100.1:21', failure('unknown_user', '192.0.2.2', 'admin'));
  expectFields(proftpdParser, 'ftp.example.com (::ffff:192.0.2.3[::ffff:192.0.2.3]) - SECURITY VIOLATION: Root login attempted', failure('root_login_denied', '192.0.2.3', 'root'));
  expectFields(proftpdParser, 'ftp.example.com (192.0.2.4[192.0.2.4]) - Maximum login attempts (3) exceeded', failure('too_many_failures', '192.0.2.4', undefined));
  expectFields(proftpdParser, 'ftp.example.com (192.0.2.4[192.0.2.4]) - USER carol: Login successful.', { 'event.outcome': 'success', 'user.name': 'carol' });
  expectNoMatch(proftpdParser, 'ftp.example.com (192.0.2.4[192.0.2.4]) - FTP session opened.');
});
