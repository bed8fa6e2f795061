import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { hostPort, peerAddress, RateLimitedLog, toRecord } from './common.js';

describe('syslog source helpers', () => {
  test('a truncated frame becomes a record tagged _truncated, with its peer and source', () => {
    assert.deepEqual(toRecord({ message: 'm', truncated: true }, 5, '10.0.0.1', 514, 'syslog_tcp'), {
      message: 'm',
      receivedAt: 5,
      peer: { address: '10.0.0.1', port: 514 },
      source: 'syslog_tcp',
      tags: ['_truncated'],
    });
    assert.equal('tags' in toRecord({ message: 'm', truncated: false }, 5, '10.0.0.1', 514, 'syslog_tcp'), false);
  });

  test('IPv4-mapped peers are written as IPv4; IPv6 listen addresses in brackets', () => {
    assert.equal(peerAddress('::ffff:192.0.2.1'), '192.0.2.1');
    assert.equal(peerAddress('::1'), '::1');
    assert.equal(peerAddress(undefined), '');
    assert.equal(hostPort('::1', 5514), '[::1]:5514');
    assert.equal(hostPort('127.0.0.1', 5514), '127.0.0.1:5514');
  });

  test('the rate-limited log writes at most `limit` lines per interval, then one summary', () => {
    const lines: string[] = [];
    const log = new RateLimitedLog((m) => lines.push(m), 'src', 3, 60_000);
    for (let i = 0; i < 1000; i++) log.write(`bad peer ${i}`);
    assert.deepEqual(lines, ['src: bad peer 0', 'src: bad peer 1', 'src: bad peer 2']);
  });
});
