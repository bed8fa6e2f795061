import { test } from 'node:test';
import { gitlabFormat } from './gitlab.js';
import { expectLine, expectNotLine } from './testing/format-cases.js';

test('gitlab: failed and successful logins in application.log (fail2ban gitlab sample lines)', () => {
  expectLine(gitlabFormat, '2020-04-09T14:04:00.667Z: Failed Login: username=admin ip=80.10.11.12', {
    'event.outcome': 'failure',
    'source.ip': '80.10.11.12',
    'user.name': 'admin',
    '@timestamp': '2020-04-09T14:04:00.667Z',
  });
  expectLine(gitlabFormat, '2020-04-09T14:15:09.344Z: Failed Login: username=user name ip=80.10.11.12', { 'user.name': 'user name' });
  expectLine(gitlabFormat, '2020-04-09T14:16:00.000Z: Successful Login: username=root ip=192.0.2.1 method=standard admin=true', {
    'event.outcome': 'success',
    'user.authentication.method': 'standard',
  });
  expectLine(gitlabFormat, '2020-04-09T14:16:01.000Z: User "x" (x@example.com) was created', { 'event.outcome': undefined, message: 'User "x" (x@example.com) was created' });
  expectNotLine(gitlabFormat, '2020-04-09T14:04:00.667Z host sshd[1]: Failed password for root');
});
