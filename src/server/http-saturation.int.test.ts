import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, errors } from '@elastic/elasticsearch';
import { holdHotWrites } from '../../test/support/hold-writes.js';
import { runId, startTestApp, type TestApp } from './app-harness.js';

/**
 * Saturation, made real: another connection holds SQLite's write lock on the store's hot partition (as a backup tool
 * or an administrator's `sqlite3` shell could), so the store's commits wait. Requests keep arriving; once the store
 * queue is full, the ingest endpoints refuse work (bulk and native 429, HEC 503 "Server is busy", each with
 * Retry-After) rather than hold it, and count the refusal. What was accepted is answered only after the lock is gone
 * and the events are committed, and is then all searchable; nothing refused is stored.
 */

const QUEUE = 1000;
const BATCH = 100;
const REQUESTS = 16;
const DOCS_PER_REQUEST = 100;

interface SplunkLogger {
  send(ctx: { message: unknown }): void;
  flush(cb: (err: unknown, resp: { statusCode: number; headers: Record<string, string> } | undefined, body: unknown) => void): void;
  error: (err: unknown, ctx: unknown) => void;
}
const { Logger } = createRequire(import.meta.url)('splunk-logging') as { Logger: new (cfg: Record<string, unknown>) => SplunkLogger };

let app: TestApp;

before(async () => {
  app = await startTestApp({ queueEvents: QUEUE, batchEvents: BATCH });
});

after(async () => {
  await app.stop();
});

function bulkBody(id: string, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += `{"create":{"_index":"logs-sat-default"}}\n{"message":"sat ${i}","user":{"name":"${id}"}}\n`;
  return s;
}

test('a full store queue answers 429/503 with Retry-After; accepted requests are answered only once committed', async () => {
  const id = runId('sat');
  const auth = { authorization: `Bearer ${app.token}` };
  const held = holdHotWrites(app.storeDir);
  let released = 0;
  try {
    const answered: { status: number; at: number }[] = [];
    const pending = Array.from({ length: REQUESTS }, async () => {
      const res = await fetch(`${app.url}/_bulk`, { method: 'POST', headers: { ...auth, 'content-type': 'application/x-ndjson' }, body: bulkBody(id, DOCS_PER_REQUEST) });
      await res.arrayBuffer();
      answered.push({ status: res.status, at: Date.now() });
      return res.status;
    });

    // wait until the queue is full: the cluster health turns yellow
    let status = '';
    for (let i = 0; i < 100 && status !== 'yellow'; i++) {
      const h = await fetch(`${app.url}/_cluster/health`, { headers: auth });
      status = ((await h.json()) as { status: string }).status;
      if (status !== 'yellow') await sleep(50);
    }
    assert.equal(status, 'yellow', 'the store queue never filled');

    // every ingest endpoint now refuses, with Retry-After
    const bulk = await fetch(`${app.url}/_bulk`, { method: 'POST', headers: auth, body: bulkBody(`${id}-refused`, 5) });
    assert.equal(bulk.status, 429);
    assert.equal(bulk.headers.get('retry-after'), '1');
    assert.equal(((await bulk.json()) as { error: { type: string } }).error.type, 'es_rejected_execution_exception');

    const es = new Client({ node: app.url, auth: { bearer: app.token } });
    try {
      await assert.rejects(es.bulk({ operations: [{ create: { _index: 'x' } }, { user: { name: `${id}-refused` } }] }), (err: unknown) => {
        assert.ok(err instanceof errors.ResponseError);
        assert.equal(err.statusCode, 429);
        assert.equal(err.headers?.['retry-after'], '1');
        return true;
      });
    } finally {
      await es.close();
    }

    const hec = await fetch(`${app.url}/services/collector/event`, { method: 'POST', headers: { authorization: `Splunk ${app.token}` }, body: `{"event":{"user":{"name":"${id}-refused"}}}` });
    assert.equal(hec.status, 503);
    assert.equal(hec.headers.get('retry-after'), '1');
    assert.deepEqual(await hec.json(), { text: 'Server is busy', code: 9 });

    const logger = new Logger({ token: app.token, url: app.url, maxBatchCount: 0 });
    logger.error = () => undefined;
    logger.send({ message: { user: { name: `${id}-refused` } } });
    const viaLib = await new Promise<{ status: number | undefined; body: unknown }>((resolve) => logger.flush((_e, resp, body) => resolve({ status: resp?.statusCode, body })));
    assert.equal(viaLib.status, 503);
    assert.deepEqual(viaLib.body, { text: 'Server is busy', code: 9 });

    const health = await fetch(`${app.url}/services/collector/health`);
    assert.equal(health.status, 503);
    assert.deepEqual(await health.json(), { text: 'HEC is unhealthy, queues are full', code: 18 });

    const native = await fetch(`${app.url}/api/v1/ingest`, { method: 'POST', headers: { ...auth, 'content-type': 'application/x-ndjson' }, body: `{"user":{"name":"${id}-refused"}}\n` });
    assert.equal(native.status, 429);
    assert.equal(native.headers.get('retry-after'), '1');
    assert.equal(((await native.json()) as { error: { code: string } }).error.code, 'VIGIL_ERR_SATURATED');

    // nothing accepted has been answered while the store could not commit
    assert.deepEqual(answered.filter((a) => a.status === 200), []);
    await sleep(300);
    assert.deepEqual(answered.filter((a) => a.status === 200), []);
    released = Date.now();
    held.release();

    const statuses = await Promise.all(pending);
    const accepted = statuses.filter((s) => s === 200).length;
    const refused = statuses.filter((s) => s === 429).length;
    assert.equal(accepted + refused, REQUESTS, `unexpected statuses ${statuses.join(',')}`);
    assert.ok(refused >= 1, `the queue of ${QUEUE} cannot take ${REQUESTS * DOCS_PER_REQUEST} events at once`);
    assert.ok(accepted * DOCS_PER_REQUEST >= QUEUE, `at least a queue's worth accepted, got ${accepted} requests`);
    for (const a of answered) if (a.status === 200) assert.ok(a.at >= released, 'a request was acknowledged before its events were committed');

    const stored = await app.search(`user.name:${id}`, 10);
    assert.equal(stored.total, accepted * DOCS_PER_REQUEST);
    assert.equal((await app.search(`user.name:${id}-refused`, 10)).total, 0);

    const m = await app.metrics();
    const dropped = (c: string) => Number(new RegExp(`vigil_component_discarded_events_total\\{component="${c}",kind="source",reason="saturated",intentional="true"\\} (\\d+)`).exec(m)?.[1] ?? 0);
    assert.equal(dropped('http_bulk'), refused * DOCS_PER_REQUEST + 5 + 1);
    assert.equal(dropped('http_hec'), 2);
    assert.equal(dropped('http_ingest'), 1);

    // and once the queue has drained, the endpoints take work again
    const again = await fetch(`${app.url}/_bulk`, { method: 'POST', headers: auth, body: bulkBody(`${id}-after`, 3) });
    assert.equal(again.status, 200);
    assert.equal((await app.search(`user.name:${id}-after`, 10)).total, 3);
  } finally {
    held.release();
  }
});
