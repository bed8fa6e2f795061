import { test } from 'node:test';
import { monitorixFormat } from './monitorix.js';
import { openWebmailFormat } from './openwebmail.js';
import { expectLine, expectNotLine } from './testing/format-cases.js';

test('monitorix: refused, unauthenticated and missing-file requests are failures, served ones are not (fail2ban monitorix sample lines)', () => {
  expectLine(monitorixFormat, 'Wed Apr 14 08:54:22 2021 - NOTEXIST - [127.0.0.1] File does not exist: /manager/html', {
    'event.outcome': 'failure',
    'event.action': 'file_not_found',
    'http.response.status_code': 404,
    'source.ip': '127.0.0.1',
    'url.path': '/manager/html',
    '@timestamp': '2021-04-14T08:54:22.000Z',
  });
  expectLine(monitorixFormat, 'Wed Apr 14 11:24:31 2021 - NOTALLOWED - [127.0.0.1] Access not allowed: /monitorix/', {
    'event.type': ['access', 'denied'],
    'event.action': 'access_not_allowed',
  });
  expectLine(monitorixFormat, 'Wed Apr 14 11:26:08 2021 - AUTHERR - [127.0.0.1] Authentication error: /monitorix/', {
    'event.category': ['web', 'authentication'],
    'event.outcome': 'failure',
  });
  expectLine(
    monitorixFormat,
    'Wed Apr 14 08:11:01 2021 - OK - [127.0.0.1] "GET /monitorix-cgi/monitorix.cgi - Mozilla/5.0 (X11; Fedora; Linux x86_64; rv:87.0) Gecko/20100101 Firefox/87.0"',
    { 'event.outcome': 'success', 'http.request.method': 'GET', 'url.path': '/monitorix-cgi/monitorix.cgi', 'user_agent.original': 'Mozilla/5.0 (X11; Fedora; Linux x86_64; rv:87.0) Gecko/20100101 Firefox/87.0' },
  );
  // Open WebMail shares the ctime layout; each format keeps to its own lines
  expectNotLine(monitorixFormat, 'Sat Dec 28 19:03:53 2013 - [72926] (178.123.108.196) gsdfg - login error - no such user - loginname=gsdfg');
  expectNotLine(openWebmailFormat, 'Wed Apr 14 11:26:08 2021 - AUTHERR - [127.0.0.1] Authentication error: /monitorix/');
});
