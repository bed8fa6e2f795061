import { test } from 'node:test';
import { squirrelmailFormat } from './squirrelmail.js';
import { expectLine, expectNotLine } from './testing/format-cases.js';

test('squirrelmail: squirrel_logger failed logins (fail2ban squirrelmail sample line)', () => {
  expectLine(squirrelmailFormat, '10/06/2013 15:50:41 [LOGIN_ERROR] dadas (mydomain.org) from 151.64.44.11: Unknown user or password incorrect.', {
    'event.outcome': 'failure',
    'source.ip': '151.64.44.11',
    'user.name': 'dadas',
    'user.domain': 'mydomain.org',
    '@timestamp': '2013-10-06T15:50:41.000Z',
  });
  expectLine(squirrelmailFormat, '10/06/2013 15:51:00 [LOGIN] dadas (mydomain.org) from 151.64.44.11: ', { 'event.outcome': 'success' });
  expectLine(squirrelmailFormat, '10/06/2013 15:52:00 [LOGOUT] dadas (mydomain.org) from 151.64.44.11: ', { 'event.outcome': undefined, 'event.action': 'logout' });
  expectNotLine(squirrelmailFormat, '10/06/2013 15:50:41 [LOGIN_ERROR] dadas from nowhere');
});
