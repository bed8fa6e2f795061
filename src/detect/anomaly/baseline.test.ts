import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EcsEvent } from '../../schema/event.js';
import type { AlertInput } from '../alerts.js';
import { BaselineDetector } from './baseline.js';
import { AnomalyDetector } from './detector.js';
import { parseAnomalyRule } from './load.js';
import type { BaselineRule } from './model.js';

const LOC = { file: 'test.yml', line: 1, column: 1 };

function rule(extra: Record<string, unknown> = {}): BaselineRule {
  const r = parseAnomalyRule({ vigil: 'baseline', title: 'spike', id: 'spike', key: 'source.ip', bucket: '10s', alpha: 0.5, threshold: { sigma: 3, factor: 2, min: 20 }, warmup: 3, ...extra }, LOC, 'x');
  assert.equal(r.type, 'baseline');
  return r;
}

const ev = (ip: string, extra: Record<string, unknown> = {}): EcsEvent => ({ source: { ip }, ...extra });

/** Feeds `n` events of one key at time t (ms); the alerts raised. */
function feed(d: BaselineDetector, ip: string, t: number, n: number, extra: Record<string, unknown> = {}): AlertInput[] {
  const out: AlertInput[] = [];
  for (let i = 0; i < n; i++) {
    const a = d.observe(ev(ip, extra), t);
    if (a) out.push(a);
  }
  return out;
}

test('warm-up: no alert before the key has been tracked for `warmup` buckets, then the same burst alerts', () => {
  const d = new BaselineDetector(rule());
  assert.equal(feed(d, '192.0.2.1', 0, 100).length, 0, 'bucket 0: no baseline yet');
  assert.equal(feed(d, '192.0.2.1', 10_000, 1).length, 0);
  assert.equal(feed(d, '192.0.2.1', 20_000, 1).length, 0);
  assert.equal(d.state('192.0.2.1')?.buckets, 2);
  // third bucket closed by the first event of bucket 3: warm-up met
  const a = feed(d, '192.0.2.1', 30_000, 400);
  assert.equal(a.length, 1, 'one alert per bucket');
  assert.equal(d.state('192.0.2.1')?.buckets, 3);
});

test('min count: below the minimum no alert even far above a zero baseline; at the minimum an alert', () => {
  const d = new BaselineDetector(rule({ warmup: 1, threshold: { sigma: 0, factor: 1, min: 20 } }));
  feed(d, '192.0.2.2', 0, 1);
  feed(d, '192.0.2.3', 0, 1);
  assert.equal(feed(d, '192.0.2.2', 50_000, 19).length, 0);
  const hit = feed(d, '192.0.2.3', 50_000, 20);
  assert.equal(hit.length, 1);
  assert.equal(hit[0]?.value, 20);
});

test('factor: with a steady baseline of 10 per bucket, 20 is not a spike at factor 2, 21 is', () => {
  const r = rule({ warmup: 2, alpha: 0.5, threshold: { sigma: 0, factor: 2, min: 0 } });
  for (const [n, expect] of [
    [20, 0],
    [21, 1],
  ] as const) {
    const d = new BaselineDetector(r);
    for (let b = 0; b < 5; b++) feed(d, '198.51.100.1', b * 10_000, 10);
    assert.equal(d.state('198.51.100.1')?.ewma.mean, 10);
    assert.equal(feed(d, '198.51.100.1', 50_000, n).length, expect, `${n} events`);
  }
});

test('the alert names the key, observed and expected values, and carries the triggering event as evidence', () => {
  const d = new BaselineDetector(rule({ warmup: 2 }));
  for (let b = 0; b < 4; b++) feed(d, '203.0.113.7', b * 10_000, 2);
  const [a] = feed(d, '203.0.113.7', 40_000, 50);
  assert.ok(a);
  assert.deepEqual(a.group, { 'source.ip': '203.0.113.7' });
  assert.equal(a.type, 'baseline');
  assert.equal(a.value, 20, 'raised when the bucket reached the threshold (min 20)');
  assert.match(a.explanation[0] ?? '', /^source\.ip=203\.0\.113\.7: 20 events in the 10s bucket from 1970-01-01T00:00:40\.000Z \(10× the baseline\)/);
  assert.match(a.explanation[1] ?? '', /expected 2 ± 1\.41 \(EWMA over 4 buckets, alpha 0\.5\); threshold 20/);
  assert.equal(a.evidence.length, 1);
  assert.equal(a.evidence[0]?.fields['source.ip'], '203.0.113.7');
});

