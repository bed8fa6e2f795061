import { test } from 'node:test';
import { eximParser } from './exim.js';
import { expectFields, expectNoMatch, failure } from './testing/service-cases.js';

test('exim: authenticator failures from syslog and from the mainlog', () => {
  expectFields(eximParser, '2013-01-04 17:03:46 dovecot_login authenticator failed for (User) [192.0.2.1]:51234: 535 Incorrect authentication data (set_id=user@example.com)', {
    ...failure('smtp_auth_failed', '192.0.2.1', 'user@example.com', 51234),
    'user.authentication.method': 'dovecot_login',
    'smtp.helo': 'User',
  });
  // the mainlog's own timestamp taken as the line header: the message starts at `authenticator`
  expectFields(eximParser, 'authenticator failed for (ylmf-pc) [192.0.2.2]:60121 I=[198.51.100.3]:25: 535 Incorrect authentication data (set_id=admin)', failure('smtp_auth_failed', '192.0.2.2', 'admin', 60121));
  expectFields(eximParser, 'login authenticator failed for host.example.net (WIN-X) [192.0.2.3]: 535 Incorrect authentication data', {
    ...failure('smtp_auth_failed', '192.0.2.3', undefined),
    'source.domain': 'host.example.net',
  });
});

test('exim: rejected commands; other lines left alone', () => {
  expectFields(eximParser, '2014-01-01 10:00:00 H=(example.com) [192.0.2.5]:4000 F=<a@example.com> rejected RCPT <b@example.org>: relay not permitted', {
    'event.type': ['denied'],
    'source.ip': '192.0.2.5',
    'source.port': 4000,
  });
  expectNoMatch(eximParser, '2013-01-04 17:03:46 1Tr8Wg-0003Ax-Mn <= a@example.com H=(x) [192.0.2.1] P=esmtpa A=dovecot_login:a S=123');
});
