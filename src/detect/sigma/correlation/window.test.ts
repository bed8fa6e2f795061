import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { CorrelationType } from './model.js';
import { WindowAggregate, aggregate, type Entry } from './window.js';

const TYPES: CorrelationType[] = ['event_count', 'value_count', 'temporal', 'temporal_ordered', 'value_sum', 'value_avg', 'value_percentile'];

const entry = fc.record({
  dt: fc.integer({ min: 0, max: 5 }),
  r: fc.integer({ min: 0, max: 2 }),
  v: fc.oneof(fc.constant(undefined), fc.integer({ min: -50, max: 50 }), fc.constantFrom('a', 'b', 'c'), fc.double({ min: -10, max: 10, noNaN: true })),
});

void test('successive windows over ascending ends give exactly what counting each window anew gives', () => {
  fc.assert(
    fc.property(fc.constantFrom(...TYPES), fc.array(entry, { maxLength: 60 }), fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 20 }), fc.integer({ min: 1, max: 30 }), (type, raw, endSteps, span) => {
      let t = 0;
      const entries: Entry[] = raw.map((x, i) => {
        t += x.dt;
        const e: Entry = { t, seq: i, r: x.r };
        // value types keep numbers for sums and averages, text or numbers otherwise (as the correlator reads them)
        if (x.v !== undefined && (typeof x.v === 'number' || (type !== 'value_sum' && type !== 'value_avg'))) e.v = x.v;
        return e;
      });
      const agg = new WindowAggregate(type, entries, 3);
      let end = 0;
      for (const step of endSteps) {
        end += step;
        let lo = 0;
        while (lo < entries.length && (entries[lo] as Entry).t < end - span) lo++;
        let hi = lo;
        while (hi < entries.length && (entries[hi] as Entry).t <= end) hi++;
        const want = aggregate(type, entries, lo, hi, 3);
        const got = agg.value(lo, hi);
        if (want === undefined || got === undefined) assert.equal(got, want, `${type} [${lo}, ${hi})`);
        else assert.ok(Math.abs(got - want) <= 1e-9 * Math.max(1, Math.abs(want)), `${type} [${lo}, ${hi}): ${got} vs ${want}`);
      }
    }),
    { numRuns: 1500 },
  );
});

void test('windows asked out of order are recounted, not corrupted', () => {
  const entries: Entry[] = [1, 2, 3, 4, 5].map((t, i) => ({ t, seq: i, r: 0, v: `p${t % 3}` }));
  const agg = new WindowAggregate('value_count', entries, 1);
  assert.equal(agg.value(0, 5), 3);
  assert.equal(agg.value(3, 5), 2);
  assert.equal(agg.value(0, 2), 2);
  assert.equal(agg.value(1, 4), 3);
});

void test('a running count kept across appends and front cuts equals counting the window anew', () => {
  fc.assert(
    fc.property(fc.constantFrom(...TYPES), fc.array(fc.record({ dt: fc.integer({ min: 0, max: 4 }), r: fc.integer({ min: 0, max: 2 }), v: fc.integer({ min: 0, max: 6 }), cut: fc.integer({ min: 0, max: 3 }) }), { maxLength: 80 }), fc.integer({ min: 1, max: 12 }), (type, steps, span) => {
      const entries: Entry[] = [];
      const agg = new WindowAggregate(type, entries, 3);
      let t = 0;
      steps.forEach((s, i) => {
        t += s.dt;
        entries.push({ t, seq: i, r: s.r, v: s.v });
        // the correlator drops entries older than the window (and beyond its cap) from the front
        let cut = 0;
        while (cut < entries.length && (entries[cut] as Entry).t < t - span - s.cut) cut++;
        if (entries.length - cut > 20) cut = entries.length - 20;
        agg.dropFront(cut);
        entries.splice(0, cut);
        let lo = 0;
        while (lo < entries.length && (entries[lo] as Entry).t < t - span) lo++;
        const want = aggregate(type, entries, lo, entries.length, 3);
        const got = agg.value(lo, entries.length);
        if (want === undefined || got === undefined) assert.equal(got, want);
        else assert.ok(Math.abs(got - want) <= 1e-9 * Math.max(1, Math.abs(want)), `${type}: ${got} vs ${want}`);
      });
    }),
    { numRuns: 1500 },
  );
});
