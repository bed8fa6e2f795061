import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { EcsEvent } from '../schema/event.js';
import type { MessageParser } from './message-parser.js';
import { asteriskParser } from './asterisk.js';
import { courierParser } from './courier.js';
import { cyrusParser } from './cyrus.js';
import { danteParser } from './dante.js';
import { dominoParser } from './domino.js';
import { dovecotParser } from './dovecot.js';
import { eximParser } from './exim.js';
import { freeswitchParser } from './freeswitch.js';
import { haproxyParser } from './haproxy.js';
import { monitParser } from './monit.js';
import { murmurParser } from './murmur.js';
import { mysqlParser } from './mysql.js';
import { namedParser } from './named.js';
import { nsdParser } from './nsd.js';
import { openvpnParser } from './openvpn.js';
import { perditionParser } from './perdition.js';
import { postfixParser } from './postfix.js';
import { postgresqlParser } from './postgresql.js';
import { proftpdParser } from './proftpd.js';
import { pureFtpdParser } from './pure-ftpd.js';
import { qmailParser } from './qmail.js';
import { sendmailParser } from './sendmail.js';
import { solidPop3dParser } from './solid-pop3d.js';
import { uwimapParser } from './uwimap.js';
import { vsftpdParser } from './vsftpd.js';
import { xinetdParser } from './xinetd.js';

/** Each parser with a line it recognises: hostile inputs are built from the pieces of that line. */
const CASES: readonly [MessageParser, string][] = [
  [asteriskParser, `NOTICE[1]: chan_sip.c:1 in handle_request_register: Registration from '"1" <sip:1@h>' failed for '192.0.2.1:5060' - Wrong password`],
  [courierParser, 'LOGIN FAILED, method=PLAIN, user=bob, ip=[::ffff:192.0.2.1]'],
  [cyrusParser, 'badlogin: host.example.net [192.0.2.7] plaintext bob SASL(-13): authentication failure: checkpass failed'],
  [danteParser, 'info: block(1): tcp/accept ]: 1.2.3.4.57178 0.0.0.0.1080: error after reading 18 bytes in 0 seconds: system password authentication failed for user "aland"'],
  [dominoParser, '  smtp: user with space in name [192.0.2.4] authentication failure using internet password'],
  [dominoParser, '  SMTP Server [0D14:0027-1334] Authentication failed for user Bad Hacker ; connecting host [192.0.2.1]'],
  [dovecotParser, 'imap-login: Disconnected (auth failed, 1 attempts in 2 secs): user=<admin>, method=PLAIN, rip=192.0.2.10, lip=198.51.100.5, TLS'],
  [dovecotParser, 'auth-worker(4021): sql(alice,192.0.2.13,<Ubd2NYbZqtLAqAEK>): Password mismatch'],
  [eximParser, '2013-01-04 17:03:46 dovecot_login authenticator failed for (User) [192.0.2.1]:51234: 535 Incorrect authentication data (set_id=user@example.com)'],
  [eximParser, '2014-01-01 10:00:00 H=(example.com) [192.0.2.5]:4000 F=<a@example.com> rejected RCPT <b@example.org>: relay not permitted'],
  [freeswitchParser, "[WARNING] sofia_reg.c:1720 SIP auth failure (INVITE) on sofia profile 'p' for [98@::1] from ip 192.0.2.2"],
  [haproxyParser, '192.0.2.1:54321 [09/Dec/2013:12:59:46.633] www backend/srv1 0/0/0/1/1 401 234 - - ---- 1/1/0/0/0 0/0 "GET /admin HTTP/1.1"'],
  [monitParser, "HttpRequest: access denied -- client 1.2.3.4: wrong password for user 'test2'"],
  [mysqlParser, "2019-09-06  1:45:18 140581192722176 [Warning] Access denied for user 'global'@'192.0.2.2' (using password: YES)"],
  [murmurParser, '<W>2015-11-29 16:38:01.818 1 => <4:testUsernameOne(-1)> Rejected connection from 192.168.0.1:29530: Invalid server password'],
  [nsdParser, 'info: ratelimit block example.com. type any target 192.0.2.0/24 query 192.0.2.105 TYPE255'],
  [nsdParser, 'info: axfr for zone domain.nl. from client 192.0.2.115 refused, no acl matches.'],
  [namedParser, "client @0x7f7c95c76968 192.0.2.3#60683 (example.com): view v: query (cache) 'example.com/A/IN' denied"],
  [openvpnParser, "bob/[AF_INET]192.0.2.2:1194 TLS Auth Error: username 'bob' has invalid characters"],
  [perditionParser, 'Auth: 192.168.8.100:2274->193.48.191.9:993 client-secure=ssl authentication_id="carles" status="failed: x"'],
  [postfixParser, 'warning: mail.example.com[198.51.100.7]:52514: SASL PLAIN authentication failed: authentication failure, sasl_username=bob@example.com'],
  [postfixParser, 'NOQUEUE: reject: RCPT from unknown[192.0.2.1]: 554 5.7.1 <x@example.org>: Relay access denied; from=<a@b> to=<x@example.org> proto=ESMTP'],
  [postgresqlParser, '2024-01-05 10:00:01.123 UTC [3077] user=a,db=b,host=192.0.2.9 192.0.2.1(54321) FATAL:  password authentication failed for user "postgres"'],
  [proftpdParser, 'ftp.example.com (client.example.net[192.0.2.1]) - USER bob (Login failed): Incorrect password'],
  [pureFtpdParser, '(?@192.0.2.1) [WARNING] Authentication failed for user [admin]'],
  [qmailParser, '1157520813.485077 rblsmtpd: 198.51.100.77 pid 19597 sbl-xbl.spamhaus.org: 451 http://x'],
  [sendmailParser, 'w8RBBi8d004567: AUTH failure (LOGIN): authentication failure (-13) SASL(-13): authentication failure: checkpass failed, user=test, relay=host [192.0.2.1]'],
  [solidPop3dParser, "can't find APOP secret for user adrian - 123.33.44.45"],
  [uwimapParser, 'Failed uwmaster override of user=pro1  host=r22.j.de [127.0.55.22] '],
  [vsftpdParser, 'Sun Sep 14 10:13:18 2008 [pid 12345] [anonymous] FAIL LOGIN: Client "::ffff:192.0.2.2"'],
  [xinetdParser, 'FAIL: telnet address from=198.51.100.169'],
];

