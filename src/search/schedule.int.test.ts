import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { EcsEvent } from '../schema/event.js';
import { SqliteStore } from '../store/sqlite/index.js';
import { sampleEvents } from '../store/store.case.js';
import { SavedSearches } from './saved.js';
import { ALERT_DATASET, Scheduler } from './schedule.js';

void test('a scheduled search runs at its interval over the last interval and alerts only when its condition holds', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-schedule-'));
  const store = new SqliteStore({ dir, sync: 'normal' });
  await store.open();
  try {
    const events = sampleEvents(120);
    await store.append(events);
    const t0 = (events[0] as { ts: number }).ts;
    let now = t0 + 30_000;
    const saved = new SavedSearches(store);
    const sent: { docs: readonly EcsEvent[]; dataset: string | undefined }[] = [];
    const sink = {
      submitEvents: (docs: readonly EcsEvent[], dataset?: string) => {
        sent.push({ docs, dataset });
        return Promise.resolve();
      },
    };
    const fails = await saved.create({ name: 'root failures', query: 'user.name:root and event.outcome:failure', schedule: { interval: '30s', condition: 'count >= 10', severity: 80 } }, 'admin');
    await saved.create({ name: 'never', query: 'user.name:nobody', schedule: { interval: '30s', condition: 'count > 0' } }, 'admin');
    await saved.create({ name: 'not scheduled', query: '*' }, 'admin');
    const scheduler = new Scheduler(store, saved, sink, () => now);
    scheduler.start();
    try {
      await scheduler.tick(); // first sight: each scheduled search is due one interval later
      assert.equal(sent.length, 0);
      now = t0 + 60_000; // the last 30 s hold events 30..59: every third is a root failure = 10
      await scheduler.tick();
      assert.equal(sent.length, 1);
      const alert = sent[0]?.docs[0] as Record<string, unknown>;
      assert.equal(sent[0]?.dataset, ALERT_DATASET);
      assert.equal(alert['event.kind'], 'alert');
      assert.match(String(alert['event.id']), /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      assert.equal(alert['rule.name'], 'root failures');
      assert.equal(alert['rule.id'], `saved-search:${fails.id}`);
      assert.equal(alert['event.severity'], 80);
      assert.equal((alert['vigil.saved_search'] as { count: number; event_ids: string[] }).count, 10);
      assert.equal((alert['vigil.saved_search'] as { count: number; event_ids: string[] }).event_ids.length, 10);
      await scheduler.tick(); // not due again yet
      assert.equal(sent.length, 1);
      const runs = await saved.list();
      assert.deepEqual(
        runs.map((s) => [s.name, s.last_run?.count, s.last_run?.alerted]),
        [
          ['root failures', 10, true],
          ['never', 0, false],
          ['not scheduled', undefined, undefined],
        ],
      );
    } finally {
      await scheduler.stop();
    }
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
