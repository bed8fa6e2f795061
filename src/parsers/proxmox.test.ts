import { test } from 'node:test';
import { proxmoxParser } from './proxmox.js';
import { expectFields, expectNoMatch, failure } from './testing/service-cases.js';

test('proxmox: pvedaemon authentication failures (fail2ban proxmox sample lines) and successes', () => {
  expectFields(proxmoxParser, 'authentication failure; rhost=192.0.2.123 user=root@pam msg=Authentication failure', {
    ...failure('proxmox_login', '192.0.2.123', 'root@pam'),
    'event.reason': 'Authentication failure',
  });
  expectFields(proxmoxParser, 'authentication failure; rhost=192.0.2.124 user=jose@pve msg=invalid credentials', failure('proxmox_login', '192.0.2.124', 'jose@pve'));
  expectFields(proxmoxParser, 'authentication failure; rhost=::ffff:192.0.2.5 user=x@pve msg=no such user', { 'source.ip': '192.0.2.5' });
  expectFields(proxmoxParser, "successful auth for user 'root@pam'", { 'event.outcome': 'success', 'user.name': 'root@pam', 'source.ip': undefined });
  expectNoMatch(proxmoxParser, 'starting worker 12345');
  expectNoMatch(proxmoxParser, 'authentication failure; rhost= user=root@pam');
});