const SIZE = 64 * 1024;

function fill(piece: string, head = '', tail = ''): string {
  const body = piece.length === 0 ? 'x' : piece;
  return (head + body.repeat(Math.ceil(SIZE / body.length))).slice(0, SIZE - tail.length) + tail;
}

/** Long lines that repeat the parts a regex could backtrack over: whole-line prefixes, words, separators. */
function hostile(sample: string): string[] {
  const out = new Set<string>();
  const words = sample.split(/(?=[\s[\]()<>'"@:,;=#/.-])/);
  for (let i = 1; i < words.length; i++) {
    const head = words.slice(0, i).join('');
    out.add(fill(words[i] as string, head));
    out.add(fill(`${words[i] as string} `, head));
    out.add(fill(head));
  }
  for (const ch of [' ', 'a', '1', '1.', ':', '[', ']', '(', "'", '"', '<', '@', '=', ',', '#', '/', '-', '\\', '\n', 'A ']) {
    out.add(fill(ch));
    out.add(fill(ch, sample.slice(0, sample.length >> 1)));
    out.add(fill(ch, sample.slice(0, sample.length >> 1), sample.slice(sample.length >> 1)));
  }
  return [...out];
}

for (const [parser, sample] of CASES) {
  test(`${parser.name}: 64 KiB hostile lines are handled in linear time and never throw`, (t) => {
    const sampleEvent: EcsEvent = {};
    assert.equal(parser.parse(sample, sampleEvent), true, 'the sample line must be recognised');
    const lines = hostile(sample);
    let worst = 0;
    let worstLine = '';
    for (const line of lines) {
      const start = performance.now();
      const e: EcsEvent = {};
      parser.parse(line, e);
      const ms = performance.now() - start;
      if (ms > worst) {
        worst = ms;
        worstLine = line.slice(0, 80);
      }
    }
    t.diagnostic(`${lines.length} lines, slowest ${worst.toFixed(1)} ms`);
    assert.ok(worst < 50, `${parser.name}: ${worst.toFixed(1)} ms on ${JSON.stringify(worstLine)}…`);
  });
}
