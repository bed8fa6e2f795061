import { test } from 'node:test';
import { mysqlParser } from './mysql.js';
import { expectFields, expectNoMatch, failure } from './testing/service-cases.js';

test('mysql: Access denied in every log format of the fail2ban mysqld-auth sample', () => {
  expectFields(mysqlParser, "130916 21:30:26 [Warning] Access denied for user 'hacker'@'74.207.241.159' (using password: YES)", {
    ...failure('db_login', '74.207.241.159', 'hacker'),
    'event.category': ['authentication', 'database'],
    'user.authentication.method': 'password',
  });
  expectFields(mysqlParser, "[Note] [MY-010926] [Server] Access denied for user 'root'@'192.0.2.1' (using password: NO)", failure('db_login', '192.0.2.1', 'root'));
  expectFields(mysqlParser, "2019-09-06  1:45:18 140581192722176 [Warning] Access denied for user 'global'@'192.0.2.2' (using password: YES)", failure('db_login', '192.0.2.2', 'global'));
  expectFields(mysqlParser, "[Warning] Access denied for user 'root'@'192.0.2.1'", failure('db_login', '192.0.2.1', 'root'));
  expectFields(mysqlParser, "[Note] Access denied for user 'root'@'localhost' (using password: YES)", { 'source.domain': 'localhost', 'source.ip': undefined });
});

test('mysql: text after the message is not accepted', () => {
  expectNoMatch(mysqlParser, "[Note] Access denied for user 'root'@'localhost' (using password: YES) condition lead to a hypothetical failure");
  expectNoMatch(mysqlParser, "query failed: Access denied for user 'x'@'192.0.2.1'");
});
