import { test } from 'node:test';
import { uwimapParser } from './uwimap.js';
import { expectFields, expectNoMatch, failure } from './testing/service-cases.js';

test('uwimap: login failures (fail2ban uwimap-auth sample lines)', () => {
  expectFields(uwimapParser, 'Login failed user=lizdy auth=lizdy host=h2066373.stratoserver.net [81.169.154.112]', {
    ...failure('login_failed', '81.169.154.112', 'lizdy'),
    'source.domain': 'h2066373.stratoserver.net',
  });
  expectFields(uwimapParser, 'Login excessive login failures user=brada auth=brada host=xxxxxx [198.52.115.74]', failure('too_many_failures', '198.52.115.74', 'brada'));
  expectFields(uwimapParser, 'Login disabled user=test auth=test host=localhost.localdomain [127.0.0.1]', failure('login_disabled', '127.0.0.1', 'test'));
  expectFields(uwimapParser, 'Failed uwmaster override of user=pro1  host=r22.j.de [127.0.55.22] ', failure('override_failed', '127.0.55.22', 'pro1'));
  expectNoMatch(uwimapParser, 'Login user=bob host=example.com [192.0.2.1]');
});
