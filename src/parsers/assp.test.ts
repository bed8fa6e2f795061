import { test } from 'node:test';
import { asspFormat } from './assp.js';
import { expectLine, expectNotSniffed, parseLine } from './testing/line-cases.js';
import { getPath } from '../schema/event.js';
import assert from 'node:assert/strict';

test('assp: TLS failures, AUTH errors, blocks and relay attempts (fail2ban assp sample lines)', () => {
  expectLine(asspFormat, 'Apr-07-13 07:08:36 [SSL-out] 68.171.223.68 SSL negotiation with client failed: SSL accept attempt failed with unknown errorerror:140760FC:SSL routines:SSL23_GET_CLIENT_HELLO:unknown protocol;', {
    '@timestamp': '2013-04-07T07:08:36.000Z',
    'event.action': 'tls_handshake_failed',
    'event.type': ['denied'],
    'event.outcome': 'failure',
    'source.ip': '68.171.223.68',
    'vigil.assp.tags': ['SSL-out'],
  });
  expectLine(asspFormat, 'Apr-27-13 02:25:09 Blocking 217.194.197.97 - too much AUTH errors (8);', {
    'event.action': 'block',
    'event.reason': 'too much AUTH errors (8)',
    'source.ip': '217.194.197.97',
  });
  expectLine(asspFormat, 'Apr-27-13 02:25:10 [SSL-out] 217.194.197.97 max sender authentication errors (5) exceeded -- dropping connection - after reply: 535 5.7.8 Error: authentication failed: UGFzc3dvcmQ6;', {
    'event.category': ['authentication'],
    'event.action': 'smtp_auth_failed',
    'event.outcome': 'failure',
    'source.ip': '217.194.197.97',
  });
  expectLine(asspFormat, 'Jul-29-16 16:49:52 m1-25391-06124 [Worker_1] [TLS-out] [RelayAttempt] 0.0.0.0 <user@example.com> to: user@example.org relay attempt blocked for: someone@example.org', {
    'event.action': 'relay_denied',
    'email.message_id': 'm1-25391-06124',
    'email.from.address': 'user@example.com',
    'email.to.address': 'user@example.org',
    'vigil.assp.tags': ['Worker_1', 'TLS-out', 'RelayAttempt'],
    'source.ip': '0.0.0.0',
  });
  expectLine(asspFormat, 'Jan-05-16 08:38:49 m1-01129-09140 [Worker_1] [TLS-in] [TLS-out] [RelayAttempt] 0.0.0.0 <user@example.com> relay attempt blocked for (parsing): <user2@example>', {
    'event.action': 'relay_denied',
    'email.to.address': 'user2@example',
  });
  expectLine(asspFormat, 'Jul-18-16 16:54:21 [Worker_2] [TLS-out] 0.0.0.0 [SMTP Error] 535 5.7.8 Error: authentication failed: Connection lost to authentication server', {
    'event.action': 'smtp_auth_failed',
    'smtp.response.code': 535,
    'event.reason': 'Connection lost to authentication server',
  });
});

test('assp: other lines keep their peer without a failure; foreign lines are not sniffed', () => {
  expectLine(asspFormat, 'Jul-18-16 16:54:21 [Worker_2] 192.0.2.9 <a@example.com> to: b@example.org [spam found] -- message accepted', {
    'source.ip': '192.0.2.9',
    'event.outcome': undefined,
  });
  const e = parseLine('Apr-07-13 07:08:36 [SSL-out] 68.171.223.68 SSL negotiation with client failed: x;');
  assert.equal(getPath(e, 'event.dataset'), 'assp');
  expectNotSniffed(asspFormat, 'Apr  7 07:08:36 host sshd[1]: x');
  expectNotSniffed(asspFormat, '127.0.0.1 - - [07/Apr/2013:07:08:36 +0000] "GET / HTTP/1.1" 200 1');
  assert.equal(asspFormat.parse('Apr-07-13 07:08:36 [SSL-out] not-an-address text', {}), false);
});
