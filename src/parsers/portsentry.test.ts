import assert from 'node:assert/strict';
import { test } from 'node:test';
import { getPath } from '../schema/event.js';
import { LineParser } from './line.js';
import { portsentryFormat } from './portsentry.js';

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
