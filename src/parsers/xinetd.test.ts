import { test } from 'node:test';
import { xinetdParser } from './xinetd.js';
import { expectFields, expectNoMatch } from './testing/service-cases.js';

test('xinetd: refused connections (fail2ban xinetd-fail sample lines)', () => {
  expectFields(xinetdParser, 'FAIL: telnet address from=198.51.100.169', { 'event.type': ['denied'], 'event.outcome': 'failure', 'source.ip': '198.51.100.169', 'service.name': 'telnet', 'event.reason': 'address' });
  expectFields(xinetdParser, 'FAIL: amanda libwrap from=198.51.100.223', { 'source.ip': '198.51.100.223', 'event.reason': 'libwrap' });
  expectNoMatch(xinetdParser, 'START: telnet pid=1234 from=198.51.100.169');
});
