import assert from 'node:assert/strict';
import { test } from 'node:test';
import { blockTarget, networkOf, overlaps } from './address.js';
import { ResponseConfigSchema } from './config.js';
import { blockCommands, fill } from './commands.js';

test('only IP addresses become block targets; IPv6 as its prefix, IPv4-mapped as IPv4', () => {
  for (const bad of ['', '-j ACCEPT', '1.2.3.4; rm -rf /', '01.2.3.4', '1.2.3.4/8', '$(id)', 'fe80::1%eth0', '::g', 'x'.repeat(100), '256.1.1.1', '1.2.3.4\n-F']) {
    assert.equal(blockTarget(bad, 64), null, bad);
  }
  assert.equal(blockTarget(' 1.2.3.4 ', 64)?.target, '1.2.3.4');
  assert.deepEqual(blockTarget('203.0.113.9', 64)?.target, '203.0.113.9');
  assert.deepEqual(blockTarget('::ffff:203.0.113.9', 64)?.target, '203.0.113.9');
  assert.deepEqual(blockTarget('2001:DB8:0:0:1::5', 64)?.target, '2001:db8::/64');
  assert.deepEqual(blockTarget('2001:db8:1:2:3:4:5:6', 48)?.target, '2001:db8:1::/48');
  assert.deepEqual(blockTarget('2001:db8:1:2:3:4:5:6', 128)?.target, '2001:db8:1:2:3:4:5:6');
  assert.equal(blockTarget('2001:db8:1:2:3:4:5:6', 64)?.ip, '2001:db8:1:2:3:4:5:6');
});

test('overlap: either network inside the other; families never overlap', () => {
  const n = (s: string) => networkOf(s) ?? assert.fail(s);
  assert.ok(overlaps(n('10.0.0.0/8'), n('10.200.1.1')));
  assert.ok(overlaps(n('10.200.1.1'), n('10.0.0.0/8')));
  assert.ok(!overlaps(n('10.0.0.0/8'), n('11.0.0.1')));
  assert.ok(overlaps(n('2001:db8:1:2::/64'), n('2001:db8:1:2::7')));
  assert.ok(overlaps(n('2001:db8::/32'), n('2001:db8:ffff:1::/64')));
  assert.ok(!overlaps(n('2001:db8:1:3::/64'), n('2001:db8:1:2::7')));
  assert.ok(overlaps(n('192.168.0.0/23'), n('192.168.1.200')));
  assert.ok(!overlaps(n('192.168.0.0/24'), n('192.168.1.200')));
  assert.ok(!overlaps(n('::/0'), n('1.2.3.4')));
  assert.ok(overlaps(n('::ffff:10.0.0.0/104'), n('10.1.1.1')), 'an IPv4-mapped network is an IPv4 one');
});

test('command placeholders: only address, ip, family and ttl; each stays inside its argument', () => {
  const t = blockTarget('2001:db8::9', 64) ?? assert.fail();
  assert.deepEqual(fill(['nft', 'add', 'element', 'inet', 'vigil', 'block{{family}}', '{ {{address}} }', '{{ip}}', '{{ttl}}s', '{{rule.name}}'], t, 2.1), [
    'nft',
    'add',
    'element',
    'inet',
    'vigil',
    'block6',
    '{ 2001:db8::/64 }',
    '2001:db8::9',
    '3s',
    '{{rule.name}}',
  ]);
});

test('the shipped templates (contrib/response/) load, with an IPv4 and an IPv6 form that use {{address}}', () => {
  for (const template of ['nftables', 'iptables', 'ipset']) {
    const cfg = ResponseConfigSchema.parse({ actions: [{ type: 'block', name: 'b', template }] }).actions[0];
    assert.ok(cfg?.type === 'block');
    const c = blockCommands(cfg);
    for (const argv of [c.block, c.unblock, c.block6, c.unblock6]) assert.ok(argv.some((a) => a.includes('{{address}}')), template);
    assert.notDeepEqual(c.block, c.block6, template);
  }
  const bad = ResponseConfigSchema.parse({ actions: [{ type: 'block', name: 'b', template: 'nosuch' }] }).actions[0];
  assert.ok(bad?.type === 'block');
  assert.throws(() => blockCommands(bad), /no command template nosuch/);
  assert.equal(ResponseConfigSchema.safeParse({ actions: [{ type: 'block', name: 'b' }] }).success, false);
  assert.equal(ResponseConfigSchema.safeParse({ allowlist: ['10.0.0.0/33'] }).success, false);
});
