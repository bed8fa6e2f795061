import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { holdHotWrites } from '../../test/support/hold-writes.js';
import { LineParser } from '../parsers/line.js';
import { parseQuery } from '../query/parser.js';
import { SqliteStore } from '../store/sqlite/index.js';
import type { EcsEvent } from '../schema/event.js';
import { Pipeline } from './pipeline.js';
import { Telemetry } from './telemetry.js';

async function withStore(fn: (store: SqliteStore, telemetry: Telemetry, dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-pipeline-'));
  const store = new SqliteStore({ dir, sync: 'normal' });
  await store.open();
  try {
    await fn(store, new Telemetry(), dir);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const LINE = (i: number): string => `Nov 26 08:00:${String(i % 60).padStart(2, '0')} bastion sshd[${100 + i}]: Failed password for root from 203.0.113.${i % 250} port ${2000 + i} ssh2`;

test('a submission resolves only once its events are stored, and many small ones are grouped into batches', async () => {
  await withStore(async (store, telemetry) => {
    const pipeline = new Pipeline({ store, telemetry, parser: new LineParser(), batchEvents: 500 });
    const subs = Array.from({ length: 40 }, (_, k) =>
      pipeline.submitRecords(Array.from({ length: 50 }, (_, i) => ({ message: LINE(k * 50 + i), receivedAt: Date.now() }))),
    );
    const results = await Promise.all(subs);
    assert.equal(results.reduce((a, r) => a + r.stored, 0), 2000);
    const batches = new Set(results.flatMap((r) => r.batches));
    assert.ok(batches.size < 40, `40 submissions went into ${batches.size} batches`);
    const r = await store.search({ filter: parseQuery('event.outcome:failure').filter, from: 0, to: Number.MAX_SAFE_INTEGER, limit: 0 });
    assert.equal(r.total, 2000);
    const metrics = await telemetry.metrics();
    assert.match(metrics, /vigil_component_sent_events_total\{component="store",kind="sink"\} 2000/);
    assert.match(metrics, /vigil_component_received_events_total\{component="line",kind="parser"\} 2000/);
    await pipeline.drain();
  });
});

test('a store that cannot write rejects the submission (nothing is acknowledged) and counts the loss', async () => {
  await withStore(async (store, telemetry) => {
    const pipeline = new Pipeline({ store, telemetry, parser: new LineParser() });
    await store.close();
    await assert.rejects(pipeline.submitRecords([{ message: LINE(1), receivedAt: Date.now() }]), /store is closed/);
    const metrics = await telemetry.metrics();
    assert.match(metrics, /vigil_component_discarded_events_total\{component="store",kind="sink",reason="store_write_failed",intentional="false"\} 1/);
    assert.match(metrics, /vigil_component_errors_total\{component="store",kind="sink",error_type="VIGIL_ERR_STORE_CLOSED",stage="append"\} 1/);
    await pipeline.drain();
  });
});

test('a submission larger than a slice: each event reaches the transforms once, in order, a slice at a time, and is stored', async () => {
  await withStore(async (store, telemetry) => {
    const seen: string[] = [];
    const calls: number[] = [];
    const recorder = {
      name: 'recorder',
      process(events: readonly EcsEvent[]): void {
        calls.push(events.length);
        for (const e of events) seen.push(String(e['message']));
      },
    };
    const pipeline = new Pipeline({ store, telemetry, parser: new LineParser(), transforms: [recorder] });
    const lines = Array.from({ length: 100 }, (_, i) => LINE(i));
    const r = await pipeline.submitRecords(lines.map((message) => ({ message, receivedAt: Date.now() })));
    assert.equal(r.stored, 100);
    assert.deepEqual(seen, lines.map((l) => l.slice(l.indexOf('Failed'))));
    assert.ok(calls.length > 1 && calls.every((n) => n <= 16), `transform calls of ${calls.join(', ')} events`);
    const found = await store.search({ filter: parseQuery('event.outcome:failure').filter, from: 0, to: Number.MAX_SAFE_INTEGER, limit: 200 });
    assert.equal(found.total, 100);
    assert.deepEqual(new Set(found.events.map((h) => h.event['message'])), new Set(seen));
    await pipeline.drain();
  });
});

test('an event that cannot be encoded in a later slice fails the whole submission: nothing of it is stored', async () => {
  await withStore(async (store, telemetry) => {
    let n = 0;
    // a cycle in the 40th event: its document cannot be written as JSON
    const breaker = {
      name: 'breaker',
      process(events: readonly EcsEvent[]): void {
        for (const e of events) if (++n === 40) e['loop'] = e;
      },
    };
    const pipeline = new Pipeline({ store, telemetry, parser: new LineParser(), transforms: [breaker] });
    await assert.rejects(pipeline.submitRecords(Array.from({ length: 50 }, (_, i) => ({ message: LINE(i), receivedAt: Date.now() }))), /circular/i);
    const metrics = await telemetry.metrics();
    assert.match(metrics, /vigil_component_discarded_events_total\{component="store",kind="sink",reason="store_write_failed",intentional="false"\} 50/);
    const ok = await pipeline.submitRecords([{ message: LINE(99), receivedAt: Date.now() }]);
    assert.equal(ok.stored, 1);
    const found = await store.search({ filter: parseQuery('event.outcome:failure').filter, from: 0, to: Number.MAX_SAFE_INTEGER, limit: 0 });
    assert.equal(found.total, 1);
    await pipeline.drain();
  });
});

test('drain stores everything already accepted, then refuses more', async () => {
  await withStore(async (store, telemetry) => {
    const pipeline = new Pipeline({ store, telemetry, parser: new LineParser(), batchEvents: 100, queueEvents: 1000 });
    const pending = pipeline.submitRecords(Array.from({ length: 3000 }, (_, i) => ({ message: LINE(i), receivedAt: Date.now() })));
    const drained = pipeline.drain();
    await assert.doesNotReject(pending);
    await drained;
    const r = await store.search({ filter: parseQuery('*').filter, from: 0, to: Number.MAX_SAFE_INTEGER, limit: 0 });
    assert.equal(r.total, 3000);
    await assert.rejects(pipeline.submitRecords([{ message: LINE(1), receivedAt: Date.now() }]), /closed/);
  });
});

test('urgent documents (alerts) are stored ahead of a backlog of events', async () => {
  await withStore(async (store, telemetry) => {
    const pipeline = new Pipeline({ store, telemetry, parser: new LineParser(), batchEvents: 500, queueEvents: 50_000, inflight: 1 });
    const order: string[] = [];
    const backlog = Array.from({ length: 30 }, (_, k) =>
      pipeline.submitRecords(Array.from({ length: 1000 }, (_, i) => ({ message: LINE(k * 1000 + i), receivedAt: Date.now() }))).then(() => order.push(`events ${k}`)),
    );
    const alert = pipeline.submitEvents([{ message: 'an alert', event: { kind: 'alert' } }], 'generic', { urgent: true }).then(() => order.push('alert'));
    await Promise.all([...backlog, alert]);
    const at = order.indexOf('alert');
    assert.ok(at >= 0 && at < 5, `the alert was stored after ${at} of 30 event submissions: ${order.join(', ')}`);
    const r = await store.search({ filter: parseQuery('event.kind:alert').filter, from: 0, to: Number.MAX_SAFE_INTEGER, limit: 0 });
    assert.equal(r.total, 1);
    await pipeline.drain();
  });
});

test('batches are handed to the store as they come, without waiting for the commits before them', async () => {
  await withStore(async (store, telemetry) => {
    // the store's commits are held back until released: the pipeline must not wait for them to hand over more
    let started = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const appendEncoded = store.appendEncoded.bind(store);
    store.appendEncoded = async (chunks, options) => {
      started++;
      await gate;
      return appendEncoded(chunks, options);
    };
    const pipeline = new Pipeline({ store, telemetry, parser: new LineParser(), batchEvents: 500 });
    const subs: Promise<unknown>[] = [];
    for (let k = 0; k < 6; k++) {
      subs.push(pipeline.submitRecords(Array.from({ length: 100 }, (_, i) => ({ message: LINE(k * 100 + i), receivedAt: Date.now() }))));
      // a new turn of the event loop: each submission is its own batch
      await new Promise((r) => setImmediate(r));
    }
    assert.equal(started, 6, `${started} of 6 batches were handed to the store before the first commit`);
    release();
    const results = await Promise.all(subs);
    assert.equal(results.length, 6);
    const r = await store.search({ filter: parseQuery('*').filter, from: 0, to: Number.MAX_SAFE_INTEGER, limit: 0 });
    assert.equal(r.total, 600);
    await pipeline.drain();
  });
});

test('encoded events are let go once handed to the store, not kept alive until the commit', async () => {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  await withStore(async (store, telemetry, dir) => {
    // what the store encodes, watched without keeping it alive
    const refs: WeakRef<object>[] = [];
    const encode = store.encode.bind(store);
    store.encode = (events) => {
      const chunks = encode(events);
      for (const c of chunks) refs.push(new WeakRef(c));
      return chunks;
    };
    // another connection holds the hot partition's write lock: the writer thread waits, the commit stays pending
    const held = holdHotWrites(dir);
    let stored = false;
    try {
      const pipeline = new Pipeline({ store, telemetry, parser: new LineParser(), batchEvents: 500 });
      const sub = pipeline.submitRecords(Array.from({ length: 200 }, (_, i) => ({ message: LINE(i), receivedAt: Date.now() })));
      // (a failure is reported by the await below)
      void sub.then(
        () => (stored = true),
        () => undefined,
      );
      await new Promise((r) => setTimeout(r, 50));
      gc();
      await new Promise((r) => setImmediate(r));
      assert.equal(stored, false, 'the commit is still pending');
      assert.ok(refs.length > 0);
      const alive = refs.filter((r) => r.deref() !== undefined).length;
      assert.equal(alive, 0, `${alive} of ${refs.length} encoded chunks still alive while the commit is pending`);
      held.release();
      assert.equal((await sub).stored, 200);
      await pipeline.drain();
    } finally {
      held.release();
    }
  });
});
