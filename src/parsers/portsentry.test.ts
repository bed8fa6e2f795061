import assert from 'node:assert/strict';
import { test } from 'node:test';
import { getPath } from '../schema/event.js';
import { LineParser } from './line.js';
import { portsentryFormat, portsentryParser } from './portsentry.js';
import { expectFields, expectNoMatch } from './testing/service-cases.js';

test('portsentry: blocked hosts of its history file (fail2ban portsentry sample lines)', () => {
  const p = new LineParser(() => Date.UTC(2014, 5, 28));
  for (const [line, transport] of [
    ['1403884279 - 06/27/2014 17:51:19 Host: 192.168.56.1/192.168.56.1 Port: 1 TCP Blocked', 'tcp'],
    ['1403884279 - 06/27/2014 17:51:19 Host: 192.168.56.1/192.168.56.1 Port: 1 UDP Blocked', 'udp'],
  ] as const) {
    assert.equal(portsentryFormat.sniff(line), true);
    const e = p.parse({ message: line, receivedAt: 0 });
    assert.equal(getPath(e, 'event.dataset'), 'portsentry');
    assert.equal(getPath(e, '@timestamp'), '2014-06-27T15:51:19.000Z');
    assert.deepEqual(getPath(e, 'event.type'), ['connection', 'denied']);
    assert.equal(getPath(e, 'event.action'), 'port_scan_blocked');
    assert.equal(getPath(e, 'source.ip'), '192.168.56.1');
    assert.equal(getPath(e, 'source.domain'), undefined);
    assert.equal(getPath(e, 'destination.port'), 1);
    assert.equal(getPath(e, 'network.transport'), transport);
  }
  const named = p.parse({ message: '1403884279 - 06/27/2014 17:51:19 Host: scanner.example.com/192.0.2.9 Port: 22 TCP Blocked', receivedAt: 0 });
  assert.equal(getPath(named, 'source.domain'), 'scanner.example.com');
  assert.equal(portsentryFormat.sniff('1403884279 Host: x'), false);
  assert.equal(portsentryFormat.parse('1403884279 - 06/27/2014 17:51:19 Host: a/b Port: 1 TCP Blocked', {}), false);
});

test('portsentry: syslog alerts (lines as quoted in a user report and in portsentry\'s tests; the scan line built from its format string)', () => {
  expectFields(portsentryParser, 'attackalert: Connect from host: 213.234.219.107/213.234.219.107 to TCP port: 1080', {
    'event.kind': 'alert',
    'event.type': ['connection', 'indicator'],
    'event.action': 'port_probe',
    'source.ip': '213.234.219.107',
    'source.domain': undefined,
    'destination.port': 1080,
    'network.transport': 'tcp',
  });
  expectFields(portsentryParser, 'attackalert: Host: 213.234.219.107 is already blocked. Ignoring', { 'event.type': ['info'], 'event.action': 'already_blocked', 'source.ip': '213.234.219.107' });
  expectFields(portsentryParser, 'attackalert: Host 127.0.0.1 has been blocked via dropped route using command: "/sbin/route add 127.0.0.1 reject"', {
    'event.type': ['denied'],
    'event.action': 'host_blocked_route',
    'source.ip': '127.0.0.1',
  });
  expectFields(portsentryParser, 'attackalert: SYN/Normal scan from host: scanner.example.com/192.0.2.7 to TCP port: 22', {
    'event.action': 'port_scan',
    'event.reason': 'SYN/Normal scan',
    'source.ip': '192.0.2.7',
    'source.domain': 'scanner.example.com',
  });
  expectNoMatch(portsentryParser, 'attackalert: External command run for host: 127.0.0.1 using command: "/bin/true"');
  expectNoMatch(portsentryParser, 'adminalert: PortSentry is now active and listening.');
});
