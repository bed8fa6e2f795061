import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseQuery } from '../query/parser.js';
import { normalizeEvent, type EcsEvent } from '../schema/event.js';
import type { AppendEvent, Store } from './store.js';

/**
 * The conformance suite every Store implementation runs. `make` returns a fresh, opened store and `reopen`
 * closes and opens the same one again.
 */
export interface StoreFactory {
  make(): Promise<Store>;
  reopen(store: Store): Promise<Store>;
  cleanup(store: Store): Promise<void>;
}

const BASE = Date.UTC(2026, 0, 10, 12, 0, 0);

export function sampleEvents(n: number, offset = 0): AppendEvent[] {
  const out: AppendEvent[] = [];
  for (let i = offset; i < offset + n; i++) {
    const raw: EcsEvent = {
      '@timestamp': new Date(BASE + i * 1000).toISOString(),
      message: i % 3 === 0 ? `Failed password for root from 10.0.${i % 7}.${i % 250} port ${1000 + i} ssh2` : `Accepted publickey for user${i % 5} from 192.168.1.${i % 9} port 22`,
      event: { dataset: 'sshd', outcome: i % 3 === 0 ? 'failure' : 'success', category: ['authentication'] },
      source: { ip: i % 3 === 0 ? `10.0.${i % 7}.${i % 250}` : `192.168.1.${i % 9}`, port: 1000 + i },
      user: { name: i % 3 === 0 ? 'root' : `user${i % 5}` },
      host: { name: i % 2 ? 'web-1' : 'db-1' },
      seq: i,
    };
    if (i % 11 === 0) raw['source'] = { ip: '2001:db8::1', port: 1 };
    // event.original in each form the store keeps: a header before the message, the message itself, other text, a list
    const ev = raw['event'] as EcsEvent;
    if (i % 4 === 0) ev['original'] = `<38>Jan 10 12:00:${String(i % 60).padStart(2, '0')} web-1 sshd[${i}]: ${String(raw['message'])}`;
    else if (i % 4 === 1) ev['original'] = raw['message'];
    else if (i % 4 === 2) ev['original'] = i % 8 === 2 ? `{"msg":"event ${i}"}` : [`line ${i}`];
    out.push(normalizeEvent(raw, BASE + 10_000_000, 'generic'));
  }
  return out;
}

async function ids(store: Store, q: string, from = 0, to = Number.MAX_SAFE_INTEGER): Promise<number[]> {
  const r = await store.search({ filter: parseQuery(q).filter, from, to, limit: 10_000 });
  return r.events.map((h) => h.event['seq'] as number);
}

/** What the reference says a query must return over sampleEvents(n): computed in plain code. */
function expected(events: AppendEvent[], pred: (e: EcsEvent, i: number) => boolean): number[] {
  return events
    .map((e, i) => ({ e, i }))
    .filter(({ e, i }) => pred(e.event, i))
    .sort((a, b) => b.e.ts - a.e.ts)
    .map(({ e }) => e.event['seq'] as number);
}

const QUERIES: [string, (e: EcsEvent) => boolean][] = [
  ['*', () => true],
  ['event.outcome:failure', (e) => (e['event'] as EcsEvent)['outcome'] === 'failure'],
  ['source.ip:10.0.3.0/24', (e) => String((e['source'] as EcsEvent)['ip']).startsWith('10.0.3.')],
  ['source.ip:"2001:db8::/32"', (e) => (e['source'] as EcsEvent)['ip'] === '2001:db8::1'],
  ['host.name:web-*', (e) => (e['host'] as EcsEvent)['name'] === 'web-1'],
  ['source.port >= 1100 and source.port < 1120', (e) => Number((e['source'] as EcsEvent)['port']) >= 1100 && Number((e['source'] as EcsEvent)['port']) < 1120],
  ['not user.name:root and event.category:authentication', (e) => (e['user'] as EcsEvent)['name'] !== 'root'],
  ['"Failed password"', (e) => String(e['message']).includes('Failed password')],
  ['publickey and user.name:(user1 or user2)', (e) => String(e['message']).includes('publickey') && ['user1', 'user2'].includes(String((e['user'] as EcsEvent)['name']))],
  ['event.original:*', (e) => (e['event'] as EcsEvent)['original'] !== undefined],
  ['event.original:"<38>Jan 10 12:00:12 web-1 sshd[12]: Failed password for root from 10.0.5.12 port 1012 ssh2"', (e) => e['seq'] === 12],
  ['event.original:Accepted*', (e) => String((e['event'] as EcsEvent)['original']).startsWith('Accepted')],
  ['event.original:*sshd*', (e) => String((e['event'] as EcsEvent)['original']).includes('sshd')],
  ['event.original:"{\\"msg\\":\\"event 10\\"}"', (e) => e['seq'] === 10],
  ['seq > 5 and seq <= 9', (e) => (e['seq'] as number) > 5 && (e['seq'] as number) <= 9],
];

