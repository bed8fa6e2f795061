import assert from 'node:assert/strict';
import { test } from 'node:test';
import { canonicalIp, cidrContains, parseCidr, parseIp } from './cidr.js';

void test('parses addresses', () => {
  assert.deepEqual(Array.from(parseIp('10.0.0.255') ?? []), [10, 0, 0, 255]);
  assert.equal(parseIp('::')?.length, 16);
  for (const bad of ['', '1.2.3', '1.2.3.4.5', '256.0.0.1', '01.2.3.4', '1.2.3.-4', ':', ':::', '1::2::3', '12345::', 'g::1', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7', '::1.2.3', 'fe80::1%eth0']) {
    assert.equal(parseIp(bad), null, bad);
  }
});

void test('formats addresses canonically (RFC 5952)', () => {
  const cases: [string, string][] = [
    ['10.0.0.1', '10.0.0.1'],
    ['2001:DB8:0:0:0:0:0:1', '2001:db8::1'],
    ['2001:0db8:0000:0001:0000:0000:0000:0001', '2001:db8:0:1::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
    ['0:0:0:0:0:0:0:0', '::'],
    ['0:0:0:0:0:0:0:1', '::1'],
    ['1:0:0:0:0:0:0:0', '1::'],
    ['::FFFF:10.0.0.1', '::ffff:10.0.0.1'],
    ['::ffff:a00:1', '::ffff:10.0.0.1'],
    ['64:ff9b::192.0.2.33', '64:ff9b::c000:221'],
  ];
  for (const [input, out] of cases) assert.equal(canonicalIp(input), out, input);
});

void test('parses networks', () => {
  assert.deepEqual(parseCidr('10.1.2.3/8'), { bytes: new Uint8Array([10, 0, 0, 0]), prefix: 8 });
  assert.equal(parseCidr('0.0.0.0/0')?.prefix, 0);
  assert.equal(parseCidr('::/128')?.prefix, 128);
  for (const bad of ['10.0.0.0', '10.0.0.0/', '10.0.0.0/33', '::/129', '10.0.0.0/-1', '10.0.0.0/8/8', 'x/8', '10.0.0.0/ 8', '/8']) {
    assert.equal(parseCidr(bad), null, bad);
  }
});

void test('tests membership', () => {
  const cases: [string, string, boolean][] = [
    ['10.0.0.5', '10.0.0.0/8', true],
    ['10.255.255.255', '10.0.0.0/8', true],
    ['11.0.0.0', '10.0.0.0/8', false],
    ['192.168.1.130', '192.168.1.128/25', true],
    ['192.168.1.127', '192.168.1.128/25', false],
    ['172.31.0.1', '172.16.0.0/12', true],
    ['172.32.0.1', '172.16.0.0/12', false],
    ['1.2.3.4', '0.0.0.0/0', true],
    ['1.2.3.4', '1.2.3.4/32', true],
    ['1.2.3.5', '1.2.3.4/32', false],
    ['2001:db8::1', '2001:db8::/32', true],
    ['2001:db9::1', '2001:db8::/32', false],
    ['2001:db8:ffff::1', '2001:db8:8000::/33', true],
    ['2001:db8:7fff::1', '2001:db8:8000::/33', false],
    ['::ffff:10.0.0.7', '10.0.0.0/8', true],
    ['10.0.0.7', '::ffff:0:0/96', true],
    ['10.0.0.7', '2001:db8::/32', false],
    ['2001:db8::1', '10.0.0.0/8', false],
    ['not an ip', '10.0.0.0/8', false],
    ['10.0.0.1', 'not a network', false],
  ];
  for (const [ip, cidr, want] of cases) assert.equal(cidrContains(ip, cidr), want, `${ip} in ${cidr}`);
});
