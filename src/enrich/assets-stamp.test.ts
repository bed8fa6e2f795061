import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { LineParser } from '../parsers/line.js';
import { getPath, type EcsEvent } from '../schema/event.js';
import { parseAssetList } from './assets-config.js';
import { AssetInventory } from './assets.js';
import { AssetStamp } from './assets-stamp.js';

const AUTH_LOG = new URL('../../examples/auth.log', import.meta.url);

test('events are stamped with the assets they involve; fields already there are kept; no inventory, no change', () => {
  const inv = new AssetInventory(
    parseAssetList([
      { name: 'bastion', kind: 'host', match: ['bastion'], criticality: 4 },
      { name: 'attackers', kind: 'network', match: ['203.0.113.0/24'], criticality: 1 },
      { name: 'root', kind: 'user', match: ['root'], criticality: 5 },
    ]),
  );
  const parser = new LineParser();
  const lines = readFileSync(AUTH_LOG, 'utf8').split('\n').filter((l) => l !== '');
  const events: EcsEvent[] = lines.map((message) => parser.parse({ message, receivedAt: Date.now() }));
  const involved = events.filter((e) => getPath(e, 'host.name') === 'bastion' || String(getPath(e, 'source.ip')).startsWith('203.0.113.') || getPath(e, 'user.name') === 'root').length;
  assert.ok(involved > 10);
  const stamp = new AssetStamp();
  stamp.process(events);
  assert.equal(stamp.stamped, 0, 'nothing before an inventory is given');
  stamp.use(() => inv);
  const kept: EcsEvent = { host: { name: 'bastion', asset: { criticality: 2 } } };
  stamp.process([...events, kept]);
  const first = events[0] as EcsEvent;
  assert.deepEqual(first['host'] && (first['host'] as Record<string, unknown>)['asset'], { name: 'bastion', criticality: 4 });
  assert.deepEqual((first['source'] as Record<string, unknown>)['asset'], { name: 'attackers', criticality: 1 });
  assert.deepEqual((first['user'] as Record<string, unknown>)['asset'], { name: 'root', criticality: 5 });
  assert.deepEqual(kept, { host: { name: 'bastion', asset: { criticality: 2 } } });
  assert.equal(stamp.stamped, involved);
  const empty = new AssetStamp();
  empty.use(() => new AssetInventory([]));
  const copy = structuredClone(events[1]);
  empty.process([copy as EcsEvent]);
  assert.equal(empty.stamped, 0);
});