export function storeConformance(name: string, factory: StoreFactory): void {
  test(`${name}: appended events are searchable newest first, with every field`, async () => {
    const store = await factory.make();
    try {
      const events = sampleEvents(50);
      const r = await store.append(events);
      assert.equal(r.stored, 50);
      const res = await store.search({ filter: parseQuery('*').filter, from: 0, to: Number.MAX_SAFE_INTEGER, limit: 10 });
      assert.equal(res.total, 50);
      assert.deepEqual(res.events.map((h) => h.event['seq']), [49, 48, 47, 46, 45, 44, 43, 42, 41, 40]);
      assert.deepEqual(res.events[0]?.event, events[49]?.event);
      const whole = await store.search({ filter: parseQuery('*').filter, from: 0, to: Number.MAX_SAFE_INTEGER, limit: 100 });
      assert.deepEqual(
        whole.events.map((h) => h.event).reverse(),
        events.map((e) => e.event),
      );
    } finally {
      await factory.cleanup(store);
    }
  });

  test(`${name}: filters give the same answers on hot and sealed data, and match a plain evaluation`, async () => {
    const store = await factory.make();
    try {
      const first = sampleEvents(120);
      const second = sampleEvents(80, 120);
      await store.append(first);
      await store.seal();
      await store.append(second);
      const all = [...first, ...second];
      for (const [q, pred] of QUERIES) {
        assert.deepEqual(await ids(store, q), expected(all, pred), q);
      }
    } finally {
      await factory.cleanup(store);
    }
  });

  test(`${name}: the time range bounds results (from inclusive, to exclusive)`, async () => {
    const store = await factory.make();
    try {
      await store.append(sampleEvents(30));
      assert.deepEqual(await ids(store, '*', BASE + 10_000, BASE + 13_000), [12, 11, 10]);
    } finally {
      await factory.cleanup(store);
    }
  });

  test(`${name}: aggregates group and merge across hot and sealed partitions, only within the time range`, async () => {
    const store = await factory.make();
    try {
      const first = sampleEvents(120);
      const second = sampleEvents(80, 120);
      await store.append(first);
      await store.seal();
      await store.append(second);
      const all = [...first, ...second];
      const r = await store.aggregate({
        filter: parseQuery('event.outcome:failure').filter,
        from: 0,
        to: Number.MAX_SAFE_INTEGER,
        groups: [{ kind: 'field', field: 'host.name' }],
        metrics: [{ func: 'count' }, { func: 'dc', field: 'source.ip' }, { func: 'min', field: 'source.port' }, { func: 'max', field: 'source.port' }, { func: 'sum', field: 'seq' }],
        maxGroups: 100,
        budgetMs: 30_000,
      });
      const rows = r.rows.map((x) => [...x.key, ...x.values]).sort((a, b) => String(a[0]).localeCompare(String(b[0])));
      const want = ['db-1', 'web-1'].map((host) => {
        const es = all.map((e) => e.event).filter((e) => (e['event'] as EcsEvent)['outcome'] === 'failure' && (e['host'] as EcsEvent)['name'] === host);
        const ports = es.map((e) => (e['source'] as EcsEvent)['port'] as number);
        return [host, es.length, new Set(es.map((e) => (e['source'] as EcsEvent)['ip'])).size, Math.min(...ports), Math.max(...ports), es.reduce((n, e) => n + (e['seq'] as number), 0)];
      });
      assert.deepEqual(rows, want);
      const bucket = await store.aggregate({
        filter: parseQuery('*').filter,
        from: BASE + 30_000,
        to: BASE + 150_000,
        groups: [{ kind: 'time', spanMs: 60_000 }],
        metrics: [{ func: 'count' }],
        maxGroups: 100,
        budgetMs: 30_000,
      });
      assert.deepEqual(
        bucket.rows.map((x) => [x.key[0], x.values[0]]).sort((a, b) => Number(a[0]) - Number(b[0])),
        [
          [BASE, 30],
          [BASE + 60_000, 60],
          [BASE + 120_000, 30],
        ],
      );
      await assert.rejects(
        store.aggregate({ filter: parseQuery('*').filter, from: 0, to: Number.MAX_SAFE_INTEGER, groups: [{ kind: 'field', field: 'seq' }], metrics: [{ func: 'count' }], maxGroups: 10, budgetMs: 30_000 }),
        { code: 'VIGIL_ERR_QUERY_BUDGET' },
      );
    } finally {
      await factory.cleanup(store);
    }
  });

  test(`${name}: field names seen in the data, and state documents that survive a reopen`, async () => {
    let store = await factory.make();
    try {
      await store.append(sampleEvents(20));
      const names = await store.fieldNames(0, Number.MAX_SAFE_INTEGER);
      for (const f of ['@timestamp', 'message', 'source.ip', 'user.name', 'seq', 'event.category']) assert.ok(names.includes(f), f);
      assert.equal(await store.getState('k'), undefined);
      await store.putState('k', '{"a":1}');
      await store.putState('k', '{"a":2}');
      store = await factory.reopen(store);
      assert.equal(await store.getState('k'), '{"a":2}');
    } finally {
      await factory.cleanup(store);
    }
  });

  test(`${name}: committed events survive a reopen and the chain verifies`, async () => {
    let store = await factory.make();
    try {
      await store.append(sampleEvents(40));
      await store.seal();
      await store.append(sampleEvents(10, 40));
      store = await factory.reopen(store);
      assert.equal((await ids(store, '*')).length, 50);
      const v = await store.verify();
      assert.equal(v.ok, true, JSON.stringify(v.firstProblem));
      assert.equal(v.events, 50);
    } finally {
      await factory.cleanup(store);
    }
  });
}
