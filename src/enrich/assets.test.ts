import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Asset } from '../alerting/types.js';
import { VigilError } from '../core/errors.js';
import { AssetsConfigSchema, parseAsset, parseAssetList } from './assets-config.js';
import { AssetInventory } from './assets.js';

const inventory: Asset[] = parseAssetList([
  { name: 'db-1', kind: 'host', match: ['db-1', 'db-1.corp.example', '10.1.2.3'], criticality: 5, owner: 'dba', environment: 'prod', tags: ['pci'] },
  { name: 'lab', kind: 'network', match: ['10.1.0.0/16', '2001:db8:1::/48'], criticality: 1 },
  { name: 'dmz', kind: 'network', match: ['10.1.2.0/24'], criticality: 3 },
  { name: 'v6-host', kind: 'address', match: ['2001:DB8:1::10'], criticality: 4 },
  { name: 'root', kind: 'user', match: ['root', 'Administrator'], criticality: 4 },
  { name: 'payments', kind: 'service', match: ['payments-api'], criticality: 5 },
]);
const inv = new AssetInventory(inventory, ['10.0.0.0/8', 'fc00::/7', '192.0.2.7']);

test('addresses: exact address beats a wider network only by criticality; CIDR v4 and v6; mapped IPv4', () => {
  assert.equal(inv.forIp('10.1.2.3')?.name, 'db-1');
  assert.equal(inv.forIp('10.1.2.4')?.name, 'dmz', 'the /24 (3) is more critical than the /16 (1)');
  assert.equal(inv.forIp('10.1.200.1')?.name, 'lab');
  assert.equal(inv.forIp('::ffff:10.1.2.3')?.name, 'db-1');
  assert.equal(inv.forIp('2001:db8:1::10')?.name, 'v6-host', 'canonical form of an upper-case entry');
  assert.equal(inv.forIp('2001:db8:1:ffff::1')?.name, 'lab');
  assert.equal(inv.forIp('2001:db8:2::1'), undefined);
  assert.equal(inv.forIp('10.2.0.1'), undefined);
  for (const bad of ['', 'not-an-ip', '10.1.2', '1'.repeat(10_000), '::::']) assert.equal(inv.forIp(bad), undefined);
});

test('names: host, user and service match exactly, case-insensitively; a host name that is an address matches addresses', () => {
  assert.equal(inv.forHost('DB-1.corp.example')?.name, 'db-1');
  assert.equal(inv.forHost('db-10'), undefined);
  assert.equal(inv.forHost('10.1.2.3')?.name, 'db-1');
  assert.equal(inv.forUser('administrator')?.name, 'root');
  assert.equal(inv.forUser('db-1'), undefined, 'a host entry is not a user');
  assert.equal(inv.forService('payments-api')?.name, 'payments');
});

test('internal networks: CIDRs and single addresses, v4 and v6', () => {
  assert.equal(inv.isInternal('10.200.0.1'), true);
  assert.equal(inv.isInternal('fd00::1'), true);
  assert.equal(inv.isInternal('192.0.2.7'), true);
  assert.equal(inv.isInternal('192.0.2.8'), false);
  assert.equal(inv.isInternal('203.0.113.5'), false);
  assert.equal(inv.isInternal('garbage'), false);
});

test('matchEvent: every involved field that matches, arrays bounded', () => {
  const m = inv.matchEvent({ source: { ip: '203.0.113.9' }, destination: { ip: '10.1.2.3' }, user: { name: 'root' }, host: { name: 'db-1', ip: ['10.9.9.9', '10.1.5.5'] } });
  assert.deepEqual(
    m.map((x) => `${x.field}=${x.value}→${x.asset.name}`),
    ['destination.ip=10.1.2.3→db-1', 'host.ip=10.1.5.5→lab', 'host.name=db-1→db-1', 'user.name=root→root'],
  );
  assert.deepEqual(new AssetInventory([]).matchEvent({ source: { ip: '10.1.2.3' } }), []);
});

test('validation: bad fields are reported with their path', () => {
  const bad = (raw: unknown, re: RegExp): void => {
    assert.throws(() => parseAssetList(raw), (e: unknown) => e instanceof VigilError && e.code === 'VIGIL_ERR_BAD_REQUEST' && re.test(e.message));
  };
  bad([{ name: 'a', kind: 'host', match: ['a'], criticality: 6 }], /^assets\.0\.criticality: /);
  bad([{ name: 'a', kind: 'address', match: ['10.0.0.0/8'], criticality: 2 }], /^assets\.0\.match\.0: an address asset/);
  bad([{ name: 'a', kind: 'network', match: ['10.0.0.0/33'], criticality: 2 }], /^assets\.0\.match\.0: /);
  bad([{ name: 'a', kind: 'host', match: ['a b'], criticality: 2 }], /^assets\.0\.match\.0: not a valid name/);
  bad([{ name: 'a', kind: 'vm', match: ['a'], criticality: 2 }], /^assets\.0\.kind: /);
  bad([{ name: 'a', kind: 'host', match: [], criticality: 2 }], /^assets\.0\.match: /);
  bad([{ name: 'a', kind: 'host', match: ['a'], criticality: 2, color: 'red' }], /^assets\.0: .*color/);
  bad([{ name: 'a', kind: 'host', match: ['a'], criticality: 2 }, { name: 'a', kind: 'host', match: ['b'], criticality: 2 }], /^assets\.1\.name: duplicate/);
  bad({ name: 'a' }, /^assets: /);
  assert.throws(() => parseAsset({ name: '../x', kind: 'host', match: ['x'], criticality: 1 }), /name: /);
  assert.deepEqual(parseAsset({ name: 'x', kind: 'host', match: ['x', 'x'], criticality: 1 }), { name: 'x', kind: 'host', match: ['x'], criticality: 1, tags: [] });
});

test('config section: inline list defaults to empty; unknown keys are refused', () => {
  assert.deepEqual(AssetsConfigSchema.parse(undefined), { inventory: [], stamp_events: true });
  assert.equal(AssetsConfigSchema.safeParse({ inventroy: [] }).success, false);
});
