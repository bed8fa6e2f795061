import { test } from 'node:test';
import { hordeParser } from './horde.js';
import { expectFields, expectNoMatch, failure } from './testing/service-cases.js';

test('horde: failed logins to Horde and IMP (fail2ban horde sample lines)', () => {
  expectFields(hordeParser, '[error] [horde] FAILED LOGIN for graham [203.16.208.190] to Horde [on line 116 of "/home/ace-hosting/public_html/horde/login.php"]', {
    ...failure('horde_login', '203.16.208.190', 'graham'),
    'service.name': 'horde',
    'log.level': 'error',
  });
  expectFields(
    hordeParser,
    '[error] [imp] FAILED LOGIN for emai.user@somedomain.com [1.2.3.4] to {mx.somedomain.com:993 [imap/ssl/novalidate-cert]} [pid 68394 on line 139 of /usr/local/www/www.somedomain.com/public_html/horde/imp/lib/Auth/imp.php"]',
    { ...failure('horde_login', '1.2.3.4', 'emai.user@somedomain.com'), 'service.name': 'imp' },
  );
  expectFields(hordeParser, '[notice] [horde] Login success for graham [203.16.208.190] to Horde [on line 1 of "x"]', { 'event.outcome': 'success' });
  expectNoMatch(hordeParser, '[error] [client 192.0.2.1] File does not exist: /x');
  expectNoMatch(hordeParser, 'FAILED LOGIN for graham [203.16.208.190] to Horde');
});
