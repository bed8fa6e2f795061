import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getPath } from '../schema/event.js';
import { dovecotParser } from './dovecot.js';
import { expectFields, expectNoMatch, failure } from './testing/service-cases.js';

test('dovecot: login process auth failures', () => {
  const e = expectFields(
    dovecotParser,
    'imap-login: Disconnected (auth failed, 1 attempts in 2 secs): user=<admin>, method=PLAIN, rip=192.0.2.10, lip=198.51.100.5, TLS, session=<mVbx5oPJRuLAqAEK>',
    { ...failure('login_failed', '192.0.2.10', 'admin'), 'user.authentication.method': 'PLAIN', 'network.protocol': 'imap' },
  );
  assert.deepEqual(getPath(e, 'event.category'), ['authentication']);
  expectFields(dovecotParser, 'Info: Aborted login (auth failed, 3 attempts in 15 secs): user=<info@example.com>, method=LOGIN, rip=2001:db8::7, lip=2001:db8::1, TLS', failure('login_failed', '2001:db8::7', 'info@example.com'));
  expectFields(
    dovecotParser,
    'pop3-login: Login aborted: Connection closed (auth failed, 3 attempts in 15 secs) (auth_failed): user=<test>, method=PLAIN, rip=192.0.2.11, lip=198.51.100.5, TLS, session=<abc>',
    failure('login_failed', '192.0.2.11', 'test'),
  );
});

test('dovecot: auth process lines', () => {
  expectFields(dovecotParser, 'auth: passwd-file(bob@example.com,192.0.2.12): unknown user', { ...failure('unknown_user', '192.0.2.12', 'bob@example.com'), 'user.authentication.method': 'passwd-file' });
  expectFields(dovecotParser, 'auth-worker(4021): sql(alice,192.0.2.13,<Ubd2NYbZqtLAqAEK>): Password mismatch', failure('password_mismatch', '192.0.2.13', 'alice'));
  expectFields(dovecotParser, 'auth-worker(2233): pam(carol,192.0.2.14,<x>): pam_authenticate() failed: Authentication failure (password mismatch?)', failure('password_mismatch', '192.0.2.14', 'carol'));
});

test('dovecot: unrelated lines are left alone', () => {
  expectNoMatch(dovecotParser, 'imap-login: Login: user=<bob>, method=PLAIN, rip=192.0.2.10, lip=198.51.100.5, mpid=1234, TLS');
  expectNoMatch(dovecotParser, 'auth: pam_unix(dovecot:auth): authentication failure; logname= uid=0 euid=0 tty=dovecot ruser=bob rhost=192.0.2.1');
});
