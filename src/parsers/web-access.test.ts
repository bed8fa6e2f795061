import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { getPath, type EcsEvent } from '../schema/event.js';
import { F } from '../schema/fields.js';
import { LineParser } from './line.js';
import { isInclusionQuery, isProbePath, parseAccessLine, parseClfTime, webAccessFormat } from './web-access.js';

const parser = new LineParser(() => Date.UTC(2026, 5, 15, 12));

function parse(message: string, format?: string): EcsEvent {
  return parser.parse({ message, receivedAt: 0, ...(format !== undefined ? { format } : {}) });
}

const get = getPath;

describe('web access lines', () => {
  test('combined format (Apache documentation example)', () => {
    const line = '127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif?a=1&b=2 HTTP/1.0" 200 2326 "http://www.example.com/start.html" "Mozilla/4.08 [en] (Win98; I ;Nav)"';
    const e = parse(line);
    assert.equal(get(e, F.eventDataset), 'web.access');
    assert.equal(get(e, F.eventOriginal), line);
    assert.equal(get(e, F.sourceIp), '127.0.0.1');
    assert.equal(get(e, F.userName), 'frank');
    assert.equal(e[F.timestamp], '2000-10-10T20:55:36.000Z');
    assert.equal(get(e, F.httpRequestMethod), 'GET');
    assert.equal(get(e, F.urlOriginal), '/apache_pb.gif?a=1&b=2');
    assert.equal(get(e, F.urlPath), '/apache_pb.gif');
    assert.equal(get(e, F.urlQuery), 'a=1&b=2');
    assert.equal(get(e, F.httpVersion), '1.0');
    assert.equal(get(e, F.httpResponseStatusCode), 200);
    assert.equal(get(e, F.httpResponseBodyBytes), 2326);
    assert.equal(get(e, F.httpRequestReferrer), 'http://www.example.com/start.html');
    assert.equal(get(e, F.userAgentOriginal), 'Mozilla/4.08 [en] (Win98; I ;Nav)');
    assert.deepEqual(get(e, F.eventCategory), ['web']);
    assert.equal(get(e, F.eventOutcome), 'success');
  });

  test('common format, a host name as client, bytes "-"', () => {
    const e = parse('client.example.net - - [05/Mar/2007:14:39:21 +0100] "HEAD / HTTP/1.1" 304 -');
    assert.equal(get(e, F.sourceDomain), 'client.example.net');
    assert.equal(get(e, F.sourceIp), undefined);
    assert.equal(get(e, F.userName), undefined);
    assert.equal(get(e, F.httpResponseBodyBytes), undefined);
    assert.equal(get(e, F.userAgentOriginal), undefined);
    assert.equal(e[F.timestamp], '2007-03-05T13:39:21.000Z');
    assert.equal(get(e, F.eventOutcome), 'success');
  });

  test('401 is an authentication failure, 403 a denied access, 404 and 500 have no outcome', () => {
    const a = parse('192.0.2.7 - admin [18/Aug/2024:21:08:39 +0000] "GET /admin HTTP/1.1" 401 381 "-" "curl/8.5.0"');
    assert.deepEqual(get(a, F.eventCategory), ['web', 'authentication']);
    assert.equal(get(a, F.eventOutcome), 'failure');
    assert.equal(get(a, F.userName), 'admin');
    const d = parse('192.0.2.7 - - [18/Aug/2024:21:08:39 +0000] "GET /private HTTP/1.1" 403 381 "-" "curl/8.5.0"');
    assert.equal(get(d, F.eventOutcome), 'failure');
    assert.deepEqual(get(d, F.eventType), ['access', 'denied']);
    for (const status of [404, 500]) {
      const n = parse(`192.0.2.7 - - [18/Aug/2024:21:08:39 +0000] "GET /x HTTP/1.1" ${status} 1 "-" "curl/8.5.0"`);
      assert.equal(get(n, F.eventOutcome), undefined);
    }
  });

  test('virtual host before the client (fail2ban gh-1594) and after the time', () => {
    const e = parse('www.sitename.com 192.0.2.222 - - [18/Aug/2024:21:08:39 +0100] "GET /filename.jpg HTTP/1.1" 403 332 "-" "TrackBack/1.02"');
    assert.equal(get(e, F.sourceIp), '192.0.2.222');
    assert.equal(get(e, 'destination.domain'), 'www.sitename.com');
    const g = parse('66.249.66.1 - - - [31/Jan/2015:14:29:44 ] fail2ban.org "GET / HTTP/1.1" 200 814 "-" "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)" + 293 1149 546');
    assert.equal(get(g, F.sourceIp), '66.249.66.1');
    assert.equal(get(g, 'destination.domain'), 'fail2ban.org');
    assert.equal(g[F.timestamp], '2015-01-31T14:29:44.000Z');
  });

  test('escaped quotes in the request and user agent; IPv6 client', () => {
    const e = parse('2001:db8::1 - - [10/Oct/2000:13:55:36 +0000] "GET /a\\"b HTTP/1.1" 200 1 "-" "x \\"y\\""');
    assert.equal(get(e, F.sourceIp), '2001:db8::1');
    assert.equal(get(e, F.urlOriginal), '/a"b');
    assert.equal(get(e, F.userAgentOriginal), 'x "y"');
  });

  test('a request that is not a request line is kept in http.request.original', () => {
    const e = parse('192.0.2.9 - - [10/Oct/2000:13:55:36 +0000] "\\x16\\x03\\x01" 400 157 "-" "-"');
    assert.equal(get(e, F.httpRequestMethod), undefined);
    assert.equal(get(e, 'http.request.original'), '\\x16\\x03\\x01');
    assert.equal(get(e, F.httpResponseStatusCode), 400);
  });

  test('indicators: bad bot, probe path 404, remote file inclusion', () => {
    const bot = parse('1.2.3.4 - - [05/Mar/2007:14:39:21 +0100] "POST /123.html/trackback/ HTTP/1.0" 301 459 "http://www.mydomain.tld/123.html/trackback" "TrackBack/1.02"');
    assert.deepEqual(get(bot, F.eventType), ['access', 'indicator']);
    assert.deepEqual(get(bot, F.tags), ['bad_bot']);
    const scan = parse('192.0.2.5 - - [05/Mar/2007:14:39:21 +0100] "GET /phpMyAdmin/index.php HTTP/1.1" 404 100 "-" "Mozilla/5.0"');
    assert.deepEqual(get(scan, F.tags), ['web_scan']);
    const ok = parse('192.0.2.5 - - [05/Mar/2007:14:39:21 +0100] "GET /phpMyAdmin/index.php HTTP/1.1" 200 100 "-" "Mozilla/5.0"');
    assert.equal(get(ok, F.tags), undefined);
    const rfi = parse('66.185.212.172 - - [26/Mar/2009:08:44:20 -0500] "GET /index.php?n=http://eatmyfood.hostinginfive.com/pizza.htm? HTTP/1.1" 200 114 "-" "Mozilla/4.0"');
    assert.deepEqual(get(rfi, F.tags), ['remote_file_inclusion']);
    assert.equal(isInclusionQuery('page=about&x=1'), false);
    assert.equal(isInclusionQuery('u=HTTP%3A%2F%2Fevil'), true);
    assert.equal(isProbePath('/var/www/forum/index.php'), false);
  });

  test('explicit formats set their dataset; sniffing rejects other lines', () => {
    const line = '192.0.2.1 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.1" 200 1';
    assert.equal(get(parse(line, 'nginx-access'), F.eventDataset), 'nginx.access');
    assert.equal(get(parse(line, 'apache-access'), F.eventDataset), 'apache.access');
    assert.equal(webAccessFormat.sniff('2012/04/09 11:53:29 [error] 2865#0: x'), false);
    assert.equal(parseAccessLine('a b c [not a time] "GET / HTTP/1.1" 200 1', {}), false);
    assert.equal(parseClfTime('10/Foo/2000:13:55:36 -0700'), undefined);
  });

  test('Jetty request log (openHAB): two-space padding and a localized month (fail2ban openhab sample lines)', () => {
    const e = parse('175.18.15.10 -  -  [02/sept./2015:00:11:31 +0200] "GET /openhab.app HTTP/1.1" 401 1382 ');
    assert.equal(get(e, F.eventDataset), 'web.access');
    assert.equal(get(e, F.sourceIp), '175.18.15.10');
    assert.equal(get(e, F.eventOutcome), 'failure');
    assert.equal(get(e, F.urlPath), '/openhab.app');
    assert.equal(e[F.timestamp], '2015-09-01T22:11:31.000Z');
    const ok = parse('175.18.15.11 -  -  [17/oct./2015:00:35:12 +0200] "GET /rest/sitemaps/default/maison HTTP/1.1" 200 2837 ');
    assert.equal(get(ok, F.eventOutcome), 'success');
    assert.equal(ok[F.timestamp], '2015-10-16T22:35:12.000Z');
    assert.equal(parseClfTime('01/févr./2015:00:00:00 +0000'), '2015-02-01T00:00:00.000Z');
    assert.equal(parseClfTime('01/Okt/2015:00:00:00 +0000'), '2015-10-01T00:00:00.000Z');
    assert.equal(parseClfTime('24/Mar/2013:08:58:32 GMT'), '2013-03-24T08:58:32.000Z');
    assert.equal(parseClfTime('01/toString/2015:00:00:00 +0000'), undefined);
    assert.equal(parseClfTime('01/proto/2015:00:00:00 +0000'), undefined);
  });

  test('after a syslog header: routed by program name (also httpd/vhost tags)', () => {
    const e = parse('<190>Oct 10 13:55:36 web1 nginx: 192.0.2.1 - bob [10/Oct/2000:13:55:36 -0700] "GET /x HTTP/1.1" 401 12 "-" "curl/8"');
    assert.equal(get(e, F.eventDataset), 'nginx');
    assert.equal(get(e, F.sourceIp), '192.0.2.1');
    assert.equal(get(e, F.eventOutcome), 'failure');
    const a = parse('Feb 15 16:23:40 srv httpd/backend1[22034]: [authz_core:error] [pid 22036] [client 192.0.2.2:59392] AH01630: client denied by server configuration: /home/backend1/');
    assert.equal(get(a, F.eventDataset), 'apache');
    assert.equal(get(a, F.sourceIp), '192.0.2.2');
    assert.equal(get(a, F.eventOutcome), 'failure');
    const other = parse('Feb 15 16:23:40 srv cron[1]: [error] [client 192.0.2.2] user x not found: /');
    assert.equal(get(other, F.eventOutcome), undefined);
  });
});

describe('hostile input', () => {
  const parts = ['"', '\\', ' ', '[', ']', '-', '1', 'a', '/', ':', '?', '='];
  const lines = [
    '1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "' + 'GET /'.repeat(13000) + '" 200 1',
    '1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET /?' + 'a=http://&'.repeat(6500) + ' HTTP/1.1" 404 1 "-" "' + '\\"'.repeat(100) + '"',
    'a '.repeat(32768),
    '1.2.3.4 - - [' + '['.repeat(65000),
    '1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "' + '\\"'.repeat(32000) + ' 200 1',
    Array.from({ length: 65536 }, (_, i) => parts[(i * 7919) % parts.length]).join(''),
  ];
  test('64 KiB adversarial lines parse quickly and never throw', () => {
    for (const line of lines) {
      const start = performance.now();
      const e: EcsEvent = {};
      webAccessFormat.sniff(line);
      parseAccessLine(line, e);
      const ev = parse(line);
      const ms = performance.now() - start;
      assert.ok(ms < 100, `${ms.toFixed(1)} ms for a line starting ${line.slice(0, 40)}`);
      assert.equal(get(ev, F.eventOriginal), line.slice(0, 65536));
    }
  });
});
