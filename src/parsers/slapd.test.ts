import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getPath } from '../schema/event.js';
import { MAX_CONNECTIONS, resetSlapdConnections, slapdFields, slapdParser } from './slapd.js';
import { expectFields } from './testing/service-cases.js';
import { parseLine } from './testing/line-cases.js';

test('slapd: a failed bind carries the peer of its connection (fail2ban slapd sample lines)', () => {
  resetSlapdConnections();
  const lines = [
    'Jul  8 01:47:19 ldap-server slapd[1183]: conn=1022 fd=21 ACCEPT from IP=8.8.8.8:45011 (IP=0.0.0.0:636)',
    'Jul  8 01:47:19 ldap-server slapd[1183]: conn=1022 op=0 STARTTLS',
    'Jul  8 01:47:20 ldap-server slapd[1183]: conn=1022 op=1 BIND dn="uid=gipson,ou=people,dc=example,dc=com" method=128',
    'Jul  8 01:47:20 ldap-server slapd[1183]: conn=1022 op=1 RESULT tag=97 err=49 text=',
    'Jul  8 01:47:20 ldap-server slapd[1183]: conn=1022 fd=21 closed',
  ].map((l) => parseLine(l));
  const [accept, , bind, result, closed] = lines;
  assert.equal(getPath(accept ?? {}, 'source.ip'), '8.8.8.8');
  assert.equal(getPath(accept ?? {}, 'event.outcome'), undefined);
  assert.equal(getPath(bind ?? {}, 'user.name'), 'gipson');
  assert.equal(getPath(result ?? {}, 'event.outcome'), 'failure');
  assert.equal(getPath(result ?? {}, 'source.ip'), '8.8.8.8');
  assert.equal(getPath(result ?? {}, 'source.port'), 45011);
  assert.equal(getPath(result ?? {}, 'user.name'), 'gipson');
  assert.equal(getPath(result ?? {}, 'error.code'), '49');
  assert.equal(getPath(result ?? {}, 'session.id'), '1022');
  assert.deepEqual(getPath(closed ?? {}, 'event.type'), ['connection', 'end']);
  assert.equal(getPath(closed ?? {}, 'source.ip'), '8.8.8.8');
  // after the close the connection is forgotten: a later result of the same number names no peer
  const late = parseLine('Jul  8 01:47:21 ldap-server slapd[1183]: conn=1022 op=3 RESULT tag=97 err=49 text=');
  assert.equal(getPath(late, 'event.outcome'), 'failure');
  assert.equal(getPath(late, 'source.ip'), undefined);
});

test('slapd: connections of another server or process are kept apart; the table is bounded', () => {
  resetSlapdConnections();
  parseLine('Jul  8 01:47:19 a slapd[1]: conn=7 fd=21 ACCEPT from IP=192.0.2.1:1000 (IP=0.0.0.0:389)');
  const other = parseLine('Jul  8 01:47:20 b slapd[1]: conn=7 op=1 RESULT tag=97 err=49 text=');
  assert.equal(getPath(other, 'source.ip'), undefined);
  for (let i = 0; i < MAX_CONNECTIONS + 5; i++) slapdFields(`conn=${i} fd=1 ACCEPT from IP=192.0.2.2:1 (IP=0.0.0.0:389)`, 'k');
  // the oldest were dropped
  assert.equal(getPath(slapdFields('conn=0 op=1 RESULT tag=97 err=49 text=', 'k') ?? {}, 'source.ip'), undefined);
  assert.equal(slapdFields(`conn=${MAX_CONNECTIONS} op=1 RESULT tag=97 err=49 text=`, 'k')?.['source.ip'], '192.0.2.2');
  expectFields(slapdParser, 'conn=1 op=1 RESULT tag=97 err=0 text=', { 'event.outcome': 'success' });
  expectFields(slapdParser, 'conn=1 op=2 RESULT tag=101 err=0 nentries=1 text=', { 'event.outcome': undefined, 'session.id': '1' });
  resetSlapdConnections();
});
