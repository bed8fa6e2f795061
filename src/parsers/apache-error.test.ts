import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { getPath, type EcsEvent } from '../schema/event.js';
import { F } from '../schema/fields.js';
import { apacheErrorFormat, parseApacheErrorBody, parseApacheErrorLine } from './apache-error.js';
import { LineParser } from './line.js';

const parser = new LineParser(() => Date.UTC(2026, 5, 15, 12));
const parse = (message: string): EcsEvent => parser.parse({ message, receivedAt: 0 });
const get = getPath;

describe('Apache error log lines', () => {
  test('2.4: module, level, pid/tid, client with port, AH code, user not found', () => {
    const line = '[Sat Jul 20 21:40:33.803528 2013] [auth_basic:error] [pid 17540:tid 140123095914240] [client 127.0.0.1:51395] AH01618: user wrongusername not found: /basic/file';
    const e = parse(line);
    assert.equal(get(e, F.eventDataset), 'apache.error');
    assert.equal(get(e, F.eventOriginal), line);
    assert.equal(e[F.timestamp], '2013-07-20T21:40:33.803Z');
    assert.equal(get(e, 'apache.error.module'), 'auth_basic');
    assert.equal(get(e, F.logLevel), 'error');
    assert.equal(get(e, F.processPid), 17540);
    assert.equal(get(e, F.sourceIp), '127.0.0.1');
    assert.equal(get(e, F.sourcePort), 51395);
    assert.equal(get(e, 'error.code'), 'AH01618');
    assert.equal(get(e, F.message), 'user wrongusername not found: /basic/file');
    assert.equal(get(e, F.errorMessage), 'user wrongusername not found: /basic/file');
    assert.equal(get(e, F.userName), 'wrongusername');
    assert.equal(get(e, F.eventAction), 'user_not_found');
    assert.deepEqual(get(e, F.eventCategory), ['authentication', 'web']);
    assert.equal(get(e, F.eventOutcome), 'failure');
  });

  test('2.2: password mismatch, referer stripped from the message', () => {
    const e = parse('[Wed Jul 17 22:18:52 2013] [error] [client 127.0.0.1] user username: authentication failure for "/basic/file": Password Mismatch');
    assert.equal(e[F.timestamp], '2013-07-17T22:18:52.000Z');
    assert.equal(get(e, F.userName), 'username');
    assert.equal(get(e, F.eventAction), 'password_mismatch');
    assert.equal(get(e, F.sourcePort), undefined);
    const r = parse('[Mon Nov 18 22:39:33 2013] [error] [client 91.49.82.139] user gg not found: /, referer: http://sj.hopto.org/management.html');
    assert.equal(get(r, F.httpRequestReferrer), 'http://sj.hopto.org/management.html');
    assert.equal(get(r, F.message), 'user gg not found: /');
    assert.equal(get(r, F.userName), 'gg');
  });

  test('IPv6 clients with and without brackets; [remote …]', () => {
    const a = parse('[Thu Jul 11 01:21:44 2013] [error] [client 2001:db8::80da:af6b:8b2c] user test-ipv6 not found: /');
    assert.equal(get(a, F.sourceIp), '2001:db8::80da:af6b:8b2c');
    assert.equal(get(a, F.sourcePort), undefined);
    const b = parse('[Sat Jul 20 22:11:44.147674 2013] [authz_owner:error] [pid 17540:tid 140122922129152] [client [2001:db8::80da:af6b:8b2c]:51548] AH01637: Authorization of user test-ipv6 to access /x failed, reason: file owner dan does not match');
    assert.equal(get(b, F.sourceIp), '2001:db8::80da:af6b:8b2c');
    assert.equal(get(b, F.sourcePort), 51548);
    assert.equal(get(b, F.userName), 'test-ipv6');
    assert.deepEqual(get(b, F.eventType), ['access', 'denied']);
    const c = parse('[Mon Nov 06 13:39:56.637868 2023] [auth_basic:error] [pid 3175001:tid 140494544914112] [remote 192.0.2.111:35924] AH01618: user whatever not found: /admin');
    assert.equal(get(c, F.sourceIp), '192.0.2.111');
  });

  test('digest failures; a stale nonce is not a failure', () => {
    const d = parse("[Thu Jul 18 00:08:39 2013] [error] [client 127.0.0.1] Digest: user `username' in realm `digest private area' not found: /digest_wrongrelm/cant_get_me.html");
    assert.equal(get(d, F.userName), 'username');
    assert.equal(get(d, F.eventOutcome), 'failure');
    const n = parse('[Sun Jul 28 21:16:37 2013] [error] [client 127.0.0.1] Digest: invalid nonce l19lgpDiBAZZZf1ec3d9613f3b3ef43660e3628d78455fd8b937 received - hash is not 6fda8bbcbcf85ff1ebfe7d1c43faba583bc53a02');
    assert.equal(get(n, F.eventOutcome), undefined);
    assert.equal(get(n, F.sourceIp), '127.0.0.1');
  });

  test('denied clients, missing files and scripts; probe paths are tagged', () => {
    const d = parse('[Sun Sep 14 21:44:43.008606 2014] [authz_core:error] [pid 10691] [client 192.3.9.178:44271] AH01630: client denied by server configuration: /var/www/html/noentry/cant_get_me.html');
    assert.deepEqual(get(d, F.eventType), ['access', 'denied']);
    assert.equal(get(d, F.filePath), '/var/www/html/noentry/cant_get_me.html');
    const f = parse('[Mon Dec 23 09:49:10 2013] [error] [client 115.249.248.145] File does not exist: /var/www/phpmyadmin');
    assert.equal(get(f, F.eventAction), 'file_not_found');
    assert.deepEqual(get(f, F.tags), ['web_scan']);
    assert.deepEqual(get(f, F.eventType), ['access', 'error', 'indicator']);
    const s = parse("[Mon Dec 23 07:49:01.981912 2013] [:error] [pid 3790] [client 204.232.202.107:46301] script '/var/www/timthumb.php' not found or unable to stat");
    assert.equal(get(s, F.filePath), '/var/www/timthumb.php');
    assert.equal(get(s, F.eventOutcome), 'failure');
    assert.equal(get(s, F.tags), undefined);
    const i = parse('[Thu Jun 27 11:55:44.569531 2013] [core:info] [pid 4101:tid 2992634688] [client 192.0.2.12:46652] AH00128: File does not exist: /xxx/~');
    assert.equal(get(i, F.logLevel), 'info');
    assert.equal(get(i, F.errorMessage), undefined);
  });

  test('other errors are parsed without an outcome', () => {
    const e = parse('[Tue Mar 16 20:16:50.556868 2021] [mpm_event:notice] [pid 1:tid 2] AH00489: Apache/2.4.46 (Unix) configured -- resuming normal operations');
    assert.equal(get(e, F.eventDataset), 'apache.error');
    assert.equal(get(e, F.eventOutcome), undefined);
    assert.equal(get(e, F.sourceIp), undefined);
    assert.equal(get(e, F.message), 'Apache/2.4.46 (Unix) configured -- resuming normal operations');
  });

  test('the body alone (ErrorLog syslog) and non-lines', () => {
    const e: EcsEvent = {};
    assert.equal(parseApacheErrorBody('[error] [client 127.0.0.1] user wrongusername not found: /basic/file', e), true);
    assert.equal(get(e, F.userName), 'wrongusername');
    assert.equal(parseApacheErrorLine('[not a time] [error] x', {}), false);
    assert.equal(apacheErrorFormat.sniff('192.0.2.1 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.1" 200 1'), false);
  });
});

describe('hostile input', () => {
  const pre = '[Tue Mar 16 20:16:50.556868 2021] [auth_basic:error] [pid 1] [client 192.0.2.1:5] ';
  const lines = [
    pre + 'user ' + ' not found'.repeat(6500),
    pre + "Digest: user `" + ' in realm '.repeat(6500),
    pre + 'Authorization of user x to access ' + ' failed'.repeat(9000) + 'x',
    pre + 'stderr from ' + ': script'.repeat(8000),
    pre + "script '" + "'".repeat(65000),
    '[Tue Mar 16 20:16:50 2021] ' + '['.repeat(65000),
    pre + 'File does not exist: /x' + ', referer: '.repeat(5900),
    '[' + 'Tue Mar 16 '.repeat(5900),
  ];
  test('64 KiB adversarial lines parse quickly and never throw', () => {
    for (const line of lines) {
      const start = performance.now();
      apacheErrorFormat.sniff(line);
      parseApacheErrorLine(line, {});
      const ev = parse(line);
      const ms = performance.now() - start;
      assert.ok(ms < 100, `${ms.toFixed(1)} ms for ${line.slice(80, 120)}`);
      assert.equal(get(ev, F.eventOriginal), line.slice(0, 65536));
    }
  });
});
