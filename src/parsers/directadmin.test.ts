import { test } from 'node:test';
import { directAdminFormat } from './directadmin.js';
import { expectLine, expectNotLine } from './testing/format-cases.js';

test('directadmin: failed and successful logins (fail2ban directadmin sample lines)', () => {
  expectLine(directAdminFormat, "2014:07:02-13:07:40: '40.40.123.231' 13 failed login attempts. Account 'admin'", {
    'event.outcome': 'failure',
    'event.action': 'login_failed',
    'source.ip': '40.40.123.231',
    'user.name': 'admin',
    'directadmin.failed_attempts': 13,
    '@timestamp': '2014-07-02T13:07:40.000Z',
  });
  expectLine(directAdminFormat, "2014:07:02-13:07:50: '40.40.123.231' 5 failed login attempt. Invalid account 'user%2Ename'", {
    'event.action': 'unknown_user',
    'user.name': 'user.name',
  });
  // an administrator logging in as a user: the administrator is the one authenticating
  expectLine(directAdminFormat, "2014:07:02-13:29:38: '1.2.3.4' 2 failed login attempts. Account 'user' via 'admin'", {
    'source.ip': '1.2.3.4',
    'user.name': 'admin',
    'user.target.name': 'user',
  });
  expectLine(directAdminFormat, "2014:07:02-13:28:39: '12.12.123.231' successful login to 'nobody' after 1 attempts", {
    'event.outcome': 'success',
    'user.name': 'nobody',
    'source.ip': '12.12.123.231',
  });
  expectNotLine(directAdminFormat, "2014:07:02-13:28:39: '12.12.123.231' something else");
  expectNotLine(directAdminFormat, '2014-07-02 13:28:39 host sshd[1]: x');
});
