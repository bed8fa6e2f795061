import { test } from 'node:test';
import { solidPop3dParser } from './solid-pop3d.js';
import { expectFields, expectNoMatch, failure } from './testing/service-cases.js';

test('solid-pop3d: failures (fail2ban sample lines)', () => {
  expectFields(solidPop3dParser, 'authentication failed: no such user: adrian - 123.33.44.45', failure('unknown_user', '123.33.44.45', 'adrian'));
  expectFields(solidPop3dParser, 'authentication failed for user jacques - 190.16.165.230', failure('login_failed', '190.16.165.230', 'jacques'));
  expectFields(solidPop3dParser, 'APOP authentication failed for user adrian - 123.33.44.45', { ...failure('login_failed', '123.33.44.45', 'adrian'), 'user.authentication.method': 'APOP' });
  expectFields(solidPop3dParser, "can't find APOP secret for user adrian - 123.33.44.45", failure('apop_secret_missing', '123.33.44.45', 'adrian'));
  expectFields(solidPop3dParser, 'root login not allowed - 123.33.44.45', failure('root_login_denied', '123.33.44.45', 'root'));
  expectNoMatch(solidPop3dParser, 'connection from 123.33.44.45');
});
