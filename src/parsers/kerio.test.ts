import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kerioFormat } from './kerio.js';
import { expectLine, expectNotSniffed } from './testing/line-cases.js';

test('kerio: security log refusals and failed logins (fail2ban kerio sample lines)', () => {
  expectLine(kerioFormat, '[17/Jun/2011 17:00:45] Attempt to deliver to unknown recipient <advertise@aplawrence.com>, from <bekytnabvnvyx@aapug.org>, IP address 200.90.149.178', {
    '@timestamp': '2011-06-17T17:00:45.000Z',
    'event.action': 'unknown_recipient',
    'event.type': ['denied'],
    'source.ip': '200.90.149.178',
    'email.to.address': 'advertise@aplawrence.com',
    'email.from.address': 'bekytnabvnvyx@aapug.org',
  });
  expectLine(kerioFormat, '[18/Jan/2014 06:41:25] SMTP Spam attack detected from 202.169.236.195, client closed connection before SMTP greeting', {
    'event.action': 'smtp_spam_attack',
    'source.ip': '202.169.236.195',
  });
  expectLine(kerioFormat, '[29/May/2017 17:29:29] IP address 185.140.108.56 found in DNS blacklist SpamCop, mail from <noreply-tjgqNffcgPfpbZtpDzasm@oakspaversusa.com> to <info@verinion.com> rejected', {
    'event.action': 'dnsbl_reject',
    'event.reason': 'SpamCop',
    'source.ip': '185.140.108.56',
  });
  expectLine(kerioFormat, '[30/Dec/2013 05:27:59] Relay attempt from IP address 64.31.59.75, mail from <smtp2001soho@yahoo.com> to <reply-abuse@bol.com.br> rejected', {
    'event.action': 'relay_denied',
    'source.ip': '64.31.59.75',
  });
  expectLine(kerioFormat, "[17/May/2017 19:43:42] SMTP: User printer@verinion.com doesn't exist. Attempt from IP address 185.140.108.26.", {
    'event.action': 'unknown_recipient',
    'email.to.address': 'printer@verinion.com',
    'source.ip': '185.140.108.26',
  });
  expectLine(kerioFormat, '[17/May/2017 19:45:27] Administration login into Web Administration from 170.178.167.136 failed: IP address not allowed', {
    'event.category': ['authentication'],
    'event.outcome': 'failure',
    'event.action': 'admin_login',
    'event.reason': 'IP address not allowed',
  });
  expectLine(kerioFormat, '[18/May/2017 07:25:15] Failed SMTP login from 212.92.127.112 with SASL method CRAM-MD5.', {
    'event.action': 'smtp_login',
    'user.authentication.method': 'CRAM-MD5',
    'source.ip': '212.92.127.112',
  });
});

test('kerio: only its own messages are taken; other bracketed times pass by', () => {
  assert.equal(kerioFormat.parse('[17/May/2017 19:45:27] something else entirely', {}), false);
  expectNotSniffed(kerioFormat, '[2018-10-27 01:40:55] [girst] failed to login from 1.2.3.4');
  expectNotSniffed(kerioFormat, '[Sat Jun 01 02:17:42 2013] [error] [client 1.2.3.4] x');
});
