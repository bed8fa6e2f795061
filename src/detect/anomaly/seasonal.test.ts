import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AlertInput } from '../alerts.js';
import { BaselineDetector } from './baseline.js';
import { AnomalyDetector, type AnomalySnapshot } from './detector.js';
import { parseAnomalyRule } from './load.js';
import type { BaselineRule } from './model.js';
import { decodeSlots, encodeSlots, HOUR_MS, newSlots, slotCount, slotEwma, slotFold, slotGap, slotName, slotOf, WEEK_SLOTS } from './seasonal.js';

const LOC = { file: 'test.yml', line: 1, column: 1 };
const MIN10 = 600_000;
const DAY = 24 * HOUR_MS;
const WEEK = 7 * DAY;
/** Monday 2 November 2026, 00:00 UTC */
const T0 = Date.parse('2026-11-02T00:00:00Z');

function rule(extra: Record<string, unknown> = {}): BaselineRule {
  const r = parseAnomalyRule({ vigil: 'baseline', title: 'volume', id: 'volume', key: 'host.name', bucket: '10m', alpha: 0.1, threshold: { sigma: 4, factor: 3, min: 50 }, warmup: 6, ...extra }, LOC, 'x');
  assert.equal(r.type, 'baseline');
  return r;
}
const seasonal = (extra: Record<string, unknown> = {}): BaselineRule => rule({ profile: 'seasonal', ...extra });

test('hour-of-week slots: Monday 00:00 UTC is slot 0, named for explanations', () => {
  assert.equal(slotOf(T0), 0);
  assert.equal(slotOf(T0 - 1), WEEK_SLOTS - 1);
  assert.equal(slotOf(Date.parse('2026-11-24T14:30:00Z')), 24 + 14);
  assert.equal(slotName(24 + 14), 'Tuesday 14:00–15:00 UTC');
  assert.equal(slotName(WEEK_SLOTS - 1), 'Sunday 23:00–00:00 UTC');
  assert.equal(slotOf(Date.parse('1969-12-29T00:00:00Z')), 0, 'before the epoch too');
});

test('a gap of empty buckets is folded into the right slots in bounded work, as bucket-by-bucket zeros would be', () => {
  const alpha = 0.05;
  for (const [gapBuckets, bucketMs] of [
    [0, MIN10],
    [1, MIN10],
    [5, MIN10],
    [200, MIN10],
    [3 * 1008 + 77, MIN10],
    [400, HOUR_MS],
    [5000, 60_000],
  ] as const) {
    const a = newSlots();
    const b = newSlots();
    for (let i = 0; i < WEEK_SLOTS; i += 3) {
      slotFold(a, i, 10 + i, alpha);
      slotFold(b, i, 10 + i, alpha);
      slotFold(a, i, 4, alpha);
      slotFold(b, i, 4, alpha);
    }
    const from = T0 + 17 * HOUR_MS + 2 * bucketMs;
    const to = from + (gapBuckets + 1) * bucketMs;
    slotGap(a, from, to, bucketMs, alpha);
    for (let t = from + bucketMs; t < to; t += bucketMs) slotFold(b, slotOf(t), 0, alpha);
    for (let i = 0; i < WEEK_SLOTS; i++) {
      const x = slotEwma(a, i);
      const y = slotEwma(b, i);
      assert.equal(x.n, y.n, `count of slot ${i}, gap ${gapBuckets}`);
      assert.ok(Math.abs(x.mean - y.mean) <= 1e-4 * Math.max(1, y.mean), `mean of slot ${i}, gap ${gapBuckets}: ${x.mean} vs ${y.mean}`);
      assert.ok(Math.abs(x.variance - y.variance) <= 1e-3 * Math.max(1, y.variance), `variance of slot ${i}, gap ${gapBuckets}: ${x.variance} vs ${y.variance}`);
    }
  }
  // a gap of a thousand years is still a few hundred steps
  const s = newSlots();
  slotFold(s, 5, 100, alpha);
  slotGap(s, T0, T0 + 1000 * 365 * DAY, 1000, alpha);
  assert.equal(slotEwma(s, 5).mean, 0);
  // a damaged saved bucket time (far in the past, not on a bucket boundary) cannot make the fold loop
  const t0 = performance.now();
  for (const from of [-1e300, -8.64e15 + 0.5, T0 + 0.25, Number.MIN_SAFE_INTEGER]) {
    const z = newSlots();
    slotFold(z, 9, 7, alpha);
    slotGap(z, from, T0 + WEEK, MIN10, alpha);
    assert.ok(slotEwma(z, 9).mean >= 0 && slotEwma(z, 9).mean <= 7, String(from));
  }
  assert.ok(performance.now() - t0 < 1000);
});

