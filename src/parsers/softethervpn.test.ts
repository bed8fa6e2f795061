import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getPath } from '../schema/event.js';
import { softetherParser } from './softethervpn.js';
import { expectFields, expectNoMatch, failure } from './testing/service-cases.js';
import { parseLine } from './testing/line-cases.js';

test('softethervpn: failed user authentication in sec.log and through syslog (fail2ban softethervpn sample lines)', () => {
  const fileLine = parseLine('2020-05-12 10:53:19.781 Connection "CID-72": User authentication failed. The user name that has been provided was "bob", from 80.10.11.12.');
  assert.equal(getPath(fileLine, 'event.dataset'), 'softethervpn');
  assert.equal(getPath(fileLine, 'event.outcome'), 'failure');
  assert.equal(getPath(fileLine, 'source.ip'), '80.10.11.12');
  assert.equal(getPath(fileLine, 'user.name'), 'bob');
  expectFields(
    softetherParser,
    ' [myserver.com/VPN/defaultvpn] (2020-05-13 10:53:19.591) <SECURITY_LOG>: Connection "CID-594": User authentication failed. The user name that has been provided was "alice", from 80.10.11.13.',
    { ...failure('vpn_login', '80.10.11.13', 'alice'), 'session.id': 'CID-594', 'vigil.softether.hub': 'myserver.com/VPN/defaultvpn' },
  );
  expectFields(softetherParser, 'User authentication failed. The user name that has been provided was "a "quoted" name", from 192.0.2.1.', failure('vpn_login', '192.0.2.1', 'a "quoted" name'));
});

test('softethervpn: tried for every program, it rejects other messages on their first character', () => {
  expectNoMatch(softetherParser, 'Failed password for root from 192.0.2.1 port 22 ssh2');
  expectNoMatch(softetherParser, '[myserver.com/VPN/defaultvpn] (2020-05-13 10:53:19.591) <SECURITY_LOG>: Connection "CID-1": User authentication succeeded.');
  expectNoMatch(softetherParser, '[x] something else');
});
