import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { EcsEvent } from '../../schema/event.js';
import type { AlertInput } from '../alerts.js';
import { loadRuleSet } from '../ruleset.js';
import type { AnomalyDetector } from './detector.js';

/*
 * The shipped baseline rules without test files of their own (their minimums need thousands of events): each fires on
 * a burst after its warm-up, and ignores the events its query leaves out.
 */

function shipped(): AnomalyDetector {
  const d = loadRuleSet([fileURLToPath(new URL('../../../rules/anomaly/', import.meta.url))], { shipped: false }).anomaly;
  assert.ok(d);
  return d;
}

/** `perBucket` events in each of `buckets` buckets of `bucketMs`, then `burst` events in the next; alerts by rule title. */
function run(d: AnomalyDetector, make: (i: number) => EcsEvent, bucketMs: number, buckets: number, perBucket: number, burst: number): Map<string, AlertInput[]> {
  const out = new Map<string, AlertInput[]>();
  const t0 = Date.parse('2026-11-27T00:00:00Z');
  let i = 0;
  const feed = (t: number): void => {
    for (const a of d.observe(make(i++), t, t) ?? []) out.set(a.rule.title, [...(out.get(a.rule.title) ?? []), a]);
  };
  for (let b = 0; b < buckets; b++) for (let k = 0; k < perBucket; k++) feed(t0 + b * bucketMs + k);
  for (let k = 0; k < burst; k++) feed(t0 + buckets * bucketMs + 1);
  return out;
}

test('surge of firewall denies: 20 denies a minute for 10 minutes, then 600 in one minute', () => {
  const deny = (i: number): EcsEvent => ({ event: { dataset: 'netfilter', action: i % 2 ? 'deny' : 'drop' }, host: { name: 'fw-test' }, source: { ip: `10.9.${i % 200}.1` } });
  const a = run(shipped(), deny, 60_000, 10, 20, 600).get('Surge of firewall denies');
  assert.equal(a?.length, 1);
  assert.deepEqual(a[0]?.group, { 'host.name': 'fw-test' });
  assert.equal(a[0]?.value, 500, 'raised at the minimum');
  const allow = (i: number): EcsEvent => ({ ...deny(i), event: { dataset: 'netfilter', action: 'allow' } });
  assert.equal(run(shipped(), allow, 60_000, 10, 20, 600).get('Surge of firewall denies'), undefined, 'allowed packets do not count');
});

test('denial-of-service flood: one service gets 100 connections a minute, then 12,000', () => {
  const conn = (i: number): EcsEvent => ({ destination: { ip: '192.0.2.80', port: 443 }, source: { ip: `10.8.${(i >> 8) & 255}.${i & 255}` } });
  const a = run(shipped(), conn, 60_000, 10, 100, 12_000).get('Denial-of-service flood on a service');
  assert.equal(a?.length, 1);
  assert.deepEqual(a[0]?.group, { 'destination.ip': '192.0.2.80', 'destination.port': '443' });
  assert.equal(run(shipped(), conn, 60_000, 9, 100, 12_000).get('Denial-of-service flood on a service'), undefined, 'still warming up after 9 buckets');
});

test('outbound bytes: 1 MB per 5 minutes for an hour, then 600 MB', () => {
  const flow = (mb: number) => (): EcsEvent => ({ source: { ip: '10.7.0.5' }, network: { direction: 'outbound', bytes: mb * 1_000_000 } });
  const d = shipped();
  const base = run(d, flow(1), 300_000, 12, 1, 0);
  assert.equal(base.size, 0);
  const t = Date.parse('2026-11-27T00:00:00Z') + 12 * 300_000 + 5;
  const [a] = d.observe({ source: { ip: '10.7.0.5' }, network: { direction: 'outbound', bytes: 600_000_000 } }, t, t) ?? [];
  assert.equal(a?.rule.title, 'Abnormal volume of outbound bytes from one address');
  assert.equal(a.value, 600_000_000);
  const inbound = d.observe({ source: { ip: '10.7.0.6' }, network: { direction: 'inbound', bytes: 900_000_000 } }, t, t);
  assert.equal(inbound, undefined);
});

test('authentication failures for the hour of the week: a nightly scanner is learnt; the same burst in the afternoon alerts', () => {
  const d = shipped();
  const title = 'Authentication failures far above the usual for this hour of the week';
  const t0 = Date.parse('2026-11-02T00:00:00Z'); // a Monday
  const day = 86_400_000;
  const fail = { event: { category: ['authentication'], outcome: 'failure' }, host: { name: 'bastion-2' } };
  const alerts: { t: number; a: AlertInput }[] = [];
  const feed = (t: number, n: number): void => {
    for (let k = 0; k < n; k++) for (const a of d.observe(fail, t + k, t + k) ?? []) if (a.rule.title === title) alerts.push({ t: t + k, a });
  };
  // three failures every 10 minutes, and a scanner's 1,000 failures from 02:00 every night, for three weeks
  for (let t = t0; t < t0 + 21 * day; t += 600_000) feed(t, 3 + ((t - t0) % day === 2 * 3_600_000 ? 1000 : 0));
  assert.ok(alerts.some((x) => x.t < t0 + 7 * day), 'the first week: the slots are learning, the EWMA alerts');
  assert.deepEqual(
    alerts.filter((x) => x.t >= t0 + 14 * day).map((x) => x.a.explanation[0]),
    [],
    'the third week: the scanner is usual at 02:00',
  );
  // Wednesday of the fourth week, 14:00
  const at = t0 + 23 * day + 14 * 3_600_000;
  feed(t0 + 21 * day, 1);
  feed(at, 1000);
  const [late, ...more] = alerts.filter((x) => x.t >= t0 + 21 * day);
  assert.equal(more.length, 0);
  assert.deepEqual(late?.a.group, { 'host.name': 'bastion-2' });
  assert.equal(late.a.value, 200, 'raised at the minimum');
  assert.match(late.a.explanation[1] ?? '', /the Wednesday 14:00–15:00 UTC slot: 3 weeks of 6 buckets/);
});
