import { test } from 'node:test';
import { dominoParser } from './domino.js';
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
