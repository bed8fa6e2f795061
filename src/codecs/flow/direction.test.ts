import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { flowDirection, InternalNetworks } from './direction.js';

const NETS = ['10.0.0.0/8', '192.168.0.0/16', 'fc00::/7', '203.0.113.7'];

describe('flowDirection', () => {
  test('inside/outside pairs give the four ECS directions', () => {
    assert.equal(flowDirection('10.1.2.3', '192.168.9.9', NETS), 'internal');
    assert.equal(flowDirection('10.1.2.3', '8.8.8.8', NETS), 'outbound');
    assert.equal(flowDirection('8.8.8.8', '10.1.2.3', NETS), 'inbound');
    assert.equal(flowDirection('8.8.8.8', '1.1.1.1', NETS), 'external');
  });

  test('IPv6 networks, single addresses and IPv4-mapped addresses', () => {
    const nets = new InternalNetworks(NETS);
    assert.equal(flowDirection('fd00::1', '2001:db8::1', nets), 'outbound');
    assert.equal(flowDirection('2001:db8::1', 'fd12:3456::9', nets), 'inbound');
    assert.equal(flowDirection('203.0.113.7', '203.0.113.8', nets), 'outbound');
    assert.equal(flowDirection('::ffff:10.0.0.1', '::ffff:10.0.0.2', nets), 'internal');
    assert.equal(nets.contains('11.0.0.1'), false);
    assert.equal(nets.contains('10.255.255.255'), true);
  });

  test('prefix bits inside a byte are honoured', () => {
    const nets = new InternalNetworks(['172.16.0.0/12']);
    assert.equal(nets.contains('172.31.255.1'), true);
    assert.equal(nets.contains('172.32.0.1'), false);
    assert.equal(nets.contains('172.15.0.1'), false);
  });

  test('a missing or unreadable address gives unknown; no networks means everything is external', () => {
    assert.equal(flowDirection(undefined, '10.0.0.1', NETS), 'unknown');
    assert.equal(flowDirection('not-an-ip', '10.0.0.1', NETS), 'unknown');
    assert.equal(flowDirection('10.0.0.1', '10.0.0.2', []), 'external');
  });
});
