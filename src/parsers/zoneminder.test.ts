import { test } from 'node:test';
import { zoneminderFormat } from './zoneminder.js';
import { expectNotLine } from './testing/format-cases.js';
import assert from 'node:assert/strict';
import { getPath, type EcsEvent } from '../schema/event.js';

function parse(line: string): EcsEvent {
  const e: EcsEvent = {};
  assert.equal(zoneminderFormat.parse(line, e), true, line);
  return e;
}

test('zoneminder: failed logins in the Apache error log (fail2ban zoneminder sample lines)', () => {
  const e = parse('[Mon Mar 28 16:50:49.522240 2016] [:error] [pid 1795] [client 10.1.1.1:50700] WAR [Login denied for user "username1"], referer: https://zoneminder/');
  assert.equal(getPath(e, 'event.outcome'), 'failure');
  assert.equal(getPath(e, 'event.action'), 'login_denied');
  assert.equal(getPath(e, 'source.ip'), '10.1.1.1');
  assert.equal(getPath(e, 'source.port'), 50700);
  assert.equal(getPath(e, 'user.name'), 'username1');
  assert.equal(getPath(e, 'event.dataset'), 'zoneminder');
  assert.equal(getPath(e, '@timestamp'), '2016-03-28T16:50:49.522Z');
  const u = parse('[Sun Mar 28 16:53:00.472693 2021] [php7:notice] [pid 11328] [client 10.1.1.1:39568] ERR [Could not retrieve user username1 details], referer: https://zm/zm/?view=logout');
  assert.equal(getPath(u, 'event.action'), 'unknown_user');
  assert.equal(getPath(u, 'user.name'), 'username1');
  // other error log lines keep Apache's fields and dataset
  const other = parse('[Sun Mar 28 16:53:00.472693 2021] [php7:notice] [pid 11328] [client 10.1.1.1:39568] INF [Login successful for user "x"]');
  assert.equal(getPath(other, 'event.outcome'), undefined);
  assert.equal(getPath(other, 'event.dataset'), undefined);
  // only chosen by name
  expectNotLine(zoneminderFormat, '[Mon Mar 28 16:50:49.522240 2016] [:error] [pid 1795] [client 10.1.1.1:50700] WAR [Login denied for user "username1"]');
});
