import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getPath } from '../schema/event.js';
import { LineParser } from './line.js';

const parser = new LineParser(() => Date.UTC(2024, 5, 1));
const parse = (line: string) => parser.parse({ message: line, receivedAt: 0 });

test('whole syslog lines reach the service parsers by program name', () => {
  const cases: [string, string, string, string | undefined][] = [
    ['Oct 10 10:00:00 mx postfix/smtpd[123]: warning: unknown[192.0.2.1]: SASL LOGIN authentication failed: UGFzc3dvcmQ6', 'postfix', '192.0.2.1', undefined],
    ['Oct 10 10:00:00 mx dovecot: imap-login: Disconnected (auth failed, 1 attempts in 2 secs): user=<bob>, method=PLAIN, rip=192.0.2.2, lip=198.51.100.1, TLS', 'dovecot', '192.0.2.2', 'bob'],
    ['2019-10-10T10:00:00 mx imap-login: Info: Aborted login (auth failed, 1 attempts in 2 secs): user=<eve>, method=PLAIN, rip=192.0.2.3, lip=198.51.100.1', 'dovecot', '192.0.2.3', 'eve'],
    ['Oct 10 10:00:00 mx exim[99]: 2013-01-04 17:03:46 login authenticator failed for (x) [192.0.2.4]:5000: 535 Incorrect authentication data (set_id=amy)', 'exim', '192.0.2.4', 'amy'],
    ['Oct 10 10:00:00 ftp vsftpd[12]: [pid 13] [joe] FAIL LOGIN: Client "192.0.2.5"', 'vsftpd', '192.0.2.5', 'joe'],
    ['Oct 10 10:00:00 ftp pure-ftpd: (?@192.0.2.6) [WARNING] Authentication failed for user [sam]', 'pure_ftpd', '192.0.2.6', 'sam'],
    ['Oct 10 10:00:00 db postgres[77]: [77-1] FATAL:  password authentication failed for user "pg"', 'postgresql', '', 'pg'],
    ['Oct 10 10:00:00 dns named[3935]: client 192.0.2.7#4795: query \'example.com/NS/IN\' denied', 'named', '192.0.2.7', undefined],
    ['Oct 10 10:00:00 pbx asterisk[5]: NOTICE[5]: chan_sip.c:1 in handle_request_register: Registration from \'<sip:9@h>\' failed for \'192.0.2.8:5060\' - Wrong password', 'asterisk', '192.0.2.8', '9'],
    ['Oct 10 10:00:00 lb haproxy[9]: 192.0.2.9:40000 [10/Oct/2024:10:00:00.000] www app/s1 0/0/0/1/1 403 100 - - ---- 1/1/0/0/0 0/0 "GET / HTTP/1.1"', 'haproxy', '192.0.2.9', undefined],
  ];
  for (const [line, dataset, ip, user] of cases) {
    const e = parse(line);
    assert.equal(getPath(e, 'event.dataset'), dataset, line);
    assert.equal(getPath(e, 'event.outcome'), 'failure', line);
    assert.equal(getPath(e, 'source.ip'), ip === '' ? undefined : ip, line);
    assert.equal(getPath(e, 'user.name'), user, line);
    assert.equal(getPath(e, 'event.original'), line);
  }
});

test('lines without a program name reach the parsers tried for every program', () => {
  const mysql = parse("2019-09-24 13:16:50 8756 [Warning] Access denied for user 'root'@'192.0.2.3' (using password: YES)");
  assert.equal(getPath(mysql, 'event.dataset'), 'mysql');
  assert.equal(getPath(mysql, 'source.ip'), '192.0.2.3');
  const exim = parse('2013-01-04 17:03:46 dovecot_login authenticator failed for (User) [192.0.2.10]:51234: 535 Incorrect authentication data (set_id=kim)');
  assert.equal(getPath(exim, 'event.dataset'), 'exim');
  assert.equal(getPath(exim, 'user.name'), 'kim');
});
