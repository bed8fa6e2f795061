import { test } from 'node:test';
import { perditionParser } from './perdition.js';
import { expectFields, expectNoMatch, failure } from './testing/service-cases.js';

test('perdition: failed authentication (fail2ban sample lines)', () => {
  expectFields(
    perditionParser,
    'Auth: 192.168.8.100:2274->193.48.191.9:993 client-secure=ssl authorisation_id=NONE authentication_id="carles" server="imap.biotoul.fr:993" protocol=IMAP4S server-secure=ssl status="failed: Re-Authentication Failure"',
    { ...failure('login_failed', '192.168.8.100', 'carles', 2274), 'event.reason': 'failed: Re-Authentication Failure' },
  );
  expectFields(perditionParser, 'Fatal Error reading authentication information from client 192.168.8.100:2274->193.48.191.9:993: Exiting child', failure('auth_read_error', '192.168.8.100', undefined, 2274));
  expectNoMatch(perditionParser, 'Auth: 192.168.8.100:2274->193.48.191.9:993 client-secure=ssl authorisation_id=NONE authentication_id="carles" server="imap.biotoul.fr:993" protocol=IMAP4S server-secure=ssl status="ok"');
});
