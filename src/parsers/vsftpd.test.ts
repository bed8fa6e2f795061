import { test } from 'node:test';
import { vsftpdParser } from './vsftpd.js';
import { expectFields, expectNoMatch, failure } from './testing/service-cases.js';

test('vsftpd: FAIL LOGIN and OK LOGIN', () => {
  expectFields(vsftpdParser, '[bob] FAIL LOGIN: Client "192.0.2.1"', failure('ftp_login', '192.0.2.1', 'bob'));
  expectFields(vsftpdParser, 'Sun Sep 14 10:13:18 2008 [pid 12345] [anonymous] FAIL LOGIN: Client "::ffff:192.0.2.2"', failure('ftp_login', '192.0.2.2', 'anonymous'));
  expectFields(vsftpdParser, '[pid 2131] [ftpuser] OK LOGIN: Client "192.0.2.3"', { 'event.outcome': 'success', 'user.name': 'ftpuser', 'source.ip': '192.0.2.3' });
  expectNoMatch(vsftpdParser, '[pid 2131] CONNECT: Client "192.0.2.3"');
});
