import { test } from 'node:test';
import { openWebmailFormat } from './openwebmail.js';
import { expectLine, expectNotLine } from './testing/format-cases.js';

test('openwebmail: login and userinfo errors (fail2ban openwebmail sample lines)', () => {
  expectLine(openWebmailFormat, "Sat Dec 28 19:03:53 2013 - [72926] (178.123.108.196) gsdfg - userinfo error - auth_unix.pl, ret -4, User gsdfg doesn't exist", {
    'event.outcome': 'failure',
    'event.action': 'userinfo_error',
    'source.ip': '178.123.108.196',
    'user.name': 'gsdfg',
    'process.pid': 72926,
    '@timestamp': '2013-12-28T19:03:53.000Z',
  });
  expectLine(openWebmailFormat, 'Sat Dec 28 19:04:03 2013 - [72926] (178.123.108.196) gsdfg - login error - no such user - loginname=gsdfg', {
    'event.action': 'login_error',
    'event.reason': 'no such user - loginname=gsdfg',
  });
  expectLine(openWebmailFormat, 'Sat Dec 28 19:05:38 2013 - [73540] (178.123.108.196) myname - login error - auth_unix.pl, ret -4, Password incorrect', {
    'user.name': 'myname',
    'event.outcome': 'failure',
  });
  expectLine(openWebmailFormat, 'Sat Dec 28 19:06:00 2013 - [73541] (178.123.108.196) myname - logout - ', { 'event.outcome': undefined, 'event.action': 'logout' });
  expectNotLine(openWebmailFormat, 'Sat Dec 28 19:05:38 2013 - [73540] not the layout');
});
