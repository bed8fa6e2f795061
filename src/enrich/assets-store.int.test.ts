import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { openAlertingDb } from '../alerting/db.js';
import { parseAssetList } from './assets-config.js';
import { AssetStore } from './assets-store.js';

test('the inventory follows edits made here at once, and edits made by another process within a second', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-assets-'));
  const here = openAlertingDb(join(dir, 'alerting.db'));
  const other = openAlertingDb(join(dir, 'alerting.db'));
  try {
    const seed = parseAssetList([{ name: 'web-1', kind: 'host', match: ['web-1'], criticality: 2 }]);
    const store = new AssetStore(here, seed, []);
    const elsewhere = new AssetStore(other, seed, []);
    const t0 = 1_000_000;
    assert.equal(store.inventory(t0).lookup('host', 'web-1')?.criticality, 2);
    // an edit through this store: the next batch sees it
    store.upsert({ ...seed[0]!, criticality: 3 }, t0);
    assert.equal(store.inventory(t0 + 1).lookup('host', 'web-1')?.criticality, 3);
    // an edit by another process (the CLI on the same data directory): not read back for every batch ...
    elsewhere.upsert(parseAssetList([{ name: 'db-1', kind: 'host', match: ['db-1'], criticality: 5 }])[0]!, t0 + 2);
    assert.equal(store.inventory(t0 + 500).lookup('host', 'db-1'), undefined);
    // ... but within a second
    assert.equal(store.inventory(t0 + 1001).lookup('host', 'db-1')?.criticality, 5);
    // a clock that went back reads the revision again
    elsewhere.delete('db-1', t0 + 3);
    assert.equal(store.inventory(t0).lookup('host', 'db-1'), undefined);
  } finally {
    here.close();
    other.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
