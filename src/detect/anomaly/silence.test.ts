import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AnomalyDetector } from './detector.js';
import { parseAnomalyRule } from './load.js';
import type { SilenceRule } from './model.js';
import { SilenceDetector } from './silence.js';

const LOC = { file: 'test.yml', line: 1, column: 1 };

function rule(extra: Record<string, unknown> = {}): SilenceRule {
  const r = parseAnomalyRule({ vigil: 'silence', title: 'quiet', id: 'quiet', key: 'host.name', min_events: 5, multiplier: 3, min_silence: '10s', max_silence: '1h', ...extra }, LOC, 'x');
  assert.equal(r.type, 'silence');
  return r;
}

/** `n` events from a host, one every `every` ms from `start`; the time of the last. */
function beats(d: SilenceDetector, host: string, start: number, n: number, every: number): number {
  for (let i = 0; i < n; i++) d.observe({ host: { name: host } }, start + i * every);
  return start + (n - 1) * every;
}

test('a host that sent every second goes quiet: the alert comes after max(min_silence, multiplier × interval), once', () => {
  const d = new SilenceDetector(rule());
  const last = beats(d, 'web-1', 0, 20, 1000);
  assert.equal(d.limit(d.keys.touch('web-1') ?? assert.fail()), 10_000, 'learned 1 s × 3 is below the 10 s floor');
  assert.equal(d.check(last + 10_000).length, 0, 'exactly the limit: not yet');
  const [a, ...rest] = d.check(last + 10_001);
  assert.equal(rest.length, 0);
  assert.ok(a);
  assert.deepEqual(a.group, { 'host.name': 'web-1' });
  assert.equal(a.type, 'silence');
  assert.match(a.explanation[0] ?? '', /^host\.name=web-1 has sent nothing for 10s since/);
  assert.match(a.explanation[1] ?? '', /learned interval 1s ± 0s over 20 beats; limit 10s \(3× the interval, at least 10s, at most 3600s\)/);
  assert.equal(d.check(last + 60_000).length, 0, 'one alert per silence');
  d.observe({ host: { name: 'web-1' } }, last + 61_000);
  // the long gap now weighs in the learned interval: the next limit is longer (capped by max_silence, 1 h)
  assert.equal(d.check(last + 61_000 + 60_000).length, 0);
  assert.equal(d.check(last + 61_000 + 3_600_001).length, 1, 'sent again, then quiet again: a new alert');
});

test('the learned interval scales the limit: a host that sends every minute may be quiet for three', () => {
  const d = new SilenceDetector(rule());
  const last = beats(d, 'batch-1', 0, 10, 60_000);
  assert.equal(d.check(last + 170_000).length, 0);
  assert.equal(d.check(last + 181_000).length, 1);
});

test('a configured interval wins over the learned one; max_silence caps the limit', () => {
  const fixed = new SilenceDetector(rule({ interval: '20s' }));
  const last = beats(fixed, 'db-1', 0, 10, 1000);
  assert.equal(fixed.check(last + 59_000).length, 0);
  assert.equal(fixed.check(last + 61_000).length, 1);
  const capped = new SilenceDetector(rule({ max_silence: '30s' }));
  const l2 = beats(capped, 'slow-1', 0, 10, 600_000);
  assert.equal(capped.check(l2 + 31_000).length, 1);
});

test('no alert for a host that never sent regularly (fewer than min_events beats); a burst is one beat', () => {
  const d = new SilenceDetector(rule());
  beats(d, 'rare-1', 0, 4, 1000);
  for (let i = 0; i < 50; i++) d.observe({ host: { name: 'burst-1' } }, 100); // 50 events, one beat
  assert.equal(d.check(1_000_000).length, 0);
  assert.equal(d.keys.touch('burst-1')?.beats, 1);
});

test('only live events count: history being imported (event time far from arrival) teaches nothing', () => {
  const d = new SilenceDetector(rule());
  const day = 86_400_000;
  for (let i = 0; i < 20; i++) d.observe({ host: { name: 'old-1' } }, day + i * 1000, i * 1000);
  for (let i = 0; i < 20; i++) d.observe({ host: { name: 'skewed-1' } }, day + i * 1000, day + i * 1000 - 5 * 3_600_000);
  assert.equal(d.keys.touch('old-1'), undefined);
  assert.equal(d.check(day + 3_600_000).map((a) => a.group?.['host.name']).join(), 'skewed-1', 'a sender 5 h off (no time zone) still counts');
});

test('bounded: keys beyond max_keys are evicted (least recently seen) and counted', () => {
  let evicted = 0;
  const d = new SilenceDetector(rule({ max_keys: 2 }), () => evicted++);
  for (const h of ['a', 'b', 'c', 'd']) d.observe({ host: { name: h } }, 0);
  assert.equal(d.keys.size, 2);
  assert.equal(evicted, 2);
});

test('restart: saved keys come back, and the silence is counted from the restart at the earliest', () => {
  const r = rule();
  const a = new AnomalyDetector([r]);
  for (let i = 0; i < 20; i++) a.observe({ host: { name: 'mail-1' } }, 0, i * 1000);
  const saved = JSON.parse(JSON.stringify(a.snapshot())) as ReturnType<AnomalyDetector['snapshot']>;
  const b = new AnomalyDetector([r]);
  const restart = 500_000;
  assert.equal(b.restore(saved, restart), 1);
  assert.equal(b.tick(restart + 9_000).length, 0, 'no alert right after a restart');
  const [alert] = b.tick(restart + 11_000);
  assert.deepEqual(alert?.group, { 'host.name': 'mail-1' });
  assert.match(alert?.explanation[1] ?? '', /over 20 beats/);
});
