import { test } from 'node:test';
import { dominoConsoleFormat, dominoParser } from './domino.js';
import { expectLine, expectNotSniffed } from './testing/line-cases.js';
import { expectFields, expectNoMatch, failure } from './testing/service-cases.js';

test('domino: SMTP authentication failures (fail2ban domino-smtp sample lines)', () => {
  expectFields(dominoParser, '  smtp: postmaster [1.2.3.4] authentication failure using internet password', failure('smtp_auth_failed', '1.2.3.4', 'postmaster'));
  expectFields(dominoParser, '  smtp: user with space in name [192.0.2.4] authentication failure using internet password', failure('smtp_auth_failed', '192.0.2.4', 'user with space in name'));
  expectFields(dominoParser, 'SMTP Server: Authentication failed for user postmaster ; connecting host 1.2.3.4', failure('smtp_auth_failed', '1.2.3.4', 'postmaster'));
  expectFields(dominoParser, '  SMTP Server [0D14:0027-1334] Authentication failed for user Bad Hacker ; connecting host [192.0.2.1]', failure('smtp_auth_failed', '192.0.2.1', 'Bad Hacker'));
  expectFields(dominoParser, '  SMTP Server [000527:000013-0000001227564800] Connection from [192.0.2.2] rejected for policy reasons. IP address of connecting host not found in reverse DNS lookup.', {
    'event.type': ['denied'],
    'source.ip': '192.0.2.2',
  });
});

test('domino: a line without the failure text is not a failure (GHSA-33wh-ccjc-p397)', () => {
  expectNoMatch(dominoParser, `  smtp: ${'A '.repeat(60)}192.0.2.5`);
  expectFields(dominoParser, `  smtp: ${'A '.repeat(60)}192.0.2.5 authentication failure using internet password`, { 'source.ip': '192.0.2.5' });
});

test('domino: the console log file, with its own day-month-year time (fail2ban domino-smtp sample lines)', () => {
  expectLine(dominoConsoleFormat, '03-07-2005 23:07:20   SMTP Server: Authentication failed for user postmaster ; connecting host 1.2.3.4', {
    '@timestamp': '2005-07-03T23:07:20.000Z',
    ...failure('smtp_auth_failed', '1.2.3.4', 'postmaster'),
  });
  expectLine(dominoConsoleFormat, '08-09-2014 06:14:27   smtp: postmaster [1.2.3.4] authentication failure using internet password', {
    '@timestamp': '2014-09-08T06:14:27.000Z',
    ...failure('smtp_auth_failed', '1.2.3.4', 'postmaster'),
  });
  expectLine(dominoConsoleFormat, '08-09-2014 06:14:27   Router: Transferred 2 messages to SERVER', { 'event.outcome': undefined });
  // `[pid:thread]` before the time is read as a program name; the time is still in the message
  expectFields(dominoParser, '22-06-2014 09:56:12   smtp: postmaster [1.2.3.4] authentication failure using internet password', failure('smtp_auth_failed', '1.2.3.4', 'postmaster'));
  expectNotSniffed(dominoConsoleFormat, '2016-11-07 22:21:20   smtp: postmaster [1.2.3.4] authentication failure using internet password');
});