test('slots survive their saved text; a damaged text is refused or cleaned', () => {
  const s = newSlots();
  slotFold(s, 7, 123.5, 0.3);
  slotFold(s, 7, 99, 0.3);
  const back = decodeSlots(encodeSlots(s));
  assert.ok(back);
  assert.deepEqual([...back], [...s]);
  assert.equal(decodeSlots('AAAA'), undefined);
  assert.equal(decodeSlots('x'.repeat(100_000)), undefined);
  const bad = Buffer.from(encodeSlots(s), 'base64');
  bad.writeFloatLE(Number.NaN, 0);
  bad.writeFloatLE(-5, WEEK_SLOTS * 4 + 7 * 4); // a negative variance
  const cleaned = decodeSlots(bad.toString('base64'));
  assert.equal(cleaned?.[0], 0);
  assert.equal(cleaned[WEEK_SLOTS + 7], 0);
});

/**
 * Three weeks of one host: 5 events every 10 minutes, and a nightly backup burst of 500 events in the 10 minutes from
 * 02:00 every day. Optionally, `extra` events at other times. Returns the alerts with the day they fell on.
 */
function nightlyBackup(d: AnomalyDetector, weeks: number, extra: ReadonlyMap<number, number> = new Map()): { day: number; a: AlertInput }[] {
  const out: { day: number; a: AlertInput }[] = [];
  const e = { host: { name: 'backup-1' } };
  for (let t = T0; t < T0 + weeks * WEEK; t += MIN10) {
    const n = 5 + ((t - T0) % DAY === 2 * HOUR_MS ? 495 : 0) + (extra.get(t) ?? 0);
    for (let i = 0; i < n; i++) for (const a of d.observe(e, t + i, t + i) ?? []) out.push({ day: Math.floor((t - T0) / DAY), a });
  }
  return out;
}

test('a nightly backup burst: EWMA alerts every night; the seasonal profile falls back to it while its slots learn, then stays quiet', () => {
  const ewma = nightlyBackup(new AnomalyDetector([rule()]), 3);
  const seas = nightlyBackup(new AnomalyDetector([seasonal()]), 3);
  assert.equal(ewma.length, 21, 'one alert a night for three weeks under EWMA');
  assert.deepEqual(
    ewma.map((x) => x.day),
    Array.from({ length: 21 }, (_, i) => i),
  );
  const learning = seas.filter((x) => x.day < 14);
  assert.deepEqual(
    learning.map((x) => [x.day, x.a.value]),
    ewma.filter((x) => x.day < 14).map((x) => [x.day, x.a.value]),
    'the first two weeks (season_warmup 2): the key\'s EWMA decides, as without the profile',
  );
  assert.match(learning[0]?.a.explanation[1] ?? '', /EWMA over \d+ buckets, alpha 0\.1; the Monday 02:00–03:00 UTC slot is still learning: 0 of 2 weeks/);
  assert.deepEqual(
    seas.filter((x) => x.day >= 14),
    [],
    'the third week: each night is compared with the same hour of past weeks',
  );
});

