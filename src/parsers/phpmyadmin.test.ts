import { test } from 'node:test';
import { phpMyAdminParser } from './phpmyadmin.js';
import { expectFields, expectNoMatch, failure } from './testing/service-cases.js';

test('phpmyadmin: denied and accepted logins (fail2ban phpmyadmin-syslog sample line)', () => {
  expectFields(phpMyAdminParser, 'user denied: root (mysql-denied) from 192.0.2.1', { ...failure('phpmyadmin_login', '192.0.2.1', 'root'), 'event.reason': 'mysql-denied' });
  expectFields(phpMyAdminParser, 'user denied:  (empty-denied) from 2001:db8::1', failure('phpmyadmin_login', '2001:db8::1', undefined));
  expectFields(phpMyAdminParser, 'user authenticated: pma from 192.0.2.1', { 'event.outcome': 'success', 'user.name': 'pma' });
  expectNoMatch(phpMyAdminParser, 'user denied: root (mysql-denied) from nowhere');
});
