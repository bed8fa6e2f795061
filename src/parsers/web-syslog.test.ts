import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { getPath, type EcsEvent } from '../schema/event.js';
import { F } from '../schema/fields.js';
import { LineParser } from './line.js';
import { apacheSyslogParser, nginxSyslogParser } from './web-syslog.js';

const parser = new LineParser(() => Date.UTC(2026, 5, 15, 12));
const parse = (message: string): EcsEvent => parser.parse({ message, receivedAt: 0 });
const get = getPath;

describe('web servers logging to syslog', () => {
  test('Apache ErrorLog syslog, 2.4 and 2.2 bodies', () => {
    const a = parse('Feb 15 16:54:53 tools apache2[18154]: [:error] [pid 18154:tid 140680873617152] [client 192.0.2.3:48154] AH01630: client denied by server configuration: /var/www');
    assert.equal(get(a, F.eventDataset), 'apache');
    assert.equal(get(a, F.sourceIp), '192.0.2.3');
    assert.equal(get(a, F.sourcePort), 48154);
    assert.equal(get(a, F.eventOutcome), 'failure');
    assert.equal(get(a, F.hostHostname), 'tools');
    const b = parse('Feb 16 22:32:48 srv httpd[22034]: [error] [client 127.0.0.1] user wrongusername not found: /basic/file');
    assert.equal(get(b, F.userName), 'wrongusername');
    assert.equal(get(b, F.eventAction), 'user_not_found');
  });

  test('access lines and nginx error lines', () => {
    const a = parse('Oct 10 13:55:36 web1 httpd: 192.0.2.1 - - [10/Oct/2000:13:55:36 -0700] "GET /index.php?page=ftp://198.51.100.1/x HTTP/1.1" 200 12 "-" "curl/8"');
    assert.equal(get(a, F.eventDataset), 'apache');
    assert.deepEqual(get(a, F.tags), ['remote_file_inclusion']);
    const n = parse('Oct 10 13:55:36 web1 nginx: 2025/09/07 21:20:40 [error] 1#1: *2 user "bob" was not found in "/etc/nginx/htpasswd", client: 192.0.2.6, server: s');
    assert.equal(get(n, F.eventDataset), 'nginx');
    assert.equal(get(n, F.sourceIp), '192.0.2.6');
    assert.equal(get(n, F.eventOutcome), 'failure');
  });

  test('messages of other programs and unknown messages are not taken', () => {
    const e: EcsEvent = { process: { name: 'postfix/smtpd' } };
    assert.equal(apacheSyslogParser.parse('[error] [client 127.0.0.1] user x not found: /', e), false);
    assert.equal(nginxSyslogParser.parse('192.0.2.1 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.1" 200 1', e), false);
    const u = parse('Oct 10 13:55:36 web1 nginx: signal process started');
    assert.equal(get(u, F.eventDataset), 'nginx');
    assert.equal(get(u, F.eventOutcome), undefined);
    assert.equal(get(u, F.message), 'signal process started');
  });
});
