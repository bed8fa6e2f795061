import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getPath } from '../schema/event.js';
import { routerosParser } from './routeros.js';
import { expectFields, expectNoMatch, failure } from './testing/service-cases.js';
import { parseLine } from './testing/line-cases.js';

test('routeros: login failures, with empty and spaced user names (fail2ban routeros-auth sample lines)', () => {
  expectFields(routerosParser, 'system,error,critical login failure for user admin from 192.168.88.6 via web', {
    ...failure('login', '192.168.88.6', 'admin'),
    'network.protocol': 'web',
    'vigil.routeros.topics': ['system', 'error', 'critical'],
  });
  expectFields(routerosParser, 'system,error,critical login failure for user  from 2001:470:1:c84::24 via ssh', failure('login', '2001:470:1:c84::24', ''));
  expectFields(routerosParser, 'system,error,critical login failure for user user with space from 1.2.3.4 via ssh', failure('login', '1.2.3.4', 'user with space'));
  expectFields(routerosParser, 'system,info,account user admin logged in from 192.168.88.6 via winbox', { 'event.outcome': 'success', 'user.name': 'admin' });
  expectNoMatch(routerosParser, 'system,info log rule changed by admin');
  expectNoMatch(routerosParser, 'login failure for user admin from 192.168.88.6 via web');
});

test('routeros: a syslog line without a program name reaches the parser', () => {
  const e = parseLine('Feb 15 11:25:46 gw.local system,error,critical login failure for user admin from 192.168.88.6 via web');
  assert.equal(getPath(e, 'event.dataset'), 'routeros');
  assert.equal(getPath(e, 'host.name'), 'gw.local');
  assert.equal(getPath(e, 'source.ip'), '192.168.88.6');
});
