import { test } from 'node:test';
import { postfixParser } from './postfix.js';
import { expectFields, expectNoMatch, failure } from './testing/service-cases.js';

test('postfix: SASL authentication failures', () => {
  expectFields(postfixParser, 'warning: unknown[192.0.2.1]: SASL LOGIN authentication failed: UGFzc3dvcmQ6', {
    ...failure('sasl_auth_failed', '192.0.2.1', undefined),
    'user.authentication.method': 'LOGIN',
    'event.category': ['authentication', 'email'],
    'source.domain': undefined,
  });
  expectFields(postfixParser, 'warning: mail.example.com[198.51.100.7]:52514: SASL PLAIN authentication failed: authentication failure, sasl_username=bob@example.com', {
    ...failure('sasl_auth_failed', '198.51.100.7', 'bob@example.com', 52514),
    'source.domain': 'mail.example.com',
  });
});

test('postfix: NOQUEUE rejects are denied requests', () => {
  expectFields(postfixParser, 'NOQUEUE: reject: RCPT from unknown[192.0.2.1]: 554 5.7.1 <x@example.org>: Relay access denied; from=<spam@example.net> to=<x@example.org> proto=ESMTP helo=<ylmf-pc>', {
    'event.type': ['denied'],
    'event.outcome': 'failure',
    'event.action': 'smtp_reject',
    'source.ip': '192.0.2.1',
    'smtp.response.code': 554,
    'email.from.address': ['spam@example.net'],
    'email.to.address': ['x@example.org'],
  });
  expectNoMatch(postfixParser, 'connect from unknown[192.0.2.1]');
  expectNoMatch(postfixParser, 'warning: hostname example.com does not resolve to address 192.0.2.1');
});
