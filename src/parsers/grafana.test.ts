import { test } from 'node:test';
import { grafanaFormat } from './grafana.js';
import { expectLine, expectNotLine } from './testing/format-cases.js';

test('grafana: failed logins in grafana.log (fail2ban grafana sample lines)', () => {
  expectLine(
    grafanaFormat,
    't=2020-10-19T17:44:33+0200 lvl=eror msg="Invalid username or password" logger=context userId=0 orgId=0 uname= error="Invalid Username or Password" remote_addr=182.56.23.12',
    {
      'event.outcome': 'failure',
      'event.action': 'grafana_login',
      'source.ip': '182.56.23.12',
      'user.name': undefined,
      'event.reason': 'Invalid Username or Password',
      '@timestamp': '2020-10-19T15:44:33.000Z',
      'log.level': 'error',
    },
  );
  expectLine(
    grafanaFormat,
    't=2020-10-19T18:44:33+0200 lvl=eror msg="Invalid username or password" logger=context userId=0 orgId=0 uname=bob error="User not found" remote_addr=182.56.23.13',
    { 'source.ip': '182.56.23.13', 'user.name': 'bob', 'event.reason': 'User not found' },
  );
  expectLine(grafanaFormat, 't=2020-10-19T18:44:33+0200 lvl=info msg="HTTP Server Listen" logger=http.server address=[::]:3000', {
    'event.outcome': undefined,
    message: 'HTTP Server Listen',
    'log.logger': 'http.server',
  });
  expectNotLine(grafanaFormat, 't=notatime lvl=info msg="x"');
});
