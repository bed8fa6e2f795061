import { test } from 'node:test';
import { sogoParser } from './sogo.js';
import { expectFields, expectNoMatch, failure } from './testing/service-cases.js';

test('sogo: failed and successful logins (fail2ban sogo-auth sample lines)', () => {
  const policy = ' might not have worked - password policy: 65535  grace: -1  expire: -1  bound: 0';
  // `sogod [26818]:` leaves the pid in the message
  expectFields(sogoParser, `[26818]: SOGoRootPage Login from '173.194.44.31' for user 'hack0r'${policy}`, failure('sogo_login', '173.194.44.31', 'hack0r'));
  expectFields(sogoParser, `SOGoRootPage Login from '173.194.44.31' for user 'plsBanMe'${policy}`, failure('sogo_login', '173.194.44.31', 'plsBanMe'));
  expectFields(sogoParser, `[1526]: SOGoRootPage Login from '192.0.2.16, 10.0.0.1' for user 'admin'${policy}`, {
    ...failure('sogo_login', '192.0.2.16', 'admin'),
    'related.ip': ['192.0.2.16', '10.0.0.1'],
  });
  expectFields(sogoParser, "SOGoRootPage successful login from '192.0.2.1' for user 'jane' - expire = -1  grace = -1", { 'event.outcome': 'success', 'user.name': 'jane' });
  // the LDAP bind failure that precedes a failed login carries no address: not counted twice
  expectNoMatch(sogoParser, '<0x0xb8537990[LDAPSource]> <NSException: 0xb87c3008> NAME:LDAPException REASON:operation bind failed: Invalid credentials (0x31) INFO:{login = "uid=hack0r,ou=users,dc=mail,dc=example,dc=org"; }');
  expectNoMatch(sogoParser, '[error] [client 1.2.3.4] x');
});
