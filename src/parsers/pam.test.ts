import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { getPath, type EcsEvent } from '../schema/event.js';
import { F } from '../schema/fields.js';
import { A } from './auth-common.js';
import { LineParser } from './line.js';
import { pamFields, pamParser } from './pam.js';
import { assertLinear } from './testing/adversarial.js';

// Lines from fail2ban's pam-generic and sshd samples and loghub Linux_2k.
const parser = new LineParser(() => Date.UTC(2026, 5, 15));
const parse = (line: string): EcsEvent => parser.parse({ message: line, receivedAt: 0 });

describe('PAM messages of any program', () => {
  test('authentication failure with rhost and user', () => {
    const e = parse('Jun 15 02:04:59 combo sshd(pam_unix)[20882]: authentication failure; logname= uid=0 euid=0 tty=NODEVssh ruser= rhost=220-135-151-1.hinet-ip.hinet.net  user=root');
    assert.deepEqual(getPath(e, F.eventCategory), ['authentication']);
    assert.equal(getPath(e, F.eventOutcome), 'failure');
    assert.equal(getPath(e, F.eventAction), 'authentication_failure');
    assert.equal(getPath(e, F.userName), 'root');
    assert.equal(getPath(e, F.sourceDomain), '220-135-151-1.hinet-ip.hinet.net');
    assert.equal(getPath(e, F.sourceIp), undefined);
    assert.equal(getPath(e, A.pamModule), 'pam_unix');
  });

  test('module prefix forms: pam_unix(svc:type), pam_unix(type), pam_unix:, (pam_unix)', () => {
    const a = parse('Jul 19 18:11:26 srv2 vsftpd: pam_unix(vsftpd:auth): authentication failure; logname= uid=0 euid=0 tty=ftp ruser=an8767 rhost=www.google.com');
    assert.equal(getPath(a, F.userName), 'an8767', 'the remote user when no user= is given');
    assert.equal(getPath(a, A.pamService), 'vsftpd');
    assert.equal(getPath(a, A.pamType), 'auth');
    const b = parse('Feb  7 15:10:42 example pure-ftpd: (pam_unix) authentication failure; logname= uid=0 euid=0 tty=pure-ftpd ruser=sample-user rhost=192.168.1.1 ');
    assert.equal(getPath(b, F.sourceIp), '192.168.1.1');
    assert.equal(getPath(b, F.eventOutcome), 'failure');
    const c = parse('Jul 19 18:11:26 srv2 vsftpd: pam_unix: authentication failure; logname= uid=0 euid=0 tty=ftp ruser=an8767 rhost=www.google.com');
    assert.equal(getPath(c, F.sourceDomain), 'www.google.com');
    const d = pamFields('pam_unix(auth): authentication failure; logname= uid=0 euid=0 tty=xxx ruser= rhost=192.0.2.2 user=test');
    assert.equal(d?.[A.pamType], 'auth');
    assert.equal(d?.[A.pamService], undefined);
  });

  test('text injected in ruser or user does not choose rhost', () => {
    const a = pamFields('pam_unix(auth): authentication failure; logname= uid=0 euid=0 tty=xxx ruser=test rhost=192.0.2.151 rhost=192.0.2.1');
    assert.equal(a?.[F.sourceIp], '192.0.2.1');
    assert.equal(a?.[F.userName], 'test rhost=192.0.2.151');
    const b = pamFields('pam_unix(auth): authentication failure; logname= uid=0 euid=0 tty=xxx ruser= rhost=192.0.2.2 user=test rhost=192.0.2.152');
    assert.equal(b?.[F.sourceIp], '192.0.2.2');
    assert.equal(b?.[F.userName], 'test rhost=192.0.2.152');
  });

  test('a local failure has no source', () => {
    const e = parse('Jul 11 11:33:13 combo gdm(pam_unix)[2803]: authentication failure; logname= uid=0 euid=0 tty=:0 ruser= rhost= ');
    assert.equal(getPath(e, F.eventOutcome), 'failure');
    assert.equal(getPath(e, F.sourceIp), undefined);
    assert.equal(getPath(e, A.sourceAddress), undefined);
    assert.equal(getPath(e, A.processTtyName), ':0');
  });

  test('check pass; user unknown', () => {
    const a = parse('Jun 14 15:16:02 combo sshd(pam_unix)[19937]: check pass; user unknown');
    assert.equal(getPath(a, F.eventOutcome), 'failure');
    assert.equal(getPath(a, A.userInvalid), true);
    const b = parse('Dec 10 06:55:46 LabSZ sshd[24200]: pam_unix(sshd:auth): check pass; user unknown');
    assert.equal(getPath(b, F.eventOutcome), 'failure');
    // without a PAM module the text is not claimed
    assert.equal(pamFields('check pass; user unknown'), undefined);
  });

  test('session opened and closed, old and new forms', () => {
    const a = parse('Nov 26 08:02:28 web-01 CRON[5200]: pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)');
    assert.deepEqual(getPath(a, F.eventCategory), ['session']);
    assert.deepEqual(getPath(a, F.eventType), ['start']);
    assert.equal(getPath(a, F.userName), 'root');
    assert.equal(getPath(a, A.userId), '0');
    assert.equal(getPath(a, A.pamByUid), '0');
    assert.equal(getPath(a, F.eventDataset), 'cron');
    const b = parse('Jun 17 20:34:57 combo sshd(pam_unix)[30631]: session closed for user test');
    assert.deepEqual(getPath(b, F.eventType), ['end']);
    assert.equal(getPath(b, F.userName), 'test');
    const c = parse('Jun 15 04:06:18 combo su(pam_unix)[21416]: session opened for user cyrus by (uid=0)');
    assert.equal(getPath(c, F.userName), 'cyrus');
    assert.equal(getPath(c, F.eventOutcome), 'success');
  });

  test('other text is not claimed', () => {
    const e: EcsEvent = {};
    assert.equal(pamParser.parse('authentication failure', e), false);
    assert.equal(pamParser.parse('pam_unix(sshd:auth): something else', e), false);
    assert.deepEqual(e, {});
  });
});

describe('PAM on hostile input', () => {
  test('64 KiB adversarial messages finish in well under 100 ms each', (t) => {
    const slowest = assertLinear(pamParser, [
      'pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser=',
      'authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=x',
      'pam_unix(cron:session): session opened for user ',
      'pam_unix(sshd:auth): auth could not identify password for [',
    ]);
    t.diagnostic(`slowest: ${slowest.toFixed(2)} ms`);
  });
});
