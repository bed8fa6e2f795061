import { test } from 'node:test';
import { postgresqlParser } from './postgresql.js';
import { expectFields, expectNoMatch, failure } from './testing/service-cases.js';

test('postgresql: password failures, with the client from the line prefix', () => {
  expectFields(postgresqlParser, '[3077-1] FATAL:  password authentication failed for user "postgres"', {
    ...failure('db_login', undefined, 'postgres'),
    'user.authentication.method': 'password',
  });
  expectFields(postgresqlParser, '2024-01-05 10:00:01.123 UTC [3077] postgres@app 192.0.2.1(54321) FATAL:  password authentication failed for user "postgres"', {
    ...failure('db_login', '192.0.2.1', 'postgres', 54321),
  });
  expectFields(postgresqlParser, '[9-1] user=admin,db=shop,host=192.0.2.2 FATAL:  password authentication failed for user "admin"', {
    ...failure('db_login', '192.0.2.2', 'admin'),
    'database.name': 'shop',
  });
  expectFields(postgresqlParser, 'FATAL:  no pg_hba.conf entry for host "192.0.2.3", user "sa", database "master", SSL off', {
    ...failure('hba_reject', '192.0.2.3', 'sa'),
    'database.name': 'master',
  });
  expectNoMatch(postgresqlParser, 'LOG:  connection received: host=192.0.2.1 port=54321');
});
