import { test } from 'node:test';
import { danteParser } from './dante.js';
import { expectFields, expectNoMatch, failure } from './testing/service-cases.js';

test('dante: blocked clients after failed authentication (fail2ban dante sample lines)', () => {
  expectFields(danteParser, `info: block(1): tcp/accept ]: 1.2.3.4.50550 0.0.0.0.1080: error after reading 35 bytes in 0 seconds: could not access user "roooooooot"'s records in the system password file: no system error`, failure('socks_login', '1.2.3.4', 'roooooooot', 50550));
  expectFields(danteParser, 'info: block(1): tcp/accept ]: 1.2.3.4.57178 0.0.0.0.1080: error after reading 18 bytes in 0 seconds: system password authentication failed for user "aland"', failure('socks_login', '1.2.3.4', 'aland', 57178));
  expectFields(danteParser, 'info: block(1): tcp/accept ]: 192.0.2.169.8490 192.0.2.83.52483: error after reading 31 bytes in 2 seconds: pam_authenticate() for user "socks5_user" failed: Authentication failure', failure('socks_login', '192.0.2.169', 'socks5_user', 8490));
  expectNoMatch(danteParser, 'info: block(1): tcp/accept ]: 1.2.3.4.57178 0.0.0.0.1080: error after reading 0 bytes in 0 seconds: client closed');
});
