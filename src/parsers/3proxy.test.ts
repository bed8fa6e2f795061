import { test } from 'node:test';
import { threeProxyFormat } from './3proxy.js';
import { sniffDominoConsole } from './domino.js';
import { expectLine, expectNotSniffed } from './testing/line-cases.js';
import assert from 'node:assert/strict';

test('3proxy: refused requests (fail2ban 3proxy sample lines)', () => {
  expectLine(threeProxyFormat, '11-06-2013 02:09:40 +0300 PROXY.3128 00004 - 1.2.3.4:28783 0.0.0.0:0 0 0 0 GET http://www.yandex.ua/?ncrnd=2169807731 HTTP/1.1', {
    '@timestamp': '2013-06-10T23:09:40.000Z',
    'event.type': ['denied'],
    'event.outcome': 'failure',
    'error.code': '00004',
    'source.ip': '1.2.3.4',
    'source.port': 28783,
    'destination.port': 3128,
    'user.name': undefined,
    'http.request.method': 'GET',
    'url.original': 'http://www.yandex.ua/?ncrnd=2169807731',
  });
  expectLine(threeProxyFormat, '11-06-2013 02:09:43 +0300 PROXY.3128 00005 ewr 1.2.3.4:28788 0.0.0.0:0 0 0 0 GET http://www.yandex.ua/?ncrnd=2169807731 HTTP/1.1', {
    'event.type': ['denied'],
    'user.name': 'ewr',
  });
  expectLine(threeProxyFormat, '13-06-2013 01:39:34 +0300 PROXY.3128 00508 - 1.2.3.4:28938 0.0.0.0:0 0 0 0 ', { 'event.type': ['denied'] });
});

test('3proxy: a served request is a success; the Domino console time is not taken', () => {
  expectLine(threeProxyFormat, '11-06-2013 02:09:40 +0300 PROXY.3128 00000 alice 192.0.2.1:28783 198.51.100.7:80 512 20480 0 GET http://example.com/ HTTP/1.1', {
    'event.outcome': 'success',
    'event.type': ['connection'],
    'network.bytes': 20992,
  });
  const domino = '03-07-2005 23:07:20   SMTP Server: Authentication failed for user postmaster ; connecting host 1.2.3.4';
  expectNotSniffed(threeProxyFormat, domino);
  assert.equal(sniffDominoConsole(domino), true);
  assert.equal(sniffDominoConsole('11-06-2013 02:09:40 +0300 PROXY.3128 00004 - 1.2.3.4:28783 0.0.0.0:0 0 0 0 '), false);
});
