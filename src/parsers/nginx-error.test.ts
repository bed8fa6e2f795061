import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { getPath, type EcsEvent } from '../schema/event.js';
import { F } from '../schema/fields.js';
import { LineParser } from './line.js';
import { nginxErrorFormat, parseNginxErrorLine } from './nginx-error.js';

const parser = new LineParser(() => Date.UTC(2026, 5, 15, 12));
const parse = (message: string): EcsEvent => parser.parse({ message, receivedAt: 0 });
const get = getPath;

describe('nginx error log lines', () => {
  test('user not found: time, level, pid, connection, client, request, host', () => {
    const line = '2012/04/09 11:53:29 [error] 2865#0: *66647 user "xyz" was not found in "/var/www/.htpasswd", client: 192.0.43.10, server: www.myhost.com, request: "GET / HTTP/1.1", host: "www.myhost.com"';
    const e = parse(line);
    assert.equal(get(e, F.eventDataset), 'nginx.error');
    assert.equal(get(e, F.eventOriginal), line);
    assert.equal(e[F.timestamp], '2012-04-09T11:53:29.000Z');
    assert.equal(get(e, F.logLevel), 'error');
    assert.equal(get(e, F.processPid), 2865);
    assert.equal(get(e, 'nginx.error.connection_id'), 66647);
    assert.equal(get(e, F.sourceIp), '192.0.43.10');
    assert.equal(get(e, F.userName), 'xyz');
    assert.equal(get(e, F.eventAction), 'user_not_found');
    assert.deepEqual(get(e, F.eventCategory), ['authentication', 'web']);
    assert.equal(get(e, F.eventOutcome), 'failure');
    assert.equal(get(e, F.httpRequestMethod), 'GET');
    assert.equal(get(e, F.urlOriginal), '/');
    assert.equal(get(e, 'destination.domain'), 'www.myhost.com');
    assert.equal(get(e, F.message), 'user "xyz" was not found in "/var/www/.htpasswd"');
  });

  test('password mismatch with a referrer and an empty server; a name with a space', () => {
    const e = parse('2014/04/02 12:37:58 [error] 6563#0: *1861 user "scribendio": password mismatch, client: 10.0.2.2, server: scribend.io, request: "GET /admin HTTP/1.1", host: "scribend.io", referrer: "https://scribend.io/admin"');
    assert.equal(get(e, F.userName), 'scribendio');
    assert.equal(get(e, F.eventAction), 'password_mismatch');
    assert.equal(get(e, F.httpRequestReferrer), 'https://scribend.io/admin');
    const s = parse('2014/04/03 22:20:38 [error] 30708#0: *3 user "scriben dio": password mismatch, client: 192.0.2.1, server: , request: "GET / HTTP/1.1", host: "localhost:8443"');
    assert.equal(get(s, F.userName), 'scriben dio');
    assert.equal(get(s, F.sourceIp), '192.0.2.1');
  });

  test('a forged context inside the user name does not move the source', () => {
    const e = parse('2014/04/03 22:20:40 [error] 30708#0: *3 user "test": password mismatch, client: 127.0.0.1, server: test, request: "GET / HTTP/1.1", host: "localhost:8443"": was not found in "/etc/nginx/.htpasswd", client: 192.0.2.2, server: , request: "GET / HTTP/1.1", host: "localhost:8443"');
    assert.equal(get(e, F.sourceIp), '192.0.2.2');
    assert.equal(get(e, F.eventAction), 'user_not_found');
    const h = parse('2014/04/03 22:20:40 [error] 1#0: *3 user "a": password mismatch, client: 192.0.2.3, server: s, request: "GET / HTTP/1.1", host: "x, client: 6.6.6.6, server: y"');
    assert.equal(get(h, F.sourceIp), '192.0.2.3');
  });

  test('PAM, missing credentials, limit_req, TLS failures, upstream errors', () => {
    const p = parse("2025/09/07 21:20:40 [error] 23141#23141: *24470 PAM: user 'username' - not authenticated: Authentication failure, client: 192.0.2.120, server: webdav.sub.domain, request: \"GET / HTTP/2.0\", host: \"webdav.sub.domain\"");
    assert.equal(get(p, F.userName), 'username');
    assert.equal(get(p, F.eventOutcome), 'failure');
    assert.equal(get(p, F.httpVersion), '2.0');
    const n = parse('2024/01/02 03:04:05 [error] 10#10: *7 no user/password was provided for basic authentication, client: 192.0.2.8, server: example.org, request: "GET /private/ HTTP/1.1", host: "example.org"');
    assert.equal(get(n, F.eventAction), 'no_credentials');
    assert.deepEqual(get(n, F.eventCategory), ['authentication', 'web']);
    assert.equal(get(n, F.eventOutcome), undefined);
    const l = parse('2015/01/15 10:24:01 [error] 2207#0: *48 limiting requests, excess: 5.600 by zone "one", client: 192.0.2.9, server: example.org, request: "POST /login HTTP/1.1", host: "example.org"');
    assert.equal(get(l, F.eventAction), 'rate_limited');
    assert.deepEqual(get(l, F.eventType), ['access', 'denied']);
    assert.equal(get(l, F.sourceIp), '192.0.2.9');
    const t = parse('2020/11/25 14:42:16 [crit] 76952#76952: *2454307 SSL_do_handshake() failed (SSL: error:1408F0C6:SSL routines:ssl3_get_record:packet length too long) while SSL handshaking, client: 142.93.180.14, server: 0.0.0.0:443');
    assert.equal(get(t, F.sourceIp), '142.93.180.14');
    assert.equal(get(t, 'nginx.error.server'), '0.0.0.0:443');
    assert.equal(get(t, F.eventOutcome), 'failure');
    const u = parse('2020/11/25 16:02:45 [error] 76952#76952: *5645766 connect() failed (111: Connection refused) while connecting to upstream, client: 5.126.32.148, server: www.google.de, request: "GET /admin/config HTTP/2.0", upstream: "http://127.0.0.1:3000/admin/config", host: "www.google.de"');
    assert.equal(get(u, F.eventOutcome), undefined);
    assert.equal(get(u, 'nginx.error.upstream'), 'http://127.0.0.1:3000/admin/config');
    const f = parse('2024/01/02 03:04:05 [error] 10#10: *9 open() "/usr/share/nginx/html/wp-login.php" failed (2: No such file or directory), client: 192.0.2.4, server: _, request: "GET /wp-login.php HTTP/1.1", host: "example.org"');
    assert.deepEqual(get(f, F.tags), ['web_scan']);
  });

  test('journal form and non-lines', () => {
    const e = parse('host nginx[23141]: host nginx: 2025/09/07 21:20:40 [error] 23141#23141: *24470 PAM: user \'username\' - not authenticated: Authentication failure, client: 192.0.2.120, server: webdav.sub.domain, request: "GET / HTTP/2.0", host: "webdav.sub.domain"');
    // a `prog[pid]:` prefix with no time is read as a syslog header, so the nginx program route applies
    assert.equal(get(e, F.eventDataset), 'nginx');
    assert.equal(get(e, F.sourceIp), '192.0.2.120');
    const s = parse('<27>Sep  7 21:20:40 web nginx: 2025/09/07 21:20:40 [error] 1#1: *2 user "bob": password mismatch, client: 192.0.2.6, server: s');
    assert.equal(get(s, F.eventDataset), 'nginx');
    assert.equal(get(s, F.userName), 'bob');
    assert.equal(parseNginxErrorLine('2012/04/09 11:53:29 [error] x', {}), false);
  });
});

describe('hostile input', () => {
  const pre = '2012/04/09 11:53:29 [error] 2865#0: *66647 ';
  const lines = [
    pre + 'user "' + '" was not found in "'.repeat(3200),
    pre + 'user "' + '": password mismatch'.repeat(3200),
    pre + ', client: 1.2.3.4, server: x'.repeat(2300),
    pre + 'x, client: 1.2.3.4, server: x, request: "' + '", a: "'.repeat(9000),
    pre + "PAM: user '" + "' - not".repeat(9000),
    pre + 'open() "' + '" failed'.repeat(8000),
    'h nginx[1]: ' + 'h nginx: '.repeat(7000),
  ];
  test('64 KiB adversarial lines parse quickly and never throw', () => {
    for (const line of lines) {
      const start = performance.now();
      nginxErrorFormat.sniff(line);
      parseNginxErrorLine(line, {});
      const ev = parse(line);
      const ms = performance.now() - start;
      assert.ok(ms < 100, `${ms.toFixed(1)} ms for ${line.slice(40, 80)}`);
      assert.equal(get(ev, F.eventOriginal), line.slice(0, 65536));
    }
  });
});
