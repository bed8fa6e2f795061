import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { AlertingConfigSchema } from './config.js';
import { openAlertingDb } from './db.js';
import { AlertQueue } from './queue.js';
import type { AlertChange, TriagedAlert } from './types.js';
import { AssetStore } from '../enrich/assets-store.js';
import { parseAssetList } from '../enrich/assets-config.js';
import { alertDocument } from '../detect/alerts.js';
import type { EcsEvent } from '../schema/event.js';

/*
 * The queue with a real alerting.db and real alert documents: listeners hear of new, grouped and status changes, a
 * listener that throws is counted and never breaks the queue, and building blocks are not handed to listeners.
 */

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const rule = (id: string, level: string) => ({ id, title: `rule ${id}`, level, tags: ['attack.t1110'], generate: true, location: { file: 'x.yml' } });
const doc = (id: string, level: string, ip: string, t: number): EcsEvent =>
  alertDocument({ rule: rule(id, level), type: 'detection', time: t, explanation: ['sel'], evidence: [{ id: `ev-${ip}-${t}`, t, seq: 0, rule: id, fields: { 'source.ip': ip, 'host.name': 'db-1' } }] }, t);

test('listeners: new, grouped and status changes; a throwing listener is counted; building blocks are not sent', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-listeners-'));
  dirs.push(dir);
  const db = openAlertingDb(join(dir, 'alerting.db'));
  try {
    const stored: EcsEvent[] = [];
    const assets = new AssetStore(db, parseAssetList([{ name: 'db-1', kind: 'host', match: ['db-1'], criticality: 5 }]), ['10.0.0.0/8']);
    const queue = new AlertQueue({ db, assets, config: AlertingConfigSchema.parse({ risk_threshold: 1000 }), store: (d) => Promise.resolve(void stored.push(...d)) });
    const heard: Array<[AlertChange, TriagedAlert]> = [];
    queue.subscribe(() => {
      throw new Error('a broken channel');
    });
    const off = queue.subscribe((a, c) => heard.push([c, a]));
    const t = Date.now();
    await queue.accept([doc('r1', 'high', '192.0.2.1', t), doc('r1', 'high', '192.0.2.1', t + 1000), doc('bb', 'informational', '192.0.2.1', t)]);
    assert.deepEqual(heard.map(([c, a]) => `${c}:${a.ruleId}:${a.count}`), ['new:r1:1', 'grouped:r1:2']);
    assert.equal(queue.stats.listener_errors, 2);
    assert.equal(stored.length, 2, 'the new alert and the building block are stored; the repeat is counted');
    const first = heard[0]?.[1] as TriagedAlert;
    assert.deepEqual(first.entities, { sourceIp: ['192.0.2.1'], destinationIp: [], userName: [], hostName: ['db-1'] });
    assert.deepEqual(first.techniques, ['T1110']);
    assert.equal(first.riskScore, 100, 'high (75) x criticality 5 (1.5) x unknown status (0.9) = 101, at most 100');
    assert.equal(queue.inventory.forHost('db-1')?.criticality, 5);
    queue.book.setStatus(first.id, { status: 'acknowledged' }, 'admin');
    assert.deepEqual(heard.map(([c]) => c), ['new', 'grouped', 'status']);
    assert.equal(heard[2]?.[1].status, 'acknowledged');
    off();
    await queue.accept([doc('r2', 'low', '192.0.2.2', t)]);
    assert.equal(heard.length, 3, 'unsubscribed');
    assert.equal(queue.stats.listener_errors, 4);
    assert.equal(queue.stats.created, 3);
  } finally {
    db.close();
  }
});
