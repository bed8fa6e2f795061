import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { Client, errors } from '@elastic/elasticsearch';
import { runId, startTestApp, type TestApp } from './app-harness.js';

/**
 * The Elasticsearch- and Splunk-compatible endpoints against the real clients: the official Elasticsearch Node
 * client (client.bulk and helpers.bulk, with its product check, API key, Basic and gzip), Splunk's own
 * splunk-logging library, and curl with gzip bodies. Everything acknowledged must be found by /api/v1/search.
 */

const run = promisify(execFile);
const HEC_TOKEN = `hec-${process.pid}-0123456789abcdef`;

interface SplunkLogger {
  send(ctx: { message: unknown; severity?: string; metadata?: Record<string, string> }, cb?: (err: unknown, resp: { statusCode: number }, body: unknown) => void): void;
  flush(cb: (err: unknown, resp: { statusCode: number } | undefined, body: unknown) => void): void;
  error: (err: unknown, ctx: unknown) => void;
}
type SplunkLoggerClass = new (cfg: Record<string, unknown>) => SplunkLogger;
const { Logger: SplunkLoggerCtor } = createRequire(import.meta.url)('splunk-logging') as { Logger: SplunkLoggerClass };

function flush(logger: SplunkLogger): Promise<{ status: number | undefined; body: unknown }> {
  return new Promise((resolve, reject) => {
    logger.flush((err, resp, body) => (err ? reject(err instanceof Error ? err : new Error(JSON.stringify(err))) : resolve({ status: resp?.statusCode, body })));
  });
}

async function curl(args: string[]): Promise<{ status: number; body: string }> {
  const { stdout } = await run('curl', ['-s', '-S', '--max-time', '30', '-w', '\n%{http_code}', ...args], { maxBuffer: 1 << 20 });
  const cut = stdout.lastIndexOf('\n');
  return { status: Number(stdout.slice(cut + 1)), body: stdout.slice(0, cut) };
}

