import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getPath } from '../schema/event.js';
import { freeswitchConsoleParser, freeswitchLogFormat, freeswitchParser } from './freeswitch.js';
import { expectLine, expectNotSniffed, parseLine } from './testing/line-cases.js';
import { expectFields, expectNoMatch, failure } from './testing/service-cases.js';

test('freeswitch: SIP auth failures and unknown users (fail2ban freeswitch sample lines)', () => {
  expectFields(freeswitchParser, "2016-09-25 18:57:58.150982 [WARNING] sofia_reg.c:1720 SIP auth failure (INVITE) on sofia profile 'sipinterface_1' for [9810972597751739@::1] from ip 192.0.2.2", {
    ...failure('sip_auth_failure', '192.0.2.2', '9810972597751739'),
    'sip.method': 'INVITE',
  });
  expectFields(freeswitchParser, "2021-10-29 14:13:24.894719 82.43% [WARNING] sofia_reg.c:2889 Can't find user [201@::1] from 192.0.2.5", failure('unknown_user', '192.0.2.5', '201'));
  expectFields(freeswitchParser, "[WARNING] sofia_reg.c:1533 SIP auth challenge (INVITE) on sofia profile 'internal' for [011448708752617@192.168.2.51] from ip 81.94.202.251", {
    'event.outcome': 'unknown',
    'source.ip': '81.94.202.251',
  });
  expectNoMatch(freeswitchParser, '[DEBUG] sofia.c:7954 IP 185.24.234.141 Rejected by acl "domains". Falling back to Digest auth.');
});

test('freeswitch: console lines whose level the syslog reader took for the program, and year-less log lines', () => {
  expectFields(freeswitchConsoleParser, "sofia_reg.c:1478 SIP auth failure (INVITE) on sofia profile 'internal' for [000972543480510@192.168.2.51] from ip 5.11.47.236", failure('sip_auth_failure', '5.11.47.236', '000972543480510'));
  expectFields(freeswitchConsoleParser, "[WARNING] sofia_reg.c:2889 Can't find user [201@::1] from 192.0.2.5", failure('unknown_user', '192.0.2.5', '201'));
  expectNoMatch(freeswitchConsoleParser, 'sofia.c:7954 IP 185.24.234.141 Rejected by acl "domains". Falling back to Digest auth.');
  expectNoMatch(freeswitchConsoleParser, "[WARNING] other.c:1 Can't find user [201@::1] from 192.0.2.5");
  expectNoMatch(freeswitchConsoleParser, "Can't find user [201@::1] from 192.0.2.5");
  expectLine(freeswitchLogFormat, "08-03 07:56:53.026292 [WARN] [SOFIA] [sofia_reg.c:4130] Can't find user [101@148.251.134.154] from 192.0.2.3", {
    ...failure('unknown_user', '192.0.2.3', '101'),
    'log.level': 'warn',
  });
  expectLine(freeswitchLogFormat, "08-03 08:10:21.026299 [WARN] [SOFIA] [sofia_reg.c:2248] SIP auth failure (INVITE) on sofia profile 'external' for [41801148436701961@148.251.134.154] from ip 192.0.2.4", failure('sip_auth_failure', '192.0.2.4', '41801148436701961'));
  const e = parseLine("2021-10-29 21:04:58.150982 00.00% [WARNING] sofia_reg.c:2889 Can't find user [201@::1] from 192.0.2.5");
  assert.equal(getPath(e, 'event.dataset'), 'freeswitch');
  assert.equal(getPath(e, 'source.ip'), '192.0.2.5');
  expectNotSniffed(freeswitchLogFormat, '2021-10-29 21:04:58.150982 [WARNING] x');
});
