import assert from 'node:assert/strict';
import { test } from 'node:test';
import { getPath } from '../schema/event.js';
import { fail2banFormat, fail2banParser } from './fail2ban.js';
import { LineParser } from './line.js';
import { expectFields, expectNoMatch } from './testing/service-cases.js';

const ban = (ip: string, jail: string) => ({ 'event.type': ['denied'], 'event.action': 'ban', 'source.ip': ip, 'rule.name': jail, 'event.outcome': undefined });

test('fail2ban: bans through syslog and the journal (fail2ban recidive sample lines)', () => {
  expectFields(fail2banParser, 'NOTICE [jail] Ban 10.0.0.7', { ...ban('10.0.0.7', 'jail'), 'log.level': 'notice', 'event.category': ['network', 'intrusion_detection'] });
  expectFields(fail2banParser, 'fail2ban.actions        [11524]: NOTICE  [postfix-auth] Ban 192.0.2.2', { ...ban('192.0.2.2', 'postfix-auth'), 'log.logger': 'fail2ban.actions' });
  expectFields(fail2banParser, '[postfix-sasl] Ban 192.0.2.3', { ...ban('192.0.2.3', 'postfix-sasl'), 'log.level': undefined });
  // fail2ban's recidive filter skips its own jail's bans (a feedback loop); for Vigil they are bans like any other
  expectFields(fail2banParser, 'NOTICE [recidive] Ban 1.2.3.4', ban('1.2.3.4', 'recidive'));
});

test('fail2ban: unbans, restored bans and found failures are not denials', () => {
  expectFields(fail2banParser, 'NOTICE [sendmail] Unban 1.2.3.4', { 'event.type': ['allowed', 'end'], 'event.action': 'unban', 'source.ip': '1.2.3.4' });
  expectFields(fail2banParser, 'NOTICE  [sshd] Restore Ban 192.0.2.7', { 'event.type': ['denied'], 'event.action': 'ban_restored' });
  expectFields(fail2banParser, 'INFO    [sshd] Found 192.0.2.7 - 2006-02-13 15:52:30', { 'event.type': ['info'], 'event.action': 'failure_found', 'event.reason': '2006-02-13 15:52:30' });
  expectFields(fail2banParser, 'WARNING [sshd] 192.0.2.7 already banned', { 'event.action': 'already_banned', 'source.ip': '192.0.2.7' });
  expectNoMatch(fail2banParser, 'INFO    Jail sshd started');
  expectNoMatch(fail2banParser, 'NOTICE [sshd] Ban');
});

test('fail2ban: its own log file (fail2ban recidive sample lines)', () => {
  const p = new LineParser(() => Date.UTC(2006, 1, 14));
  const lines: [string, number | undefined][] = [
    ['2006-02-13 15:52:30,388 fail2ban.actions: NOTICE [sendmail] Ban 1.2.3.4', undefined],
    ['2006-02-13 15:52:30,388 fail2ban.actions[123]: NOTICE [sendmail] Ban 1.2.3.4', 123],
    ['2006-02-13 15:52:30,388 fail2ban.actions        [123]: NOTICE  [sendmail] Ban 1.2.3.4', 123],
  ];
  for (const [line, pid] of lines) {
    assert.equal(fail2banFormat.sniff(line), true);
    const e = p.parse({ message: line, receivedAt: 0 });
    assert.equal(getPath(e, 'event.dataset'), 'fail2ban', line);
    assert.equal(getPath(e, '@timestamp'), '2006-02-13T15:52:30.388Z');
    assert.equal(getPath(e, 'event.action'), 'ban');
    assert.equal(getPath(e, 'source.ip'), '1.2.3.4');
    assert.equal(getPath(e, 'process.pid'), pid);
  }
  const unban = p.parse({ message: '2006-02-13 16:07:31,183 fail2ban.actions: NOTICE [sendmail] Unban 1.2.3.4', receivedAt: 0 });
  assert.equal(getPath(unban, 'event.action'), 'unban');
  assert.equal(fail2banFormat.sniff('2006-02-13 15:52:30 host sshd[1]: x'), false);
  // other lines of the file are fail2ban's, without a verdict
  const start = p.parse({ message: '2006-02-13 15:50:00,001 fail2ban.server         [123]: INFO    Starting Fail2ban v1.0.2', receivedAt: 0 });
  assert.equal(getPath(start, 'event.dataset'), 'fail2ban');
  assert.equal(getPath(start, 'log.logger'), 'fail2ban.server');
  assert.equal(getPath(start, 'log.level'), 'info');
  assert.equal(getPath(start, 'message'), 'Starting Fail2ban v1.0.2');
  assert.equal(getPath(start, 'event.type'), undefined);
});
