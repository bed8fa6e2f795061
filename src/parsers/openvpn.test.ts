import { test } from 'node:test';
import { openvpnParser } from './openvpn.js';
import { expectFields, expectNoMatch, failure } from './testing/service-cases.js';

test('openvpn: authentication failures', () => {
  expectFields(openvpnParser, '192.0.2.1:57341 TLS Auth Error: Auth Username/Password verification failed for peer', failure('vpn_login', '192.0.2.1', undefined, 57341));
  expectFields(openvpnParser, "[AF_INET]192.0.2.2:1194 TLS Auth Error: username 'bob' has invalid characters", failure('vpn_login', '192.0.2.2', 'bob', 1194));
  expectFields(openvpnParser, "AUTH-PAM: BACKGROUND: user 'alice' failed to authenticate: Authentication failure", failure('vpn_login', undefined, 'alice'));
  expectFields(openvpnParser, 'AUTH: Received control message: AUTH_FAILED', { 'event.outcome': 'failure', 'event.action': 'vpn_login_rejected' });
  expectNoMatch(openvpnParser, '192.0.2.1:57341 Peer Connection Initiated with [AF_INET]192.0.2.1:57341');
});
