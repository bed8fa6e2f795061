import { test } from 'node:test';
import { vaultwardenFormat } from './vaultwarden.js';
import { expectLine, expectNotLine } from './testing/format-cases.js';

test('vaultwarden: failed logins, admin token and TOTP failures (fail2ban vaultwarden sample lines)', () => {
  expectLine(
    vaultwardenFormat,
    '[2024-08-31 02:11:22.129][vaultwarden::api::identity][ERROR] Username or password is incorrect. Try again. IP: 2001:db8::b6d3:95d7:1425:766d. Username: test@example.com.',
    {
      'event.outcome': 'failure',
      'event.action': 'login_failed',
      'source.ip': '2001:db8::b6d3:95d7:1425:766d',
      'user.name': 'test@example.com',
      '@timestamp': '2024-08-31T02:11:22.129Z',
      'log.level': 'error',
      'log.logger': 'vaultwarden::api::identity',
    },
  );
  expectLine(vaultwardenFormat, '[2024-08-31 02:11:28.725][vaultwarden::api::admin][ERROR] Invalid admin token. IP: 80.187.85.94', {
    'event.action': 'admin_token_invalid',
    'source.ip': '80.187.85.94',
    'user.name': undefined,
  });
  expectLine(vaultwardenFormat, '[2024-08-31 02:11:28.892+0800][vaultwarden::api::core::two_factor::authenticator][ERROR] Invalid TOTP code! Server time: 2024-08-30 18:11:28 UTC IP: 80.187.85.94', {
    'event.action': 'two_factor_invalid',
    'source.ip': '80.187.85.94',
    '@timestamp': '2024-08-30T18:11:28.892Z',
  });
  expectLine(vaultwardenFormat, '[2024-08-31 02:11:30.123+0800][vaultwarden::api::admin][ERROR] Invalid admin token! IP: 192.0.2.7. Username: alice', {
    'source.ip': '192.0.2.7',
    'user.name': 'alice',
  });
  // other lines are kept with their level and message, not as failures
  expectLine(vaultwardenFormat, '[2024-08-31 02:00:00.000][vaultwarden][INFO] Rocket has launched from http://0.0.0.0:80', {
    'event.outcome': undefined,
    'log.level': 'info',
    message: 'Rocket has launched from http://0.0.0.0:80',
  });
  expectNotLine(vaultwardenFormat, '[2024-08-31 02:11:22.129][other::module][ERROR] Username or password is incorrect. Try again. IP: 192.0.2.1');
  expectNotLine(vaultwardenFormat, '[Sat Jun 01 02:17:42 2013] [error] [client 192.0.2.1] File does not exist: /x');
});
