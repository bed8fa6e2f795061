import { test } from 'node:test';
import { sendmailParser } from './sendmail.js';
import { expectFields, expectNoMatch, failure } from './testing/service-cases.js';

test('sendmail: AUTH failures', () => {
  expectFields(sendmailParser, 'w8RBBi8d004567: AUTH failure (LOGIN): authentication failure (-13) SASL(-13): authentication failure: checkpass failed, user=test, relay=[192.0.2.1]', {
    ...failure('smtp_auth_failed', '192.0.2.1', 'test'),
    'user.authentication.method': 'LOGIN',
  });
  expectFields(sendmailParser, 'AUTH failure (PLAIN): user not found (-20) SASL(-13): user not found: unable to canonify user and get auxprops, relay=host.example.net [192.0.2.2] (may be forged)', {
    ...failure('smtp_auth_failed', '192.0.2.2', undefined),
    'source.domain': 'host.example.net',
  });
  expectNoMatch(sendmailParser, 'w8RBBi8d004567: from=<a@example.com>, size=1234, class=0, nrcpts=1, relay=[192.0.2.1]');
});
