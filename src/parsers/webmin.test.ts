import { test } from 'node:test';
import { webminParser } from './webmin.js';
import { expectFields, expectNoMatch, failure } from './testing/service-cases.js';

test('webmin: wrong password, unknown user and successful logins (fail2ban webmin-auth sample lines)', () => {
  expectFields(webminParser, 'Invalid login as root from 89.2.49.230 ', failure('wrong_password', '89.2.49.230', 'root'));
  expectFields(webminParser, 'Non-existent login as robert from 188.40.105.142 ', failure('unknown_user', '188.40.105.142', 'robert'));
  expectFields(webminParser, 'Non-existent login as admin@goodeyedeer.com.au from 14.200.251.155', failure('unknown_user', '14.200.251.155', 'admin@goodeyedeer.com.au'));
  expectFields(webminParser, 'Successful login as root from 192.0.2.9', { 'event.outcome': 'success', 'user.name': 'root', 'source.ip': '192.0.2.9' });
  // a user name holding " from " still gives the address at the end
  expectFields(webminParser, 'Invalid login as a from b from 192.0.2.1', failure('wrong_password', '192.0.2.1', 'a from b'));
  expectNoMatch(webminParser, 'Invalid login as root from somewhere');
  expectNoMatch(webminParser, 'Logout by root from 192.0.2.1');
});
