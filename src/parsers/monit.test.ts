import { test } from 'node:test';
import assert from 'node:assert/strict';
import { monitLogFormat, monitParser } from './monit.js';
import { expectLine, expectNotSniffed } from './testing/line-cases.js';
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

test("monit: its own log file, with the zone's offset applied to the time (fail2ban monit sample lines)", () => {
  const e = expectLine(monitLogFormat, "[PDT Apr 16 21:05:29] error    : Warning: Client '69.93.127.111' supplied unknown user 'foo' accessing monit httpd", {
    ...failure('unknown_user', '69.93.127.111', 'foo'),
    'log.level': 'error',
  });
  assert.match(String(e['@timestamp']), /^\d{4}-04-17T04:05:29\.000Z$/);
  expectLine(monitLogFormat, "[CEST Aug  6 10:14:52] error    : HttpRequest: access denied -- client [192.168.1.85]: wrong password for user 'root'", failure('wrong_password', '192.168.1.85', 'root'));
  expectLine(monitLogFormat, "[XYZ Aug  6 10:14:52] info     : 'localhost' Monit 5.26.0 started", { '@timestamp': undefined, 'event.outcome': undefined });
  expectNotSniffed(monitLogFormat, '[Sat Jun 01 02:17:42 2013] [error] [client 1.2.3.4] x');
  expectNotSniffed(monitLogFormat, '[PDT');
});
