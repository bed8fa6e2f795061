import { test } from 'node:test';
import { zncLogFormat, zncParser } from './znc.js';
import { expectFields, expectNoMatch, failure } from './testing/service-cases.js';
import { expectLine, expectNotSniffed } from './testing/line-cases.js';
import assert from 'node:assert/strict';

test('znc: failed logins in the admin log file and through the journal (fail2ban znc-adminlog sample lines)', () => {
  expectLine(zncLogFormat, '[2018-10-27 01:40:55] [girst] failed to login from 1.2.3.4', { '@timestamp': '2018-10-27T01:40:55.000Z', ...failure('login', '1.2.3.4', 'girst') });
  expectLine(zncLogFormat, '[2019-09-08 15:53:19] [admin] failed to login from 192.0.2.1:65001', failure('login', '192.0.2.1', 'admin', 65001));
  expectLine(zncLogFormat, '[2018-10-27 01:40:17] [girst] connected to ZNC from 1.2.3.4', { 'event.outcome': 'success', 'user.name': 'girst' });
  expectLine(zncLogFormat, '[2018-10-27 01:40:21] [girst] disconnected from ZNC from 1.2.3.4', { 'event.type': ['end'], 'event.outcome': undefined });
  expectFields(zncParser, '[admin] failed to login from 192.0.2.2:65009', failure('login', '192.0.2.2', 'admin', 65009));
  expectNoMatch(zncParser, '[admin] failed to login');
});

test('znc: other programs writing the same time prefix are left to other formats', () => {
  assert.equal(zncLogFormat.parse('[2018-10-27 01:40:55] [info] server started', {}), false);
  expectNotSniffed(zncLogFormat, '[17/Jun/2011 17:00:45] Attempt to deliver');
});
