import assert from 'node:assert/strict';
import { test } from 'node:test';
import { getPath } from '../schema/event.js';
import { bitwardenParser } from './bitwarden.js';
import { LineParser } from './line.js';
import { expectFields, expectNoMatch, failure } from './testing/service-cases.js';

const parser = new LineParser(() => Date.UTC(2020, 0, 1));
const parse = (line: string) => parser.parse({ message: line, receivedAt: 0 });

test('bitwarden: failed logins in the log file layout, the zone put back into @timestamp (fail2ban bitwarden sample lines)', () => {
  const e = parse('2019-11-26 01:04:49.008 +08:00 [WRN] Failed login attempt. 192.168.0.16');
  assert.equal(getPath(e, 'event.dataset'), 'bitwarden');
  assert.equal(getPath(e, 'event.outcome'), 'failure');
  assert.equal(getPath(e, 'event.action'), 'login_failed');
  assert.equal(getPath(e, 'source.ip'), '192.168.0.16');
  assert.equal(getPath(e, '@timestamp'), '2019-11-25T17:04:49.008Z');
  assert.equal(getPath(e, 'log.level'), 'warning');
  // `+08` was the zone, not a program
  assert.equal(getPath(e, 'process.name'), undefined);
  assert.equal(getPath(e, 'log.syslog.appname'), undefined);

  const two = parse('2019-11-25 21:39:58.464 +01:00 [Warning] Failed login attempt, 2FA invalid. 192.168.0.21');
  assert.equal(getPath(two, 'event.action'), 'two_factor_invalid');
  assert.equal(getPath(two, 'source.ip'), '192.168.0.21');
  assert.equal(getPath(two, '@timestamp'), '2019-11-25T20:39:58.464Z');
});

test('bitwarden: failed logins under syslog (Bitwarden-Identity)', () => {
  const e = parse('2019-09-24T13:16:50 e5a81dbf7fd1 Bitwarden-Identity[1]: [Bit.Core.IdentityServer.ResourceOwnerPasswordValidator] Failed login attempt. 192.168.0.23');
  assert.equal(getPath(e, 'event.dataset'), 'bitwarden');
  assert.equal(getPath(e, 'source.ip'), '192.168.0.23');
  assert.equal(getPath(e, 'log.logger'), 'Bit.Core.IdentityServer.ResourceOwnerPasswordValidator');
  assert.equal(getPath(e, 'process.name'), 'Bitwarden-Identity');
  expectFields(bitwardenParser, '[Bit.Core.X] Failed login attempt, 2FA invalid. 2001:db8::5', failure('two_factor_invalid', '2001:db8::5', undefined));
  expectNoMatch(bitwardenParser, '[Bit.Core.X] Failed login attempt. somewhere');
  expectNoMatch(bitwardenParser, '[Other.Logger] Failed login attempt. 192.0.2.1');
  // a `NN [LVL]` message only counts after a zone-shaped program name
  const other = parse('2019-11-26 01:04:49.008 myapp: 00 [WRN] Failed login attempt. 192.168.0.16');
  assert.equal(getPath(other, 'event.outcome'), undefined);
});
