import { test } from 'node:test';
import { qmailParser } from './qmail.js';
import { expectFields, expectNoMatch } from './testing/service-cases.js';

const denied = (ip: string, list: string) => ({ 'event.type': ['denied'], 'event.outcome': 'failure', 'event.action': 'rbl_reject', 'source.ip': ip, 'rule.name': list });

test('qmail: blocklist rejections (fail2ban sample lines)', () => {
  expectFields(qmailParser, '1157520813.485077 rblsmtpd: 198.51.100.77 pid 19597 sbl-xbl.spamhaus.org: 451 http://www.spamhaus.org/query/bl?ip=198.51.100.77', { ...denied('198.51.100.77', 'sbl-xbl.spamhaus.org'), 'smtp.response.code': 451 });
  expectFields(qmailParser, '1157519909.633171 qmail-smtpd: 421 badiprbl: ip 198.51.100.54 rbl: example.com', denied('198.51.100.54', 'example.com'));
  expectFields(qmailParser, 'relays.ordb.org blocked 193.111.120.47 ordb-test.null.dk -', denied('193.111.120.47', 'relays.ordb.org'));
  expectNoMatch(qmailParser, '1157520813.485077 tcpserver: ok 19597 mail:198.51.100.1:25 :198.51.100.77::40000');
});
