import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { AnomalyDetector } from './detector.js';
import { parseAnomalyRule } from './load.js';
import { slotCount } from './seasonal.js';
import { loadAnomalyState, saveAnomalyStateSliced } from './state.js';

const T0 = Date.parse('2026-11-02T00:00:00Z');
const HOUR = 3_600_000;

test('seasonal slots go through the state file and back (detect/anomaly.json, written in slices), for many keys', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-seasonal-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const r = parseAnomalyRule({ vigil: 'baseline', title: 'logins', id: 'logins', key: 'user.name', bucket: '1h', profile: 'seasonal', warmup: 1 }, { file: 'x.yml', line: 1, column: 1 }, 'x');
  const a = new AnomalyDetector([r]);
  const users = 1000;
  // every user logs in during office hours (09:00–17:00) for one week
  for (let h = 0; h < 24 * 7; h++) {
    const t0 = T0 + h * HOUR;
    const office = h % 24 >= 9 && h % 24 < 17;
    for (let u = 0; u < users; u++) if (office || u % 10 === 0) a.observe({ user: { name: `user${u}` } }, t0 + u, t0 + u);
  }
  assert.deepEqual(JSON.parse([...a.snapshotJson()].join('')), JSON.parse(JSON.stringify(a.snapshot())), 'the pieces make the snapshot');
  await saveAnomalyStateSliced(dir, a.snapshotJson(), T0 + 7 * 24 * HOUR);
  const bytes = statSync(join(dir, 'detect', 'anomaly.json')).size;
  // 2,016 bytes of slots a key as base64 (2,688 characters) plus the key's other fields
  assert.ok(bytes > users * 2688 && bytes < users * 3200, `${bytes} bytes for ${users} keys`);
  const saved = loadAnomalyState(dir, (m) => assert.fail(m));
  assert.ok(saved);
  const b = new AnomalyDetector([r]);
  assert.equal(b.restore(saved, 0), users);
  assert.deepEqual(b.snapshot(), a.snapshot());
  const st = b.baselines[0]?.state('user5');
  assert.ok(st?.slots);
  assert.equal(slotCount(st.slots, 9), 1, 'Monday 09:00 seen once');
  assert.ok((st.slots[9] ?? 0) === 1 && (st.slots[3] ?? 0) === 0, 'office hour mean 1, night mean 0');
});
