import { test } from 'node:test';
import { monitParser } from './monit.js';
import { expectFields, expectNoMatch, failure } from './testing/service-cases.js';

test('monit: failed logins and ignored credential-less requests (fail2ban monit sample lines)', () => {
  expectFields(monitParser, 'HttpRequest: access denied -- client 1.2.3.4: empty password', failure('empty_password', '1.2.3.4', undefined));
  expectFields(monitParser, "HttpRequest: access denied -- client 1.2.3.4: unknown user 'test1'", failure('unknown_user', '1.2.3.4', 'test1'));
  expectFields(monitParser, "error    : HttpRequest: access denied -- client [192.168.1.85]: wrong password for user 'root'", failure('wrong_password', '192.168.1.85', 'root'));
  expectFields(monitParser, "error    : Warning: Client '97.113.189.111' supplied wrong password for user 'admin' accessing monit httpd", failure('wrong_password', '97.113.189.111', 'admin'));
  expectNoMatch(monitParser, 'HttpRequest: access denied -- client 1.2.3.4: missing or invalid Authorization header');
  expectNoMatch(monitParser, "HttpRequest: access denied -- client 1.2.3.4: unknown user ''");
  expectNoMatch(monitParser, 'HttpRequest: access denied -- client 1.2.3.4: empty username');
});
