import { test } from 'node:test';
import { guacamoleFormat } from './guacamole.js';
import { expectLine, expectNotLine } from './testing/format-cases.js';

test('guacamole: failed logins through java.util.logging and logback (fail2ban guacamole sample lines)', () => {
  expectLine(guacamoleFormat, 'WARNING: Authentication attempt from 192.0.2.0 for user "pippo" failed.', {
    'event.outcome': 'failure',
    'event.action': 'guacamole_login',
    'source.ip': '192.0.2.0',
    'user.name': 'pippo',
    'log.level': 'warning',
  });
  // `null`: no user name was given
  expectLine(guacamoleFormat, 'WARNING: Authentication attempt from 192.0.2.0 for user "null" failed.', { 'source.ip': '192.0.2.0', 'user.name': undefined });
  expectLine(
    guacamoleFormat,
    '12:57:32.907 [http-nio-8080-exec-10] WARN  o.a.g.r.auth.AuthenticationService - Authentication attempt from 182.23.72.36 for user "guacadmin" failed.',
    { 'source.ip': '182.23.72.36', 'user.name': 'guacadmin', 'log.logger': 'o.a.g.r.auth.AuthenticationService', 'log.level': 'warn' },
  );
  expectLine(
    guacamoleFormat,
    '12:57:32.907 [http-nio-8080-exec-10] WARN  o.a.g.r.auth.AuthenticationService - Authentication attempt from [192.0.2.1, 10.0.0.1] for user "x" failed.',
    { 'source.ip': '192.0.2.1', 'related.ip': ['192.0.2.1', '10.0.0.1'] },
  );
  expectLine(guacamoleFormat, 'INFO: User "guacadmin" successfully authenticated from 192.0.2.3.', { 'event.outcome': 'success', 'user.name': 'guacadmin' });
  // the date line before a java.util.logging message is not taken
  expectNotLine(guacamoleFormat, 'apr 15, 2013 8:34:08 PM org.slf4j.impl.JCLLoggerAdapter warn');
  expectNotLine(guacamoleFormat, '12:57:32.907 [main] INFO  o.a.g.GuacamoleServletContext - Started');
});
