import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { Pipeline } from '../core/pipeline.js';
import { Telemetry } from '../core/telemetry.js';
import { LineParser } from '../parsers/line.js';
import { buildApp } from '../server/app.js';
import { SqliteStore } from '../store/sqlite/index.js';
import { tailHubFor } from './tail.js';

/** The real API on 127.0.0.1 with the live tail wired into the pipeline, as `vigil serve` wires it. */
describe('query API: tables, errors, budget, live tail, saved searches', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-query-api-'));
  const token = `test-token-${process.pid}-0123456789`;
  const auth = { authorization: `Bearer ${token}` };
  let store: SqliteStore;
  let pipeline: Pipeline;
  let app: FastifyInstance;
  let url = '';
  const base = Date.now() - 3_600_000;

  const ndjson = (n: number, offset: number, extra = ''): string =>
    Array.from({ length: n }, (_, k) => {
      const i = k + offset;
      return JSON.stringify({
        '@timestamp': new Date(base + i * 1000).toISOString(),
        message: `${i % 4 === 0 ? 'Failed' : 'Accepted'} password for u${i % 5} from 10.0.0.${i % 7}${extra}`,
        event: { dataset: 'sshd', outcome: i % 4 === 0 ? 'failure' : 'success' },
        source: { ip: `10.0.0.${i % 7}`, port: 1000 + i },
        user: { name: `u${i % 5}` },
        seq: i,
      });
    }).join('\n');

  const ingest = async (body: string): Promise<void> => {
    const res = await fetch(`${url}/api/v1/ingest`, { method: 'POST', headers: { ...auth, 'content-type': 'application/x-ndjson' }, body });
    assert.equal(res.status, 200, await res.clone().text());
  };
  const search = async (q: string, extra: Record<string, string> = {}): Promise<{ status: number; body: Record<string, unknown> }> => {
    const res = await fetch(`${url}/api/v1/search?${new URLSearchParams({ q, ...extra }).toString()}`, { headers: auth });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  before(async () => {
    store = new SqliteStore({ dir: join(dir, 'store'), sync: 'normal' });
    await store.open();
    pipeline = new Pipeline({ store, telemetry: new Telemetry(), parser: new LineParser(), transforms: [tailHubFor(store)] });
    app = buildApp({ store, pipeline, telemetry: new Telemetry(), token, bodyLimitBytes: 64 * 1024 * 1024, version: 'test', health: () => Promise.resolve({}) });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const addr = app.server.address();
    assert.ok(addr && typeof addr === 'object');
    url = `http://127.0.0.1:${addr.port}`;
    await ingest(ndjson(1000, 0));
    await store.seal();
    await ingest(ndjson(1000, 1000));
  });

  after(async () => {
    const sweep = setInterval(() => app.server.closeIdleConnections(), 50);
    await app.close();
    clearInterval(sweep);
    await pipeline.drain();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('an aggregating query answers {"columns","rows"}, counted over both partitions', async () => {
    const r = await search('event.dataset:sshd | stats count() by source.ip | sort -count | head 3');
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(r.body['columns'], ['source.ip', 'count']);
    // 2000 events over 7 addresses: i % 7 == 0..5 get 286, 6 gets 285
    assert.deepEqual(r.body['rows'], [
      ['10.0.0.0', 286],
      ['10.0.0.1', 286],
      ['10.0.0.2', 286],
    ]);
    const t = await search('* | top 2 event.outcome');
    assert.deepEqual(t.body['rows'], [
      ['success', 1500, 75],
      ['failure', 500, 25],
    ]);
  });

  test('a time range reads only what is in it, and a timechart fills aligned buckets', async () => {
    const from = new Date(base).toISOString();
    const to = new Date(base + 600_000).toISOString();
    const r = await search('* | timechart span=5m count() by event.outcome', { from, to });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(r.body['columns'], ['_time', 'success', 'failure']);
    const rows = r.body['rows'] as [string, number, number][];
    const first = Math.floor(base / 300_000) * 300_000;
    assert.equal(rows[0]?.[0], new Date(first).toISOString());
    assert.equal(
      rows.reduce((s, x) => s + x[1] + x[2], 0),
      600,
    );
  });

  test('events: head N asks for N, fields makes a table, where before an aggregation filters events', async () => {
    const h = await search('user.name:u1 | head 150');
    assert.equal((h.body['events'] as unknown[]).length, 150);
    const f = await search('user.name:u1 | head 3 | fields seq, user.name, nothing.here');
    assert.deepEqual(f.body, { columns: ['seq', 'user.name', 'nothing.here'], rows: [[1996, 'u1', null], [1991, 'u1', null], [1986, 'u1', null]], truncated: false, took_ms: f.body['took_ms'] });
    const w = await search('* | where user.name:u1 and seq < 20 | stats count()');
    assert.deepEqual(w.body['rows'], [[4]]);
    const tc = await search('* | timechart span=1h count()');
    const rows = tc.body['rows'] as [string, number][];
    assert.equal(rows.reduce((n, x) => n + x[1], 0), 2000);
    assert.equal(rows[rows.length - 1]?.[0], new Date(Math.floor((base + 1999_000) / 3_600_000) * 3_600_000).toISOString());
  });

  test('errors say where and what: caret position, did-you-mean, unknown columns', async () => {
    const a = await search('sorce.ip:10.0.0.1');
    assert.equal(a.status, 400);
    assert.deepEqual(a.body['error'], { code: 'VIGIL_ERR_QUERY_INVALID', message: "unknown field 'sorce.ip' (did you mean 'source.ip'?) at position 0", position: 0 });
    const b = await search('* | stats count() by user.name | sort -cuont');
    assert.equal(b.status, 400);
    assert.match(String((b.body['error'] as { message: string }).message), /no column 'cuont' .*did you mean 'count'/);
    const c = await search('* | stats count( by x');
    assert.equal(c.status, 400);
    assert.equal((c.body['error'] as { position: number; expected: string }).position, 20);
    assert.equal((c.body['error'] as { position: number; expected: string }).expected, "')'");
  });

  test('a query over its time budget stops with VIGIL_ERR_QUERY_BUDGET', async () => {
    const r = await search('* | stats dc(seq), values(message) by source.port', { budget_ms: '1' });
    assert.equal(r.status, 400, JSON.stringify(r.body));
    assert.equal((r.body['error'] as { code: string }).code, 'VIGIL_ERR_QUERY_BUDGET');
    const ok = await search('* | stats count()', { budget_ms: '30000' });
    assert.deepEqual(ok.body['rows'], [[2000]]);
  });

  test('live tail streams only matching new events, as Server-Sent Events', async () => {
    const ac = new AbortController();
    const res = await fetch(`${url}/api/v1/stream?${new URLSearchParams({ q: 'user.name:u3 and event.outcome:failure' }).toString()}`, { headers: auth, signal: ac.signal });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /text\/event-stream/);
    assert.ok(res.body);
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    let text = '';
    const readUntil = async (pred: () => boolean): Promise<void> => {
      while (!pred()) {
        const { value, done } = (await reader.read()) as { value?: Uint8Array; done: boolean };
        if (done) break;
        text += decoder.decode(value, { stream: true });
      }
    };
    await readUntil(() => text.includes('event: ready'));
    await ingest(ndjson(100, 5000));
    // i in 5000..5099 with i % 5 == 3 and i % 4 == 0: 5008, 5028, 5048, 5068, 5088
    await readUntil(() => (text.match(/^data: \{"@timestamp/gm) ?? []).length >= 5);
    const seqs = [...text.matchAll(/^data: (\{"@timestamp.*\})$/gm)].map((m) => (JSON.parse(m[1] as string) as { seq: number }).seq);
    assert.deepEqual(seqs, [5008, 5028, 5048, 5068, 5088]);
    // a client that goes away is unsubscribed; one left open does not keep the server from closing (see after())
    const hub = tailHubFor(store);
    const left = await fetch(`${url}/api/v1/stream?q=nothing.matches:this`, { headers: auth });
    assert.equal(left.status, 200);
    assert.equal(hub.clients, 2);
    ac.abort();
    for (let i = 0; i < 100 && hub.clients > 1; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(hub.clients, 1);
  });

  test('a live-tail client that does not read is told how many events it missed; ingest does not wait for it', async () => {
    const ac = new AbortController();
    const res = await fetch(`${url}/api/v1/stream?q=*`, { headers: auth, signal: ac.signal });
    assert.ok(res.body);
    const reader = res.body.getReader();
    // ~25 MB of matching events while the client reads nothing: the socket backs up, the queue fills at 1000
    const pad = ' '.repeat(800);
    const started = performance.now();
    for (let k = 0; k < 6; k++) await ingest(ndjson(5000, 10_000 + k * 5000, pad));
    const ingestMs = performance.now() - started;
    const decoder = new TextDecoder();
    let text = '';
    while (!/event: missed\ndata: \{"missed":\d+\}/.test(text)) {
      const { value, done } = (await reader.read()) as { value?: Uint8Array; done: boolean };
      if (done) break;
      text += decoder.decode(value, { stream: true });
      if (text.length > 64 * 1024 * 1024) break;
    }
    const m = /event: missed\ndata: \{"missed":(\d+)\}/.exec(text);
    assert.ok(m, 'a missed message arrives');
    assert.ok(Number(m[1]) > 0);
    assert.ok(ingestMs < 60_000);
    ac.abort();
    const bad = await fetch(`${url}/api/v1/stream?${new URLSearchParams({ q: '* | top 5 user.name' }).toString()}`, { headers: auth });
    assert.equal(bad.status, 400);
    assert.equal(((await bad.json()) as { error: { code: string } }).error.code, 'VIGIL_ERR_QUERY_UNSUPPORTED');
  });

  test('saved searches: create, list, run with a condition that raises an alert, delete', async () => {
    const post = async (body: unknown): Promise<Response> =>
      fetch(`${url}/api/v1/saved-searches`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const bad = await post({ name: 'x', query: 'a:(b' });
    assert.equal(bad.status, 400);
    const badCond = await post({ name: 'x', query: '*', schedule: { interval: '1m', condition: 'rows >> 1' } });
    assert.equal(badCond.status, 400);
    const created = await post({ name: 'root failures', query: 'event.outcome:failure | stats count() by user.name', from: '-2h', owner: 'ana', schedule: { interval: '1h', condition: 'count > 0', severity: 70 } });
    assert.equal(created.status, 201, await created.clone().text());
    const s = ((await created.json()) as { saved_search: { id: string; owner: string } }).saved_search;
    assert.equal(s.owner, 'ana');
    assert.equal((await post({ name: 'root failures', query: '*' })).status, 409);
    const list = (await (await fetch(`${url}/api/v1/saved-searches`, { headers: auth })).json()) as { saved_searches: { name: string }[] };
    assert.deepEqual(
      list.saved_searches.map((x) => x.name),
      ['root failures'],
    );
    const run = await fetch(`${url}/api/v1/saved-searches/${s.id}/run`, { method: 'POST', headers: auth });
    const ran = (await run.json()) as { alerted: boolean; saved_search: { last_run: { count: number } } };
    assert.equal(ran.alerted, true);
    assert.equal(ran.saved_search.last_run.count, 5);
    const alerts = await search('event.kind:alert and rule.name:"root failures"');
    assert.equal(alerts.body['total'], 1);
    const alert = (alerts.body['events'] as Record<string, Record<string, unknown>>[])[0];
    assert.equal(alert?.['event']?.['severity'], 70);
    assert.equal(alert?.['rule']?.['id'], `saved-search:${s.id}`);
    const del = await fetch(`${url}/api/v1/saved-searches/${s.id}`, { method: 'DELETE', headers: auth });
    assert.equal(del.status, 204);
    assert.equal((await fetch(`${url}/api/v1/saved-searches/${s.id}`, { headers: auth })).status, 404);
  });
});
