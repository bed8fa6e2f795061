import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { Pipeline } from '../../core/pipeline.js';
import { Telemetry } from '../../core/telemetry.js';
import { LineParser } from '../../parsers/line.js';
import { parseQuery } from '../../query/parser.js';
import { getPath, type EcsEvent } from '../../schema/event.js';
import { SqliteStore } from '../../store/sqlite/index.js';
import { DetectionEngine } from '../engine.js';
import { loadRuleSet } from '../ruleset.js';
import { anomalyStatePath } from './state.js';

/*
 * Baseline and silence rules through the real engine, pipeline and SQLite store, with the shipped rules/anomaly files:
 * the alert is stored as an event.kind:alert document; baselines survive a restart (detect/anomaly.json).
 */

const SPIKE = '70c4ef5e-313f-4014-b21b-25d6ac6d3063';
const SILENCE = '86b1b492-6cdf-4553-92ea-e8fadc34756f';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'vigil-anomaly-'));
  dirs.push(d);
  return d;
}

const pad = (n: number): string => String(n).padStart(2, '0');
/** A ufw allow line from `ip` at 01:MM:SS on Nov 27 (this year). */
const line = (ip: string, sec: number, host = 'fw1'): string =>
  `Nov 27 01:${pad(Math.floor(sec / 60))}:${pad(sec % 60)} ${host} kernel: [UFW ALLOW] IN=eth0 OUT= MAC=00:00 SRC=${ip} DST=192.0.2.10 LEN=60 TOS=0x00 PREC=0x00 TTL=50 ID=1 DF PROTO=TCP SPT=40000 DPT=443 WINDOW=1024 RES=0x00 SYN URGP=0`;

interface Rig {
  store: SqliteStore;
  engine: DetectionEngine;
  pipeline: Pipeline;
  send(lines: string[]): Promise<void>;
  alerts(rule: string): Promise<EcsEvent[]>;
  close(): Promise<void>;
}

async function rig(dir: string, now?: () => number): Promise<Rig> {
  const store = new SqliteStore({ dir: join(dir, 'store'), sync: 'normal' });
  await store.open();
  const telemetry = new Telemetry();
  const engine = new DetectionEngine({ rules: loadRuleSet([]), telemetry, dataDir: dir, snapshotEveryMs: 0, tickEveryMs: 0, ...(now ? { now } : {}) });
  const pipeline = new Pipeline({ store, telemetry, parser: new LineParser(), transforms: [engine] });
  engine.attach((a) => pipeline.submitEvents(a));
  engine.start();
  return {
    store,
    engine,
    pipeline,
    send: async (lines) => {
      await pipeline.submitRecords(lines.map((message) => ({ message, receivedAt: Date.now() })));
    },
    alerts: async (rule) => {
      await engine.flush();
      await pipeline.drain();
      const r = await store.search({ from: 0, to: Number.MAX_SAFE_INTEGER, limit: 100, filter: parseQuery(`event.kind:alert and rule.id:"${rule}"`).filter });
      return r.events.map((h) => h.event);
    },
    close: async () => {
      await engine.stop();
      await pipeline.drain();
      await store.close();
    },
  };
}

const warmup = (ip: string): string[] => [0, 10, 20, 30].map((s) => line(ip, s));
const burst = (ip: string, n: number): string[] => Array.from({ length: n }, () => line(ip, 35));

test('a traffic spike from one address is stored as an alert naming the address, observed and expected', async () => {
  const r = await rig(tmp());
  try {
    await r.send([...warmup('198.51.100.7'), ...warmup('198.51.100.8')]);
    await r.send([...burst('198.51.100.7', 400), ...burst('198.51.100.8', 298)]);
    const alerts = await r.alerts(SPIKE);
    assert.equal(alerts.length, 1, `one alert: .8 stayed below the minimum (1 + 298 < 300): ${JSON.stringify(alerts.map((x) => getPath(x, 'vigil.alert.explanation')))}`);
    const a = alerts[0] as EcsEvent;
    assert.deepEqual(getPath(a, 'vigil.alert.group'), { source: { ip: '198.51.100.7' } });
    assert.equal(getPath(a, 'vigil.alert.value'), 300);
    assert.equal(getPath(a, 'rule.category'), 'baseline');
    assert.equal(getPath(a, 'event.severity'), 50);
    assert.deepEqual(getPath(a, 'threat.technique.id'), ['T1498', 'T1499']);
    const why = (getPath(a, 'vigil.alert.explanation') as string[]).join('\n');
    assert.match(why, /source\.ip=198\.51\.100\.7: 300 events in the 10s bucket/);
    assert.match(why, /expected 1 ± 1 \(EWMA over 3 buckets/);
    const evidence = getPath(a, 'vigil.alert.evidence_ids') as string[];
    assert.equal(evidence.length, 1);
    const ev = await r.store.search({ from: 0, to: Number.MAX_SAFE_INTEGER, limit: 5, filter: parseQuery(`event.id:"${evidence[0] ?? ''}"`).filter });
    assert.equal(ev.total, 1, 'the evidence event is stored with its id');
    const status = r.engine.status().find((s) => s.id === SPIKE);
    assert.equal(status?.kind, 'anomaly');
    assert.equal(status.alerts, 1);
    assert.equal(status.groups, 2);
  } finally {
    await r.close();
  }
});

test('restart: baselines learned before a stop are there after it (state in detect/anomaly.json)', async () => {
  const dir = tmp();
  const first = await rig(dir);
  await first.send(warmup('203.0.113.70'));
  await first.close();
  assert.ok(existsSync(anomalyStatePath(dir)));
  const second = await rig(dir);
  const control = await rig(tmp());
  try {
    await second.send(burst('203.0.113.70', 350));
    await control.send(burst('203.0.113.70', 350));
    assert.equal((await second.alerts(SPIKE)).length, 1, 'warm-up carried over the restart');
    assert.equal((await control.alerts(SPIKE)).length, 0, 'without the saved state the key is still warming up');
  } finally {
    await second.close();
    await control.close();
  }
});

test('a host that logged every second and stops raises the silence alert on the timer tick, once', async () => {
  let clock = Date.parse('2026-11-27T01:00:00Z');
  const r = await rig(tmp(), () => clock);
  try {
    for (let i = 0; i < 20; i++) {
      await r.send([line('192.0.2.50', i, 'quiet-host'), line('192.0.2.51', i, 'busy-host')]);
      clock += 1000;
    }
    for (let i = 0; i < 35; i++) {
      await r.send([line('192.0.2.51', 20 + i, 'busy-host')]);
      clock += 1000;
      r.engine.anomaly.tick();
    }
    const alerts = await r.alerts(SILENCE);
    assert.equal(alerts.length, 1);
    const a = alerts[0] as EcsEvent;
    assert.deepEqual(getPath(a, 'vigil.alert.group'), { host: { name: 'quiet-host' } });
    assert.match((getPath(a, 'vigil.alert.explanation') as string[]).join('\n'), /host\.name=quiet-host has sent nothing for 3\ds[^]*limit 30s/);
    assert.equal(getPath(a, 'rule.category'), 'silence');
  } finally {
    await r.close();
  }
});
