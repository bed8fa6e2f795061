import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LruMap } from './lru.js';

/** The obvious LRU (a Map in use order, moved by delete + set): the reference the O(1) one must agree with. */
class ReferenceLru<V> {
  readonly map = new Map<string, V>();
  evicted = 0;
  constructor(readonly cap: number) {}
  touch(k: string): V | undefined {
    const v = this.map.get(k);
    if (v !== undefined) {
      this.map.delete(k);
      this.map.set(k, v);
    }
    return v;
  }
  set(k: string, v: V): void {
    this.map.delete(k);
    this.map.set(k, v);
    while (this.map.size > this.cap) {
      const oldest = this.map.keys().next();
      if (oldest.done === true) break;
      this.map.delete(oldest.value);
      this.evicted++;
    }
  }
}

/** xorshift32: a fixed seed gives the same run every time, and a failure names its seed. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 0x1_0000_0000;
  };
}

test('property: random touch/set/peek/clear sequences agree with the reference LRU (values, order, evictions)', () => {
  for (let seed = 1; seed <= 300; seed++) {
    const r = rng(seed);
    const cap = Math.floor(r() * 8); // 0 to 7: cap 0 evicts every entry at once, as the reference does
    const keys = 1 + Math.floor(r() * 14);
    let calls = 0;
    const lru = new LruMap<number>(cap, () => calls++);
    const ref = new ReferenceLru<number>(cap);
    for (let step = 0; step < 400; step++) {
      const k = `k${Math.floor(r() * keys)}`;
      const op = r();
      const where = `seed ${seed} step ${step}`;
      if (op < 0.45) assert.equal(lru.touch(k), ref.touch(k), `touch ${where}`);
      else if (op < 0.9) {
        lru.set(k, step);
        ref.set(k, step);
      } else if (op < 0.98) assert.equal(lru.peek(k), ref.map.get(k), `peek ${where}`);
      else {
        lru.clear();
        ref.map.clear();
      }
      assert.equal(lru.size, ref.map.size, `size ${where}`);
      assert.equal(lru.evicted, ref.evicted, `evicted ${where}`);
      assert.equal(calls, ref.evicted, `onEvict calls ${where}`);
      assert.deepEqual([...lru.entries()], [...ref.map.entries()], `order ${where}`);
    }
  }
});

test('peek does not change the use order; touch and set do', () => {
  const lru = new LruMap<string>(2);
  lru.set('a', '1');
  lru.set('b', '2');
  assert.equal(lru.peek('a'), '1');
  lru.set('c', '3'); // a is still the least recently used
  assert.deepEqual([...lru.entries()].map(([k]) => k), ['b', 'c']);
  lru.touch('b');
  lru.set('d', '4');
  assert.deepEqual([...lru.entries()].map(([k]) => k), ['b', 'd']);
  lru.set('b', '5'); // replacing moves it to the end too
  assert.deepEqual([...lru.entries()], [
    ['d', '4'],
    ['b', '5'],
  ]);
  assert.equal(lru.evicted, 2);
});

test('at the cap, each new key costs constant time: 200,000 new keys through a cap of 100,000 stay fast', () => {
  const lru = new LruMap<number>(100_000);
  for (let i = 0; i < 100_000; i++) lru.set(`warm${i}`, i);
  const t0 = performance.now();
  for (let i = 0; i < 200_000; i++) {
    lru.set(`k${i}`, i);
    lru.touch(`k${i >> 1}`);
  }
  const ms = performance.now() - t0;
  assert.equal(lru.size, 100_000);
  assert.equal(lru.evicted, 200_000);
  // the Map delete+set version took seconds here (the iterator skips every hole deletions left); generous bound for a loaded machine
  assert.ok(ms < 3000, `${ms.toFixed(0)} ms`);
});