test('empty buckets decay the baseline: a key quiet for a long time is compared with a low mean again', () => {
  const d = new BaselineDetector(rule({ warmup: 1, alpha: 0.5, threshold: { sigma: 0, factor: 2, min: 0 } }));
  for (let b = 0; b < 6; b++) feed(d, '192.0.2.9', b * 10_000, 100);
  feed(d, '192.0.2.9', 200_000, 1); // 14 empty buckets in between
  const st = d.state('192.0.2.9');
  assert.ok(st && st.ewma.mean < 0.01, String(st?.ewma.mean));
  assert.equal(st.buckets, 20);
});

test('late events count in the current bucket; they do not reopen an old one', () => {
  const d = new BaselineDetector(rule());
  feed(d, '192.0.2.4', 30_000, 1);
  feed(d, '192.0.2.4', 5_000, 4);
  const st = d.state('192.0.2.4');
  assert.equal(st?.bucket, 30_000);
  assert.equal(st.value, 5);
  assert.equal(st.buckets, 0);
});

test('sum and distinct metrics; events without the metric field or with a bad value are not counted', () => {
  const sum = new BaselineDetector(rule({ metric: 'sum(network.bytes)' }));
  sum.observe(ev('192.0.2.5', { network: { bytes: 1500 } }), 0);
  sum.observe(ev('192.0.2.5', { network: { bytes: '500' } }), 0);
  sum.observe(ev('192.0.2.5', { network: { bytes: -3 } }), 0);
  sum.observe(ev('192.0.2.5'), 0);
  assert.equal(sum.state('192.0.2.5')?.value, 2000);
  const dc = new BaselineDetector(rule({ metric: 'dc(destination.port)', max_distinct: 3 }));
  for (const p of [22, 22, 80, 443, 8080, 9000]) dc.observe(ev('192.0.2.6', { destination: { port: p } }), 0);
  assert.equal(dc.state('192.0.2.6')?.value, 3, 'distinct values capped at max_distinct');
});

test('key cardinality is capped: least recently seen keys are evicted and counted', () => {
  let evicted = 0;
  const d = new BaselineDetector(rule({ max_keys: 3 }), () => evicted++);
  for (let i = 0; i < 10; i++) feed(d, `192.0.2.${i}`, 0, 1);
  assert.equal(d.keys.size, 3);
  assert.equal(evicted, 7);
  feed(d, '192.0.2.7', 0, 1); // touched: now the most recent
  feed(d, '192.0.2.100', 0, 1);
  assert.ok(d.state('192.0.2.7'));
  assert.equal(d.state('192.0.2.8'), undefined);
});

test('a key of two fields; events missing one of them are not counted', () => {
  const d = new BaselineDetector(rule({ key: ['destination.ip', 'destination.port'] }));
  d.observe({ destination: { ip: '192.0.2.80', port: 443 } }, 0);
  d.observe({ destination: { ip: '192.0.2.80' } }, 0);
  assert.equal(d.keys.size, 1);
  assert.equal(d.state('192.0.2.80\u0000443')?.value, 1);
});

test('snapshot round trip: the restored detector goes on exactly as the original would', () => {
  const r = rule({ metric: 'dc(destination.port)', warmup: 2, threshold: { sigma: 3, factor: 2, min: 5 } });
  const a = new AnomalyDetector([r]);
  const feedAll = (det: AnomalyDetector, t: number, ports: number[]): number => ports.reduce((n, p) => n + (det.observe({ source: { ip: '192.0.2.20' }, destination: { port: p } }, t, t)?.length ?? 0), 0);
  for (let b = 0; b < 4; b++) feedAll(a, b * 10_000, [1, 2]);
  feedAll(a, 40_000, [3, 4]);
  const saved = JSON.parse(JSON.stringify(a.snapshot())) as ReturnType<AnomalyDetector['snapshot']>;
  const b = new AnomalyDetector([r]);
  assert.equal(b.restore(saved, 0), 1);
  const burst = [5, 6, 7, 8, 9, 10];
  assert.equal(feedAll(b, 41_000, burst), feedAll(a, 41_000, burst));
  assert.deepEqual(b.snapshot(), a.snapshot());
  // a changed definition (another bucket) drops the saved keys
  const c = new AnomalyDetector([{ ...r, bucketMs: 60_000 }]);
  assert.equal(c.restore(saved, 0), 0);
});

test('the detector applies each rule\'s query filter', () => {
  const r = rule({ query: 'event.action:deny' });
  const d = new AnomalyDetector([r]);
  d.observe({ source: { ip: '192.0.2.30' }, event: { action: 'allow' } }, 0, 0);
  d.observe({ source: { ip: '192.0.2.30' }, event: { action: 'deny' } }, 0, 0);
  assert.equal(d.hits.get('spike'), 1);
  assert.equal(d.baselines[0]?.state('192.0.2.30')?.value, 1);
});
