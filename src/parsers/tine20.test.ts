import { test } from 'node:test';
import { tine20Format } from './tine20.js';
import { expectLine, expectNotLine } from './testing/format-cases.js';

test('tine20: failed logins with their reason code (fail2ban tine20 sample lines)', () => {
  expectLine(tine20Format, '78017 00cff -- none -- - 2014-01-13T05:02:22+00:00 WARN (4): Tinebase_Controller::login::106 Login with username sdfsadf from 127.0.0.1 failed (-1)!', {
    'event.outcome': 'failure',
    'event.action': 'unknown_user',
    'error.code': '-1',
    'source.ip': '127.0.0.1',
    'user.name': 'sdfsadf',
    '@timestamp': '2014-01-13T05:02:22.000Z',
    'log.level': 'warn',
  });
  expectLine(tine20Format, '8e035 ffff3 -- none -- - 2014-01-21T04:38:14+00:00 WARN (4): Tinebase_Controller::login::106 Login with username testuser from 127.0.0.1 failed (-3)!', {
    'event.action': 'wrong_password',
    'user.name': 'testuser',
  });
  expectLine(tine20Format, '8e035 ffff3 -- jane -- - 2014-01-21T04:38:14+00:00 INFO (6): Tinebase_Core::x started', { 'event.outcome': undefined, 'user.name': 'jane' });
  expectNotLine(tine20Format, '78017 00cff -- none -- - not a time');
});