test('the seasonal profile alerts on a burst at an unusual hour and names the slot', () => {
  // Tuesday of the third week, 14:00: 300 events more than usual
  const at = T0 + 2 * WEEK + DAY + 14 * HOUR_MS;
  const seas = nightlyBackup(new AnomalyDetector([seasonal()]), 3, new Map([[at, 300]]));
  const late = seas.filter((x) => x.day >= 14);
  assert.equal(late.length, 1);
  const a = late[0]?.a;
  assert.equal(a?.value, 50, 'raised at the minimum');
  assert.equal(a.time, at + 49);
  assert.match(a.explanation[0] ?? '', /^host\.name=backup-1: 50 events in the 600s bucket from 2026-11-17T14:00:00\.000Z/);
  assert.match(a.explanation[1] ?? '', /^expected 5 ± 2\.24 \(the Tuesday 14:00–15:00 UTC slot: 2 weeks of 6 buckets, week weight 0\.3\); threshold 50/);
});

test('restart keeps the slots: a restored detector goes on exactly as the original (and an EWMA rule of the same id does not take them)', () => {
  const a = new AnomalyDetector([seasonal()]);
  nightlyBackup(a, 2);
  const saved = JSON.parse(JSON.stringify(a.snapshot())) as AnomalySnapshot;
  const key = saved.rules['volume']?.baseline?.[0];
  assert.equal(typeof key?.[10], 'string', 'slots saved with the key');
  const b = new AnomalyDetector([seasonal()]);
  assert.equal(b.restore(saved, 0), 1);
  const st = b.baselines[0]?.state('backup-1');
  assert.ok(st?.slots);
  assert.equal(slotCount(st.slots, 2), 12, 'two weeks of six buckets in Monday 02:00');
  // week three, from the original and from the restored detector: the same alerts (none) and the same state
  const week3 = (d: AnomalyDetector): number => {
    let n = 0;
    for (let t = T0 + 2 * WEEK; t < T0 + 3 * WEEK; t += MIN10) {
      const burst = (t - T0) % DAY === 2 * HOUR_MS ? 495 : 0;
      for (let i = 0; i < 5 + burst; i++) n += d.observe({ host: { name: 'backup-1' } }, t + i, t + i)?.length ?? 0;
    }
    return n;
  };
  assert.equal(week3(b), 0);
  assert.equal(week3(a), 0);
  assert.deepEqual(b.snapshot(), a.snapshot());
  const plain = new AnomalyDetector([rule()]);
  assert.equal(plain.restore(saved, 0), 0, 'profile changed: the saved keys are dropped');
});

test('seasonal state stays bounded: keys capped, slots allocated only when a key closes a bucket', () => {
  const d = new BaselineDetector(seasonal({ max_keys: 50 }));
  for (let i = 0; i < 500; i++) d.observe({ host: { name: `h${i}` } }, T0);
  assert.equal(d.keys.size, 50);
  assert.equal(d.keys.evicted, 450);
  assert.equal(d.state('h499')?.slots, undefined, 'a key seen in one bucket only has no slots');
  d.observe({ host: { name: 'h499' } }, T0 + MIN10);
  assert.equal(d.state('h499')?.slots?.byteLength, 3 * WEEK_SLOTS * 4);
});

test('loader: profile, its bucket and its settings are checked', () => {
  const bad = (extra: Record<string, unknown>): string => {
    try {
      rule(extra);
    } catch (e) {
      return (e as Error).message;
    }
    return 'accepted';
  };
  assert.match(bad({ profile: 'weekly' }), /profile "weekly" must be one of ewma, seasonal/);
  assert.match(bad({ profile: 'seasonal', bucket: '7m' }), /divides an hour/);
  assert.match(bad({ profile: 'seasonal', bucket: '2h' }), /divides an hour/);
  assert.match(bad({ season_warmup: 3 }), /need profile: seasonal/);
  assert.match(bad({ profile: 'seasonal', season_warmup: 1.5 }), /whole number of weeks/);
  assert.match(bad({ profile: 'seasonal', season_alpha: 0 }), /season_alpha must be a number/);
  const r = seasonal({ season_alpha: 0.5, season_warmup: 3, bucket: '1h' });
  assert.deepEqual(r.season, { alpha: 0.5, warmupWeeks: 3 });
  assert.equal(rule().season, undefined);
});
