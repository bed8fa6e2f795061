import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { setImmediate as tick } from 'node:timers/promises';
import { BoundedQueue } from './queue.js';

/** Tracks whether a promise has settled, without awaiting it. */
function track<T>(p: Promise<T>): { settled: () => boolean; promise: Promise<T> } {
  let done = false;
  const promise = p.then(
    (v) => {
      done = true;
      return v;
    },
    (e: unknown) => {
      done = true;
      throw e;
    },
  );
  return { settled: () => done, promise };
}

/** Lets every queued microtask and one macrotask run. */
async function settle(): Promise<void> {
  await tick();
  await tick();
}

describe('BoundedQueue', () => {
  test('a capacity that is not positive is refused', () => {
    assert.throws(() => new BoundedQueue(0), RangeError);
    assert.throws(() => new BoundedQueue(-1), RangeError);
    assert.throws(() => new BoundedQueue(Number.NaN), RangeError);
  });

  test('items come out in the order they went in; size counts weight', async () => {
    const q = new BoundedQueue<string>(10);
    await q.push('a', 2);
    await q.push('b', 3);
    assert.equal(q.size, 5);
    assert.deepEqual(await q.take(100), ['a', 'b']);
    assert.equal(q.size, 0);
  });

  test('push waits while the queue is full and resumes after a take', async () => {
    const q = new BoundedQueue<number>(2);
    await q.push(1);
    await q.push(2);
    const third = track(q.push(3));
    await settle();
    assert.equal(third.settled(), false, 'push blocks at capacity');
    assert.equal(q.size, 2);

    assert.deepEqual(await q.take(1), [1]);
    await third.promise;
    assert.equal(q.size, 2);
    assert.deepEqual(await q.take(10), [2, 3]);
  });

  test('several blocked producers all get in as room frees, in order', async () => {
    const q = new BoundedQueue<number>(1);
    await q.push(0);
    const waiting = [track(q.push(1)), track(q.push(2)), track(q.push(3))];
    await settle();
    assert.ok(waiting.every((w) => !w.settled()));
    const out: number[] = [];
    while (out.length < 4) out.push(...(await q.take(1)));
    await Promise.all(waiting.map((w) => w.promise));
    assert.deepEqual(out, [0, 1, 2, 3]);
  });

  test('an item heavier than the capacity gets into an empty queue, and then blocks the next push', async () => {
    const q = new BoundedQueue<string>(5);
    await q.push('big', 50);
    assert.equal(q.size, 50);
    const next = track(q.push('small', 1));
    await settle();
    assert.equal(next.settled(), false);
    assert.deepEqual(await q.take(5), ['big']);
    await next.promise;
    assert.deepEqual(await q.take(5), ['small']);
  });

  test('take returns at least one item and at most maxWeight', async () => {
    const q = new BoundedQueue<string>(100);
    await q.push('a', 4);
    await q.push('b', 4);
    await q.push('c', 4);
    assert.deepEqual(await q.take(8), ['a', 'b']);
    assert.deepEqual(await q.take(1), ['c'], 'one item even when heavier than maxWeight');
  });

  test('take waits for data', async () => {
    const q = new BoundedQueue<string>(10);
    const taken = track(q.take(10));
    await settle();
    assert.equal(taken.settled(), false);
    await q.push('x');
    assert.deepEqual(await taken.promise, ['x']);
  });

  test('close: takers drain what is left, then get an empty array', async () => {
    const q = new BoundedQueue<number>(10);
    await q.push(1);
    await q.push(2);
    q.close();
    assert.equal(q.isClosed, true);
    assert.deepEqual(await q.take(1), [1]);
    assert.deepEqual(await q.take(1), [2]);
    assert.deepEqual(await q.take(1), []);
    assert.deepEqual(await q.take(1), []);
  });

  test('close wakes a waiting taker with an empty array', async () => {
    const q = new BoundedQueue<number>(10);
    const taken = track(q.take(5));
    await settle();
    q.close();
    assert.deepEqual(await taken.promise, []);
  });

  test('push after close, and a push blocked at close, are refused', async () => {
    const q = new BoundedQueue<number>(1);
    await q.push(1);
    const blocked = track(q.push(2));
    await settle();
    q.close();
    await assert.rejects(blocked.promise, /closed/);
    await assert.rejects(q.push(3), /closed/);
    assert.deepEqual(await q.take(10), [1], 'what was accepted before close is still drained');
    assert.deepEqual(await q.take(10), []);
  });

  test('order holds across many items (internal compaction)', async () => {
    const q = new BoundedQueue<number>(5000);
    const out: number[] = [];
    let next = 0;
    for (let round = 0; round < 4; round++) {
      for (let i = 0; i < 3000; i++) await q.push(next++);
      while (q.size > 0) out.push(...(await q.take(7)));
    }
    assert.equal(out.length, 12_000);
    assert.ok(out.every((v, i) => v === i));
  });

  test('a producer faster than the consumer never holds more than the capacity', async () => {
    const q = new BoundedQueue<number>(10);
    let maxSize = 0;
    const producer = (async () => {
      for (let i = 0; i < 200; i++) {
        await q.push(i);
        maxSize = Math.max(maxSize, q.size);
      }
      q.close();
    })();
    const got: number[] = [];
    for (;;) {
      const items = await q.take(3);
      if (items.length === 0) break;
      got.push(...items);
      await tick();
    }
    await producer;
    assert.equal(got.length, 200);
    assert.ok(got.every((v, i) => v === i));
    assert.ok(maxSize <= 10, `max size ${maxSize}`);
  });

  test('urgent items are taken before a backlog, in their own order, without waiting for room', async () => {
    const q = new BoundedQueue<string>(4);
    await q.push('e1', 2);
    await q.push('e2', 2);
    const blocked = track(q.push('e3', 2));
    await settle();
    assert.equal(blocked.settled(), false, 'the regular lane is full');
    q.pushUrgent('a1', 1);
    q.pushUrgent('a2', 1);
    q.pushUrgent('a3', 5);
    assert.equal(q.size, 11);
    assert.deepEqual(await q.take(2), ['a1', 'a2']);
    assert.deepEqual(await q.take(2), ['a3'], 'one item heavier than the batch still comes out');
    assert.deepEqual(await q.take(4), ['e1', 'e2']);
    await blocked.promise;
    assert.deepEqual(await q.take(4), ['e3']);
  });

  test('an urgent item wakes a waiting taker; none after close', async () => {
    const q = new BoundedQueue<string>(4);
    const taking = q.take(10);
    await settle();
    q.pushUrgent('alert');
    assert.deepEqual(await taking, ['alert']);
    q.close();
    assert.throws(() => q.pushUrgent('late'), /closed/);
    assert.deepEqual(await q.take(10), []);
  });
});
