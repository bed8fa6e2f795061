import { test } from 'node:test';
import { groupOfficeFormat } from './groupoffice.js';
import { expectLine, expectNotLine } from './testing/format-cases.js';

test('groupoffice: failed and successful logins (fail2ban groupoffice sample lines)', () => {
  expectLine(groupOfficeFormat, '[2014-01-06 10:59:38]LOGIN FAILED for user: "asdsad" from IP: 127.0.0.1', {
    'event.outcome': 'failure',
    'source.ip': '127.0.0.1',
    'user.name': 'asdsad',
    '@timestamp': '2014-01-06T10:59:38.000Z',
  });
  expectLine(groupOfficeFormat, '[2014-01-06 10:59:49]LOGIN SUCCESS for user: "admin" from IP: 127.0.0.1', { 'event.outcome': 'success', 'user.name': 'admin' });
  expectNotLine(groupOfficeFormat, '[2014-01-06 10:59:49]LOGIN SUCCESS for user: "admin" from IP: somewhere');
  expectNotLine(groupOfficeFormat, '[2024-08-31 02:11:22.129][vaultwarden::api::identity][ERROR] x');
});
