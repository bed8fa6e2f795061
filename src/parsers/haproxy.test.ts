import { test } from 'node:test';
import { haproxyParser } from './haproxy.js';
import { expectFields, expectNoMatch } from './testing/service-cases.js';

test('haproxy: HTTP log lines', () => {
  expectFields(haproxyParser, '192.0.2.1:54321 [09/Dec/2013:12:59:46.633] www backend/srv1 0/0/0/1/1 401 234 - - ---- 1/1/0/0/0 0/0 "GET /admin HTTP/1.1"', {
    'event.outcome': 'failure',
    'event.type': ['access', 'denied'],
    'event.category': ['web', 'authentication'],
    'source.ip': '192.0.2.1',
    'source.port': 54321,
    'http.response.status_code': 401,
    'http.request.method': 'GET',
    'url.original': '/admin',
  });
  expectFields(haproxyParser, '192.0.2.2:40000 [06/Feb/2009:12:14:14.655] http-in static/srv1 10/0/30/69/109 200 2750 - - ---- 1/1/1/1/0 0/0 {1wt.eu} {} "GET /index.html HTTP/1.1"', {
    'event.outcome': 'success',
    'http.response.status_code': 200,
  });
  expectNoMatch(haproxyParser, '192.0.2.2:40000 [06/Feb/2009:12:12:51.443] fnt bck/srv1 0/0/5007 212 -- 0/0/0/0/3 0/0');
  expectNoMatch(haproxyParser, 'Proxy http-in started.');
});
