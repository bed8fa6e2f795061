import { test } from 'node:test';
import { froxlorParser } from './froxlor.js';
import { expectFields, expectNoMatch, failure } from './testing/service-cases.js';

test('froxlor: failed logins in the 0.x and 2.x message forms (fail2ban froxlor-auth sample lines)', () => {
  expectFields(froxlorParser, "[Login Action 1.2.3.4] Unknown user 'user' tried to login.", failure('unknown_user', '1.2.3.4', 'user'));
  expectFields(froxlorParser, "[Login Action 1.2.3.4] User 'admin' tried to login with wrong password.", failure('wrong_password', '1.2.3.4', 'admin'));
  expectFields(froxlorParser, 'froxlor.WARNING: User tried to login with wrong password. {"source":"login","action":"50","user":"1.2.3.4"} []', {
    ...failure('wrong_password', '1.2.3.4', undefined),
    'log.level': 'warning',
  });
  expectFields(froxlorParser, 'froxlor.WARNING: Unknown user tried to login. {"source":"login","action":"50","user":"1.2.3.4"} []', failure('unknown_user', '1.2.3.4', undefined));
  // a context naming a user rather than an address
  expectFields(froxlorParser, 'froxlor.WARNING: Unknown user tried to login. {"source":"login","user":"bob"} []', failure('unknown_user', undefined, 'bob'));
  expectNoMatch(froxlorParser, 'froxlor.INFO: User admin logged in. {"source":"login"} []');
  // an unreadable context still gives the failure, without a source
  expectFields(froxlorParser, 'froxlor.WARNING: Unknown user tried to login. {not json} []', failure('unknown_user', undefined, undefined));
});
