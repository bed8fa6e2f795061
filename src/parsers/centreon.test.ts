import { test } from 'node:test';
import { centreonFormat } from './centreon.js';
import { expectLine, expectNotLine } from './testing/format-cases.js';

test('centreon: failed logins in login.log (fail2ban centreon sample line)', () => {
  expectLine(centreonFormat, "2019-10-21 18:55:15|-1|0|0|[WEB] [50.97.225.132] Authentication failed for 'admin' : password mismatch", {
    'event.outcome': 'failure',
    'source.ip': '50.97.225.132',
    'user.name': 'admin',
    'event.reason': 'password mismatch',
    'service.type': 'web',
    '@timestamp': '2019-10-21T18:55:15.000Z',
  });
  expectLine(centreonFormat, "2019-10-21 18:56:00|1|0|0|[WEB] [192.0.2.1] Contact 'admin' logged in - IP : 192.0.2.1", { 'event.outcome': undefined, 'source.ip': '192.0.2.1' });
  expectNotLine(centreonFormat, '2019-10-21 18:55:15|not|centreon');
});
