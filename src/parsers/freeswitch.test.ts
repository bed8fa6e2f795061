import { test } from 'node:test';
import { freeswitchParser } from './freeswitch.js';
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
