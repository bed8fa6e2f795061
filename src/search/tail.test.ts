import assert from 'node:assert/strict';
import { test } from 'node:test';
import { QueryError } from '../query/errors.js';
import type { EcsEvent } from '../schema/event.js';
import { TailHub, tailFilter } from './tail.js';

const ev = (i: number, user: string): EcsEvent => ({ '@timestamp': new Date(i * 1000).toISOString(), message: `login by ${user}`, user: { name: user }, seq: i });

void test('a subscription keeps only matching events, up to its capacity, and counts the rest as missed', () => {
  const hub = new TailHub();
  let notified = 0;
  const sub = hub.subscribe(tailFilter('user.name:root'), () => notified++, 3);
  hub.process([ev(1, 'root'), ev(2, 'bob'), ev(3, 'root'), ev(4, 'root'), ev(5, 'root'), ev(6, 'root')]);
  assert.equal(notified, 5);
  const first = sub.take();
  assert.deepEqual(
    first.events.map((e) => (JSON.parse(e) as { seq: number }).seq),
    [1, 3, 4],
  );
  assert.equal(first.missed, 2);
  hub.process([ev(7, 'root')]);
  assert.deepEqual(sub.take(), { events: [JSON.stringify(ev(7, 'root'))], missed: 0 });
  hub.unsubscribe(sub);
  assert.equal(hub.clients, 0);
  hub.process([ev(8, 'root')]);
  assert.equal(sub.pending, 0);
});

void test('where stages are and-ed in; aggregating stages and bad filters are refused with a position', () => {
  const hub = new TailHub();
  const sub = hub.subscribe(tailFilter('login | where user.name:b*'), () => undefined);
  hub.process([ev(1, 'root'), ev(2, 'bob')]);
  assert.equal(sub.take().events.length, 1);
  assert.throws(() => tailFilter('* | stats count()'), (e: unknown) => e instanceof QueryError && e.code === 'VIGIL_ERR_QUERY_UNSUPPORTED' && e.position === 2);
  assert.throws(() => tailFilter('source.ip > 5'), (e: unknown) => e instanceof QueryError && e.code === 'VIGIL_ERR_QUERY_INVALID');
});
