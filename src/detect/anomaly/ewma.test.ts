import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ewmaUpdate, ewmaZeros, isSpike, newEwma, noiseFloor, spikeThreshold, stddev } from './ewma.js';

const close = (a: number, b: number, eps = 1e-9): void => assert.ok(Math.abs(a - b) <= eps, `${a} ≈ ${b}`);

test('EWMA: the first value sets the mean; then West\'s update, checked against the recurrence by hand', () => {
  const s = newEwma();
  ewmaUpdate(s, 10, 0.5);
  assert.deepEqual(s, { mean: 10, variance: 0, n: 1 });
  ewmaUpdate(s, 20, 0.5);
  // diff 10, incr 5 → mean 15, var = 0.5·(0 + 10·5) = 25
  close(s.mean, 15);
  close(s.variance, 25);
  ewmaUpdate(s, 15, 0.5);
  // diff 0 → mean 15, var 12.5
  close(s.mean, 15);
  close(s.variance, 12.5);
  assert.equal(s.n, 3);
  ewmaUpdate(s, Number.NaN, 0.5);
  assert.equal(s.n, 3, 'a non-finite value is ignored');
});

test('EWMA of a constant has that mean and no variance; alpha 1 keeps only the last value', () => {
  const s = newEwma();
  for (let i = 0; i < 100; i++) ewmaUpdate(s, 7, 0.1);
  close(s.mean, 7);
  close(s.variance, 0);
  const last = newEwma();
  for (const x of [1, 50, 3]) ewmaUpdate(last, x, 1);
  close(last.mean, 3);
  close(last.variance, 0);
});

test('EWMA of alternating values converges to their mean with a positive variance', () => {
  const s = newEwma();
  for (let i = 0; i < 2000; i++) ewmaUpdate(s, i % 2 === 0 ? 0 : 20, 0.05);
  assert.ok(Math.abs(s.mean - 10) < 1, String(s.mean));
  assert.ok(stddev(s) > 8 && stddev(s) < 12, String(stddev(s)));
});

test('empty buckets: k zeros one by one equal the loop, and a long gap resets in bounded work', () => {
  const a = { mean: 100, variance: 40, n: 5 };
  const b = { ...a };
  ewmaZeros(a, 3, 0.2);
  for (let i = 0; i < 3; i++) ewmaUpdate(b, 0, 0.2);
  close(a.mean, b.mean);
  close(a.variance, b.variance);
  const c = { mean: 100, variance: 40, n: 5 };
  ewmaZeros(c, 1e9, 0.2);
  assert.deepEqual(c, { mean: 0, variance: 0, n: 5 + 1e9 });
  const d = { mean: 1, variance: 1, n: 1 };
  ewmaZeros(d, 0, 0.2);
  assert.deepEqual(d, { mean: 1, variance: 1, n: 1 });
});

test('spike test at its boundaries: each of sigma, factor and min must hold on its own', () => {
  // mean 100, stddev 10 (variance 100): sigma 3 → 130, factor 2 → 200, min 50
  const s = { mean: 100, variance: 100, n: 10 };
  const t = { sigma: 3, factor: 2, min: 50 };
  assert.equal(spikeThreshold(s, t), 200);
  assert.equal(isSpike(200, s, t), false, 'factor: strictly more than 2× the mean');
  assert.equal(isSpike(201, s, t), true);
  const sig = { sigma: 3, factor: 1, min: 0 };
  assert.equal(isSpike(130, s, sig), false, 'sigma: strictly more than mean + 3σ');
  assert.equal(isSpike(130.5, s, sig), true);
  const min = { sigma: 0, factor: 1, min: 500 };
  assert.equal(isSpike(499, s, min), false, 'min: at least the minimum');
  assert.equal(isSpike(500, s, min), true);
});

test('the noise floor: never below √mean nor 1, so a perfectly regular past does not alert on a wobble', () => {
  assert.equal(noiseFloor({ mean: 100, variance: 0, n: 50 }), 10);
  assert.equal(noiseFloor({ mean: 0, variance: 0, n: 50 }), 1);
  assert.equal(noiseFloor({ mean: 4, variance: 400, n: 50 }), 20);
  const regular = { mean: 100, variance: 0, n: 50 };
  assert.equal(isSpike(130, regular, { sigma: 4, factor: 1, min: 0 }), false);
  assert.equal(isSpike(141, regular, { sigma: 4, factor: 1, min: 0 }), true);
  // a key never seen before (mean 0) alerts on min alone
  assert.equal(isSpike(10, newEwma(), { sigma: 6, factor: 10, min: 10 }), true);
  assert.equal(isSpike(9, newEwma(), { sigma: 6, factor: 10, min: 10 }), false);
});