describe('Elasticsearch _bulk and Splunk HEC with real clients', () => {
  let app: TestApp;
  let es: Client;
  let tmp: string;

  before(async () => {
    app = await startTestApp({ hecTokens: [HEC_TOKEN], bodyLimitBytes: 1024 * 1024 });
    es = new Client({ node: app.url, auth: { apiKey: app.token } });
    tmp = mkdtempSync(join(tmpdir(), 'vigil-http-curl-'));
  });

  after(async () => {
    await es.close();
    await app.stop();
    rmSync(tmp, { recursive: true, force: true });
  });

  test('the client accepts Vigil as Elasticsearch 8 (product check, info, cluster health, license)', async () => {
    const info = await es.info();
    assert.match(info.version.number, /^8\.\d+\.\d+$/);
    assert.equal(info.tagline, 'You Know, for Search');
    const health = await es.cluster.health();
    assert.equal(health.status, 'green');
    const lic = await es.license.get();
    assert.equal(lic.license.status, 'active');
    assert.equal(await es.ping(), true);
  });

  test('client.bulk: index and create stored with per-item results; delete and update fail alone', async () => {
    const id = runId('bulk');
    const res = await es.bulk({
      operations: [
        { index: { _index: 'logs-app-default' } },
        { message: `first ${id}`, user: { name: id }, source: { ip: '192.0.2.10' } },
        { create: { _index: 'audit', _id: `${id}-2` } },
        { '@timestamp': '2026-11-01T10:00:00.000Z', message: `second ${id}`, user: { name: id } },
        { delete: { _index: 'audit', _id: 'x' } },
        { update: { _index: 'audit', _id: 'x' } },
        { doc: { a: 1 } },
      ],
    });
    assert.equal(res.errors, true);
    assert.equal(res.items.length, 4);
    const [a, b, c, d] = res.items;
    assert.equal(a?.index?.status, 201);
    assert.equal(a?.index?.result, 'created');
    assert.equal(a?.index?._index, 'logs-app-default');
    assert.equal(typeof a?.index?._id, 'string');
    assert.equal(b?.create?.status, 201);
    assert.equal(b?.create?._id, `${id}-2`);
    assert.equal(c?.delete?.status, 400);
    assert.equal(c?.delete?.error?.type, 'illegal_argument_exception');
    assert.equal(d?.update?.status, 400);

    const found = await app.search(`user.name:${id}`);
    assert.equal(found.total, 2);
    const first = found.events.find((e) => String(e['message']).startsWith('first')) as Record<string, Record<string, unknown>>;
    assert.deepEqual(first['source'], { ip: '192.0.2.10' });
    assert.equal(first['labels']?.['index'], 'logs-app-default');
    assert.deepEqual(first['data_stream'], { type: 'logs', dataset: 'app', namespace: 'default' });
    assert.equal(first['event']?.['dataset'], 'app');
    const second = found.events.find((e) => String(e['message']).startsWith('second'));
    assert.equal(second?.['@timestamp'], '2026-11-01T10:00:00.000Z');
  });

  test('helpers.bulk ships 500 documents over gzip with Basic credentials; all are searchable', async () => {
    const id = runId('helper');
    const basic = new Client({ node: app.url, auth: { username: 'vigil', password: app.token }, compression: true });
    try {
      const docs = Array.from({ length: 500 }, (_, i) => ({ message: `helper doc ${i}`, user: { name: id }, seq: i }));
      const dropped: unknown[] = [];
      const stats = await basic.helpers.bulk({
        datasource: docs,
        onDocument: () => ({ create: { _index: 'logs-helper-default' } }),
        flushBytes: 8000,
        concurrency: 3,
        onDrop: (d) => dropped.push(d),
      });
      assert.deepEqual(dropped, []);
      assert.equal(stats.successful, 500);
      assert.equal(stats.failed, 0);
    } finally {
      await basic.close();
    }
    const found = await app.search(`user.name:${id}`, 1000);
    assert.equal(found.total, 500);
    const seqs = new Set(found.events.map((e) => e['seq']));
    assert.equal(seqs.size, 500);
  });

  test('wrong or missing credentials: 401 in the Elasticsearch error shape, nothing stored', async () => {
    const bad = new Client({ node: app.url, auth: { username: 'elastic', password: 'changeme' } });
    try {
      await assert.rejects(bad.bulk({ operations: [{ index: { _index: 'x' } }, { message: 'must not be stored' }] }), (err: unknown) => {
        assert.ok(err instanceof errors.ResponseError);
        assert.equal(err.statusCode, 401);
        assert.equal((err.body as { error: { type: string } }).error.type, 'security_exception');
        return true;
      });
    } finally {
      await bad.close();
    }
    const none = await fetch(`${app.url}/_bulk`, { method: 'POST', body: '{"index":{"_index":"x"}}\n{"message":"nope"}\n' });
    assert.equal(none.status, 401);
    const hecTokenOnEs = await fetch(`${app.url}/_bulk`, {
      method: 'POST',
      headers: { authorization: `Bearer ${HEC_TOKEN}` },
      body: '{"index":{"_index":"x"}}\n{"message":"nope"}\n',
    });
    assert.equal(hecTokenOnEs.status, 401, 'HEC tokens are for HEC only');
    assert.equal((await app.search('message:"must not be stored"')).total, 0);
  });

  test('bulk error cases: bad source JSON fails its item only; an unknown action fails the request', async () => {
    const id = runId('bad');
    const body = [`{"index":{"_index":"t"}}`, `{"message":"ok ${id}","user":{"name":"${id}"}}`, `{"index":{"_index":"t"}}`, `{"message": broken`, `{"create":{}}`, `{"message":"no index"}`, ''].join('\n');
    const res = await fetch(`${app.url}/api/v1/_bulk`, { method: 'POST', headers: { authorization: `Bearer ${app.token}`, 'content-type': 'application/json' }, body });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('x-elastic-product'), 'Elasticsearch');
    const out = (await res.json()) as { errors: boolean; items: Record<string, { status: number; error?: { type: string } }>[] };
    assert.equal(out.errors, true);
    assert.deepEqual(out.items.map((i) => Object.values(i)[0]?.status), [201, 400, 400]);
    assert.equal(out.items[1]?.['index']?.error?.type, 'document_parsing_exception');
    assert.equal(out.items[2]?.['create']?.error?.type, 'action_request_validation_exception');
    assert.equal((await app.search(`user.name:${id}`)).total, 1);

    const unknown = await fetch(`${app.url}/_bulk`, { method: 'POST', headers: { authorization: `Bearer ${app.token}` }, body: '{"upsert":{"_index":"t"}}\n{"a":1}\n' });
    assert.equal(unknown.status, 400);
    const err = (await unknown.json()) as { error: { type: string; reason: string; code: string } };
    assert.equal(err.error.type, 'illegal_argument_exception');
    assert.match(err.error.reason, /\[upsert\]/);
    assert.equal(err.error.code, 'VIGIL_ERR_BULK_MALFORMED');

    // the URL's index applies to actions without one
    const viaUrl = await fetch(`${app.url}/my-index/_bulk`, { method: 'POST', headers: { authorization: `Bearer ${app.token}` }, body: `{"index":{}}\n{"user":{"name":"${id}u"}}\n` });
    const v = (await viaUrl.json()) as { items: { index: { _index: string; status: number } }[] };
    assert.equal(v.items[0]?.index._index, 'my-index');
    assert.equal(v.items[0]?.index.status, 201);
  });

  test('shipper set-up probes: templates and ILM policies are acknowledged, lookups answer 404', async () => {
    const h = { authorization: `Bearer ${app.token}`, 'content-type': 'application/json' };
    for (const path of ['/_index_template/filebeat-8.19.0', '/_ilm/policy/filebeat', '/_ingest/pipeline/p1', '/_template/logstash', '/_alias/logstash']) {
      const got = await fetch(`${app.url}${path}`, { headers: h });
      assert.equal(got.status, 404, path);
      const head = await fetch(`${app.url}${path}`, { method: 'HEAD', headers: h });
      assert.equal(head.status, 404, path);
      const put = await fetch(`${app.url}${path}`, { method: 'PUT', headers: h, body: '{"index_patterns":["x-*"]}' });
      assert.equal(put.status, 200, path);
      assert.deepEqual(await put.json(), { acknowledged: true });
    }
    const created = await fetch(`${app.url}/%3Clogstash-%7Bnow%2Fd%7D-000001%3E`, { method: 'PUT', headers: h, body: '{"aliases":{}}' });
    assert.equal(created.status, 200);
    assert.equal(((await created.json()) as { acknowledged: boolean }).acknowledged, true);
    const root = await fetch(`${app.url}/`, { method: 'HEAD', headers: h });
    assert.equal(root.status, 200);
  });

  test('splunk-logging sends batches of concatenated events; metadata becomes ECS fields', async () => {
    const id = runId('hec');
    const logger = new SplunkLoggerCtor({ token: HEC_TOKEN, url: app.url, maxBatchCount: 0 });
    const errs: unknown[] = [];
    logger.error = (err) => errs.push(err);
    for (let i = 0; i < 5; i++) {
      logger.send({ message: { text: `hec event ${i}`, user: { name: id } }, severity: 'warn', metadata: { host: `host-${id}`, source: 'app.js', sourcetype: '_json', index: 'main' } });
    }
    const r = await flush(logger);
    assert.deepEqual(errs, []);
    assert.equal(r.status, 200);
    assert.deepEqual(r.body, { text: 'Success', code: 0 });
    const found = await app.search(`host.name:host-${id}`);
    assert.equal(found.total, 5);
    const e = found.events[0] as Record<string, Record<string, unknown>>;
    assert.deepEqual(e['labels'], { source: 'app.js', sourcetype: '_json', index: 'main' });
    // splunk-logging wraps each message as {message, severity}: an object event, stored as sent
    assert.deepEqual(e['message'], { text: e['message']?.['text'], user: { name: id } });
    assert.match(String(e['message']?.['text']), /^hec event [0-4]$/);
    assert.equal(e['severity'], 'warn');

    const wrong = new SplunkLoggerCtor({ token: 'not-a-valid-token-at-all', url: app.url });
    wrong.error = () => undefined;
    wrong.send({ message: 'x' });
    const w = await flush(wrong);
    assert.equal(w.status, 403);
    assert.deepEqual(w.body, { text: 'Invalid token', code: 4 });
  });

  test('HEC string events and /raw lines go through the line parser (sshd), with time, host and fields', async () => {
    const id = runId('sshd');
    const line = `Nov 26 10:00:00 web1 sshd[4242]: Failed password for invalid user ${id} from 203.0.113.77 port 40022 ssh2`;
    const body = `${JSON.stringify({ event: line, time: 1764151200.25, host: 'collector-1', fields: { env: 'prod', 'team.name': 'blue' } })}${JSON.stringify({ event: line.replace('40022', '40023') })}`;
    const res = await fetch(`${app.url}/services/collector/event`, { method: 'POST', headers: { authorization: `Splunk ${HEC_TOKEN}` }, body });
    assert.deepEqual(await res.json(), { text: 'Success', code: 0 });
    const found = await app.search(`user.name:${id} and event.dataset:sshd`);
    assert.equal(found.total, 2);
    const e = found.events.find((x) => x['@timestamp'] === '2025-11-26T10:00:00.250Z') as Record<string, Record<string, unknown>>;
    assert.ok(e, JSON.stringify(found.events));
    assert.equal(e['source']?.['ip'], '203.0.113.77');
    assert.equal(e['event']?.['outcome'], 'failure');
    assert.equal(e['host']?.['name'], 'collector-1');
    assert.deepEqual(e['labels'], { env: 'prod', team_name: 'blue' });

    const raw = `Nov 26 11:00:00 web2 sshd[1]: Accepted publickey for ${id}r from 198.51.100.5 port 5555 ssh2\nnot a syslog line ${id}r\n`;
    const r2 = await curl(['-H', `Authorization: Splunk ${HEC_TOKEN}`, '--data-binary', raw, `${app.url}/services/collector/raw?host=rawhost&sourcetype=linux_secure`]);
    assert.equal(r2.status, 200, r2.body);
    assert.deepEqual(JSON.parse(r2.body), { text: 'Success', code: 0 });
    const ok = await app.search(`user.name:${id}r`);
    assert.equal(ok.total, 1);
    assert.equal((ok.events[0]?.['host'] as Record<string, unknown>)['name'], 'rawhost');
    assert.equal((await app.search(`"not a syslog line ${id}r"`)).total, 1);
  });

  test('HEC answers its own error codes', async () => {
    const post = async (path: string, body: string, headers: Record<string, string>) => {
      const res = await fetch(`${app.url}${path}`, { method: 'POST', headers, body });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    const auth = { authorization: `Splunk ${HEC_TOKEN}` };
    assert.deepEqual(await post('/services/collector/event', '{"event":"x"}', {}), { status: 401, body: { text: 'Token is required', code: 2 } });
    assert.deepEqual(await post('/services/collector/event', '{"event":"x"}', { authorization: 'Bearer x' }), { status: 401, body: { text: 'Invalid authorization', code: 3 } });
    assert.deepEqual(await post('/services/collector/event', '{"event":"x"}', { authorization: 'Splunk nope' }), { status: 403, body: { text: 'Invalid token', code: 4 } });
    assert.deepEqual(await post(`/services/collector/event?token=${HEC_TOKEN}`, '{"event":"x"}', {}), { status: 400, body: { text: 'Query string authorization is not enabled', code: 16 } });
    assert.deepEqual(await post('/services/collector/event', '', auth), { status: 400, body: { text: 'No data', code: 5 } });
    assert.deepEqual(await post('/services/collector/event', '{"event":"a"}{"event":', auth), { status: 400, body: { text: 'Invalid data format', code: 6, 'invalid-event-number': 1 } });
    assert.deepEqual(await post('/services/collector/event', '{"event":"a","index":"No Such!"}', auth), { status: 400, body: { text: 'Incorrect index', code: 7, 'invalid-event-number': 0 } });
    assert.deepEqual(await post('/services/collector/event', '{"host":"h"}', auth), { status: 400, body: { text: 'Event field is required', code: 12, 'invalid-event-number': 0 } });
    assert.deepEqual(await post('/services/collector/event', '{"event":""}', auth), { status: 400, body: { text: 'Event field cannot be blank', code: 13, 'invalid-event-number': 0 } });
    const basic = { authorization: `Basic ${Buffer.from(`x:${HEC_TOKEN}`).toString('base64')}` };
    assert.deepEqual(await post('/services/collector', '{"event":"basic auth works"}', basic), { status: 200, body: { text: 'Success', code: 0 } });
    const health = await fetch(`${app.url}/services/collector/health`);
    assert.deepEqual(await health.json(), { text: 'HEC is healthy', code: 17 });
  });

  test('gzip bodies on native ingest, _bulk and HEC (curl); a gzip bomb is refused with 413, bad gzip with 400', async () => {
    const id = runId('gz');
    const files = {
      native: join(tmp, 'native.gz'),
      bulk: join(tmp, 'bulk.gz'),
      hec: join(tmp, 'hec.gz'),
      bomb: join(tmp, 'bomb.gz'),
      bad: join(tmp, 'bad.gz'),
    };
    writeFileSync(files.native, gzipSync(`{"message":"native ${id}","user":{"name":"${id}"}}\n`));
    writeFileSync(files.bulk, gzipSync(`{"index":{"_index":"gz"}}\n{"message":"bulk ${id}","user":{"name":"${id}"}}\n`));
    writeFileSync(files.hec, gzipSync(`{"event":{"message":"hec ${id}","user":{"name":"${id}"}}}`));
    // 64 MiB of zeros compress to ~64 KiB: far past the 1 MiB body limit once inflated
    writeFileSync(files.bomb, gzipSync(Buffer.alloc(64 * 1024 * 1024)));
    writeFileSync(files.bad, Buffer.from('this is not gzip at all'));
    const gz = ['-H', 'Content-Encoding: gzip'];
    const bearer = ['-H', `Authorization: Bearer ${app.token}`];
    const splunk = ['-H', `Authorization: Splunk ${HEC_TOKEN}`];
    const native = await curl([...gz, ...bearer, '-H', 'Content-Type: application/x-ndjson', '--data-binary', `@${files.native}`, `${app.url}/api/v1/ingest`]);
    assert.equal(native.status, 200, native.body);
    const bulk = await curl([...gz, ...bearer, '-H', 'Content-Type: application/x-ndjson', '--data-binary', `@${files.bulk}`, `${app.url}/_bulk`]);
    assert.equal(bulk.status, 200, bulk.body);
    const hec = await curl([...gz, ...splunk, '--data-binary', `@${files.hec}`, `${app.url}/services/collector/event`]);
    assert.equal(hec.status, 200, hec.body);
    assert.equal((await app.search(`user.name:${id}`)).total, 3);

    for (const [url, auth, type] of [
      ['/api/v1/ingest', bearer, 'text/plain'],
      ['/_bulk', bearer, 'application/x-ndjson'],
      ['/services/collector/raw', splunk, 'text/plain'],
    ] as const) {
      const bomb = await curl([...gz, ...auth, '-H', `Content-Type: ${type}`, '--data-binary', `@${files.bomb}`, `${app.url}${url}`]);
      assert.equal(bomb.status, 413, `${url}: ${bomb.body}`);
      assert.match(bomb.body, /decompressed request body exceeds the limit of 1 MiB/);
      const bad = await curl([...gz, ...auth, '-H', `Content-Type: ${type}`, '--data-binary', `@${files.bad}`, `${app.url}${url}`]);
      assert.equal(bad.status, 400, `${url}: ${bad.body}`);
      const br = await curl(['-H', 'Content-Encoding: br', ...auth, '-H', `Content-Type: ${type}`, '--data-binary', 'x', `${app.url}${url}`]);
      assert.equal(br.status, 415, `${url}: ${br.body}`);
    }
    // the server is still serving
    assert.equal((await app.search(`user.name:${id}`)).total, 3);
  });

  test('telemetry: http_bulk and http_hec report received, bytes, sent, errors and drops', async () => {
    const m = await app.metrics();
    for (const c of ['http_bulk', 'http_hec']) {
      assert.match(m, new RegExp(`vigil_component_received_events_total\\{component="${c}",kind="source"\\} [1-9]`));
      assert.match(m, new RegExp(`vigil_component_received_bytes_total\\{component="${c}",kind="source"\\} [1-9]`));
      assert.match(m, new RegExp(`vigil_component_sent_events_total\\{component="${c}",kind="source"\\} [1-9]`));
      assert.match(m, new RegExp(`vigil_component_errors_total\\{component="${c}",kind="source",[^}]*\\} [1-9]`));
    }
    assert.match(m, /vigil_component_discarded_events_total\{component="http_bulk",kind="source",reason="invalid_item",intentional="false"\} [1-9]/);
  });
});
