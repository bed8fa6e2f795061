import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadConfig, type Config } from '../core/config.js';
import { startServer, type Running } from './serve.js';

const OPENSSH_LOG = fileURLToPath(new URL('../../../shared/data/loghub/OpenSSH/OpenSSH_2k.log', import.meta.url));
const LOCKFILE_MODULE = fileURLToPath(new URL('../core/lockfile.ts', import.meta.url));

interface ErrorBody {
  error: { code: string; message: string; position?: unknown; expected?: unknown };
}

interface SearchBody {
  total: number;
  events: Record<string, unknown>[];
}

interface IngestBody {
  accepted: number;
  failed: number;
  errors?: { line: number; message: string }[];
}

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'vigil-app-'));
}

function configFor(dir: string): Config {
  const config = loadConfig(undefined, {}, dir);
  config.http.port = 0;
  config.syslog.port = 0;
  config.store.sync = 'normal';
  return config;
}

let runSeq = 0;
/** A value unique to one test, so tests sharing a server only see their own events. */
function runId(): string {
  runSeq++;
  return `r${process.pid}x${runSeq}x${Date.now().toString(36)}`;
}

function expectErrorBody(body: unknown, code?: string): ErrorBody {
  const b = body as ErrorBody;
  assert.equal(typeof b.error, 'object');
  assert.equal(typeof b.error.code, 'string');
  assert.equal(typeof b.error.message, 'string');
  assert.ok(b.error.message.length > 0);
  if (code !== undefined) assert.equal(b.error.code, code);
  return b;
}

/** The first `n` lines of the Loghub OpenSSH sample, exactly as in the file (CRLF removed). */
function opensshLines(n: number): string[] {
  return readFileSync(OPENSSH_LOG, 'utf8').split(/\r?\n/).slice(0, n);
}

function client(running: Running, token: string) {
  const auth = { authorization: `Bearer ${token}` };
  return {
    get: (path: string, headers: Record<string, string> = auth) => fetch(`${running.url}${path}`, { headers }),
    post: (path: string, body: string, contentType: string, headers: Record<string, string> = auth) =>
      fetch(`${running.url}${path}`, { method: 'POST', body, headers: { ...headers, 'content-type': contentType } }),
    async search(params: Record<string, string>): Promise<SearchBody> {
      const res = await fetch(`${running.url}/api/v1/search?${new URLSearchParams(params).toString()}`, { headers: auth });
      assert.equal(res.status, 200, await res.clone().text());
      return (await res.json()) as SearchBody;
    },
    async ndjson(lines: string[]): Promise<{ status: number; body: IngestBody }> {
      const res = await fetch(`${running.url}/api/v1/ingest`, {
        method: 'POST',
        body: lines.join('\n') + '\n',
        headers: { ...auth, 'content-type': 'application/x-ndjson' },
      });
      return { status: res.status, body: (await res.json()) as IngestBody };
    },
  };
}

describe('HTTP API against a running server', () => {
  const token = `test-token-${process.pid}-api`;
  let dir: string;
  let running: Running;
  let api: ReturnType<typeof client>;

  before(async () => {
    dir = tempDir();
    running = await startServer(configFor(dir), { VIGIL_ADMIN_TOKEN: token });
    api = client(running, token);
  });

  after(async () => {
    await running.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('the server listens on 127.0.0.1 and does not write a token file when the token comes from the environment', () => {
    assert.match(running.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.notEqual(running.url, 'http://127.0.0.1:0');
    assert.equal(running.tokenCreated, false);
    assert.equal(running.tokenPath, undefined);
    assert.equal(existsSync(join(dir, 'admin.token')), false);
  });

  test('GET /api/v1/health answers without a token', async () => {
    const res = await fetch(`${running.url}/api/v1/health`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    const body = (await res.json()) as { status: string; version: string; components: { store: { state: string; events: number } } };
    assert.equal(body.status, 'ok');
    assert.equal(typeof body.version, 'string');
    assert.equal(body.components.store.state, 'ok');
    assert.equal(typeof body.components.store.events, 'number');
  });

  test('every other endpoint answers 401 JSON without a token or with a wrong one', async () => {
    const cases: [string, string, string | undefined][] = [
      ['GET', '/api/v1/search?q=*', undefined],
      ['GET', '/api/v1/search?q=*', 'Bearer wrong-token'],
      ['GET', '/api/v1/search?q=*', `Bearer ${token}x`],
      ['GET', '/api/v1/search?q=*', `Basic ${Buffer.from(`admin:${token}`).toString('base64')}`],
      ['GET', '/api/v1/search?q=*', token],
      ['POST', '/api/v1/ingest', undefined],
      ['POST', '/api/v1/ingest', 'Bearer nope'],
      ['GET', '/metrics', undefined],
      ['GET', '/metrics', 'Bearer nope'],
      ['GET', '/api/v1/alerts', undefined],
      ['GET', '/api/v1/no-such-route', undefined],
    ];
    for (const [method, path, authorization] of cases) {
      const headers: Record<string, string> = { 'content-type': 'application/x-ndjson' };
      if (authorization !== undefined) headers.authorization = authorization;
      const res = await fetch(`${running.url}${path}`, { method, headers, ...(method === 'POST' ? { body: '{"message":"x"}\n' } : {}) });
      assert.equal(res.status, 401, `${method} ${path} with ${authorization ?? 'no token'}`);
      assert.match(res.headers.get('www-authenticate') ?? '', /^Bearer/);
      expectErrorBody(await res.json(), 'VIGIL_ERR_UNAUTHORIZED');
    }
  });

  test('a rejected ingest stores nothing', async () => {
    const id = runId();
    const res = await api.post('/api/v1/ingest', JSON.stringify({ labels: { run: id } }), 'application/x-ndjson', { authorization: 'Bearer nope' });
    assert.equal(res.status, 401);
    const found = await api.search({ q: `labels.run:${id}` });
    assert.equal(found.total, 0);
  });

  test('POST /api/v1/ingest NDJSON: counts good and bad lines, names the bad line numbers, good events are searchable at once', async () => {
    const id = runId();
    const lines = [
      JSON.stringify({ '@timestamp': '2024-05-01T10:00:00Z', message: 'first good', labels: { run: id }, user: { name: 'alice' } }),
      '{"message": "broken', // 2: bad JSON
      '[1, 2, 3]', // 3: a JSON array
      '42', // 4: a number
      JSON.stringify({ '@timestamp': '2024-05-01T10:00:01Z', message: 'second good', 'labels.run': id, 'user.name': 'bob' }),
      '', // 6: blank, ignored
      JSON.stringify({ '@timestamp': '2024-05-01T10:00:02Z', message: 'third good', labels: { run: id } }),
    ];
    const { status, body } = await api.ndjson(lines);
    assert.equal(status, 200);
    assert.equal(body.accepted, 3);
    assert.equal(body.failed, 3);
    assert.deepEqual(
      body.errors?.map((e) => e.line),
      [2, 3, 4],
    );
    for (const e of body.errors ?? []) assert.equal(typeof e.message, 'string');

    // acknowledged means committed: the search right after the answer sees every accepted event
    const found = await api.search({ q: `labels.run:${id}` });
    assert.equal(found.total, 3);
    assert.deepEqual(
      found.events.map((e) => e.message),
      ['third good', 'second good', 'first good'],
    );
    const bob = await api.search({ q: `labels.run:${id} and user.name:bob` });
    assert.equal(bob.total, 1, 'dotted keys are stored as nested fields');
    const first = found.events[2] as Record<string, unknown>;
    assert.equal(first['@timestamp'], '2024-05-01T10:00:00.000Z');
    assert.equal(typeof first.id, 'string');
    assert.deepEqual(first.event, { ingested: (first.event as { ingested: string }).ingested, kind: 'event', dataset: 'generic' });
  });

  test('POST /api/v1/ingest answers only after a large body is committed: all of it is searchable at once', async () => {
    const id = runId();
    const n = 9000; // below the search's exact-count cap, above one store batch
    const lines: string[] = [];
    for (let i = 0; i < n; i++) lines.push(JSON.stringify({ message: `bulk event ${i} with some words to store`, labels: { run: id }, seq: i }));
    const { status, body } = await api.ndjson(lines);
    assert.equal(status, 200);
    assert.deepEqual(body, { accepted: n, failed: 0 });
    const found = await api.search({ q: `labels.run:${id}`, limit: '1' });
    assert.equal(found.total, n);
  });

  test('POST /api/v1/ingest NDJSON with only bad lines answers 400 and stores nothing', async () => {
    const res = await api.post('/api/v1/ingest', 'nope\n[]\n"a string"\nnull\n', 'application/x-ndjson');
    assert.equal(res.status, 400);
    const body = (await res.json()) as IngestBody;
    assert.equal(body.accepted, 0);
    assert.equal(body.failed, 4);
    assert.deepEqual(
      body.errors?.map((e) => e.line),
      [1, 2, 3, 4],
    );
  });

  test('POST /api/v1/ingest: "__proto__" keys in events are stored as data and do not reach the server\'s objects', async () => {
    const id = runId();
    const { status, body } = await api.ndjson([
      `{"__proto__": {"vigilPolluted": 1}, "labels": {"run": "${id}"}, "message": "proto one"}`,
      `{"labels.__proto__.vigilPolluted": 2, "labels.run": "${id}", "message": "proto two"}`,
    ]);
    assert.equal(status, 200);
    assert.equal(body.accepted, 2);
    assert.equal(({} as Record<string, unknown>).vigilPolluted, undefined, 'Object.prototype of the server process is untouched');
    const found = await api.search({ q: `labels.run:${id}` });
    assert.equal(found.total, 2);
  });

  test('POST /api/v1/ingest accepts application/x-ndjson with a charset and CRLF line ends', async () => {
    const id = runId();
    const body = [JSON.stringify({ message: 'crlf one', labels: { run: id } }), JSON.stringify({ message: 'crlf two', labels: { run: id } })].join('\r\n');
    const res = await api.post('/api/v1/ingest', body, 'application/x-ndjson; charset=utf-8');
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { accepted: 2, failed: 0 });
    assert.equal((await api.search({ q: `labels.run:${id}` })).total, 2);
  });

  test('POST /api/v1/ingest text/plain: raw OpenSSH syslog lines are parsed and searchable by field, word and phrase', async () => {
    const lines = opensshLines(6);
    assert.match(lines[1] as string, /Invalid user webmaster from 173\.234\.31\.186$/);
    const res = await api.post('/api/v1/ingest', lines.join('\n') + '\n', 'text/plain');
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { accepted: 6, failed: 0 });

    // the break-in warning, "Invalid user webmaster from …", the PAM failure (rhost=…) and "Failed password … port 38926"
    const byIp = await api.search({ q: 'source.ip:173.234.31.186' });
    assert.equal(byIp.total, 4);
    const failed = byIp.events.find((e) => (e.event as { action?: string }).action === 'ssh_login') as Record<string, unknown>;
    assert.ok(failed, 'the failed login is among the hits');
    assert.deepEqual(failed.source, { address: '173.234.31.186', ip: '173.234.31.186', port: 38926 });
    assert.deepEqual(failed.user, { name: 'webmaster', invalid: true, authentication: { method: 'password' } });
    assert.equal((failed.host as { hostname: string }).hostname, 'LabSZ');
    assert.equal((failed.process as { pid: number }).pid, 24200);
    assert.equal((failed.event as { dataset: string }).dataset, 'sshd');
    assert.equal((failed.event as { original: string }).original, lines[5]);
    assert.match((failed.log as { source: { address: string } }).source.address, /^(::ffff:)?127\.0\.0\.1:\d+$/);

    const cidr = await api.search({ q: 'source.ip:173.234.31.0/24 and event.outcome:failure' });
    assert.equal(cidr.total, 3);

    const word = await api.search({ q: 'webmaster' });
    assert.equal(word.total, 3);
    const phrase = await api.search({ q: '"POSSIBLE BREAK-IN ATTEMPT"' });
    assert.equal(phrase.total, 1);
    assert.equal(phrase.events[0]?.message, 'reverse mapping checking getaddrinfo for ns.marryaldkfaczcz.com [173.234.31.186] failed - POSSIBLE BREAK-IN ATTEMPT!');
    const phrase2 = await api.search({ q: '"invalid user webmaster"' });
    assert.equal(phrase2.total, 3);
    const outOfOrder = await api.search({ q: '"webmaster invalid user"' });
    assert.equal(outOfOrder.total, 0);
  });

  test('POST /api/v1/ingest with an unsupported content type answers 415', async () => {
    for (const type of ['application/json', 'application/xml', 'text/csv']) {
      const res = await api.post('/api/v1/ingest', type === 'application/json' ? '{"message":"x"}' : 'a,b', type);
      assert.equal(res.status, 415, type);
      const body = expectErrorBody(await res.json());
      assert.match(body.error.code, /^VIGIL_ERR_/);
    }
  });

  test('GET /api/v1/search with a syntax error answers 400 with the code and the position', async () => {
    const res = await api.get(`/api/v1/search?q=${encodeURIComponent('user.name:(root or admin')}`);
    assert.equal(res.status, 400);
    const body = expectErrorBody(await res.json(), 'VIGIL_ERR_QUERY_PARSE');
    assert.equal(typeof body.error.position, 'number');
    assert.equal(body.error.position, 'user.name:(root or admin'.length);
    assert.equal(typeof body.error.expected, 'string');

    const res2 = await api.get(`/api/v1/search?q=${encodeURIComponent('source.ip:1.2.3.4 and')}`);
    assert.equal(res2.status, 400);
    const body2 = expectErrorBody(await res2.json(), 'VIGIL_ERR_QUERY_PARSE');
    assert.equal(body2.error.position, 'source.ip:1.2.3.4 and'.length);
  });

  test('GET /api/v1/search rejects a bad limit or from/to with 400', async () => {
    for (const limit of ['abc', '-1', '1.5', '10001']) {
      const res = await api.get(`/api/v1/search?q=*&limit=${limit}`);
      assert.equal(res.status, 400, `limit=${limit}`);
      expectErrorBody(await res.json(), 'VIGIL_ERR_BAD_REQUEST');
    }
    for (const param of ['from', 'to']) {
      const res = await api.get(`/api/v1/search?q=*&${param}=not-a-time`);
      assert.equal(res.status, 400, param);
      const body = expectErrorBody(await res.json(), 'VIGIL_ERR_BAD_TIME');
      assert.match(body.error.message, new RegExp(`^${param}:`));
    }
    const reversed = await api.get('/api/v1/search?q=*&from=2024-02-01T00:00:00Z&to=2024-01-01T00:00:00Z');
    assert.equal(reversed.status, 400);
    expectErrorBody(await reversed.json(), 'VIGIL_ERR_BAD_REQUEST');
  });

  test('GET /api/v1/search: from (inclusive) and to (exclusive) bound the results, limit caps the events but not the total', async () => {
    const id = runId();
    const hours = ['00', '01', '02', '03', '04'];
    const { body } = await api.ndjson(hours.map((h) => JSON.stringify({ '@timestamp': `2024-03-01T${h}:00:00Z`, message: `hour ${h}`, labels: { run: id } })));
    assert.equal(body.accepted, 5);

    const all = await api.search({ q: `labels.run:${id}` });
    assert.equal(all.total, 5);
    const bounded = await api.search({ q: `labels.run:${id}`, from: '2024-03-01T01:00:00Z', to: '2024-03-01T03:00:00Z' });
    assert.equal(bounded.total, 2);
    assert.deepEqual(
      bounded.events.map((e) => e['@timestamp']),
      ['2024-03-01T02:00:00.000Z', '2024-03-01T01:00:00.000Z'],
    );
    const epochMs = await api.search({ q: `labels.run:${id}`, from: String(Date.parse('2024-03-01T03:00:00Z')) });
    assert.equal(epochMs.total, 2);
    const limited = await api.search({ q: `labels.run:${id}`, limit: '1' });
    assert.equal(limited.total, 5);
    assert.equal(limited.events.length, 1);
    assert.equal(limited.events[0]?.message, 'hour 04');
    const recent = await api.search({ q: `labels.run:${id}`, from: '-1h' });
    assert.equal(recent.total, 0, 'events from 2024 are not in the last hour');
  });

  test('GET /metrics with the token answers Prometheus text with the component counters', async () => {
    const { body } = await api.ndjson([JSON.stringify({ message: 'for metrics' })]);
    assert.equal(body.accepted, 1);
    const res = await api.get('/metrics');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain/);
    const text = await res.text();
    assert.match(text, /^# TYPE vigil_component_received_events_total counter$/m);
    const m = /^vigil_component_received_events_total\{component="http_ingest",kind="source"\} (\d+)$/m.exec(text);
    assert.ok(m, 'the HTTP ingest source reports received events');
    assert.ok(Number(m[1]) >= 1);
    assert.match(text, /^vigil_component_sent_events_total\{component="store",kind="sink"\} \d+$/m);
  });

  test('every endpoint of the contract is routed (none answers 501 or "no route")', async () => {
    const cases: [string, string, string?][] = [
      ['GET', '/api/v1/alerts'],
      ['GET', '/api/v1/alerts/abc'],
      ['POST', '/api/v1/alerts/abc/status', '{"status":"acknowledged"}'],
      ['GET', '/api/v1/rules'],
      ['POST', '/api/v1/rules', '{}'],
      ['POST', '/api/v1/rules/abc/test'],
      ['GET', '/api/v1/assets'],
      ['PUT', '/api/v1/assets', '{"assets":[]}'],
      ['GET', '/api/v1/search?q=*'],
      ['GET', '/metrics'],
    ];
    for (const [method, path, body] of cases) {
      const res = await fetch(`${running.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(body !== undefined ? { body } : {}),
      });
      const text = await res.text();
      assert.notEqual(res.status, 501, `${method} ${path}: ${text}`);
      assert.doesNotMatch(text, /"no route /, `${method} ${path} is routed: ${text}`);
    }
  });

  test('an unknown route answers 404 JSON', async () => {
    for (const path of ['/api/v1/nope', '/api/v2/search', '/nope']) {
      const res = await api.get(path);
      assert.equal(res.status, 404, path);
      expectErrorBody(await res.json(), 'VIGIL_ERR_NOT_FOUND');
    }
    const wrongMethod = await fetch(`${running.url}/api/v1/search`, { method: 'DELETE', headers: { authorization: `Bearer ${token}` } });
    assert.equal(wrongMethod.status, 404);
    expectErrorBody(await wrongMethod.json(), 'VIGIL_ERR_NOT_FOUND');
  });
});

test('without VIGIL_ADMIN_TOKEN the server creates DATA_DIR/admin.token (mode 0600) and accepts it; a restart keeps it', async () => {
  const dir = tempDir();
  try {
    const first = await startServer(configFor(dir), {});
    let token: string;
    try {
      assert.equal(first.tokenCreated, true);
      assert.equal(first.tokenPath, join(dir, 'admin.token'));
      const st = statSync(join(dir, 'admin.token'));
      assert.equal(st.mode & 0o777, 0o600);
      token = readFileSync(join(dir, 'admin.token'), 'utf8').trim();
      assert.ok(token.length >= 32, 'a long random token');
      const api = client(first, token);
      const ok = await api.get('/api/v1/search?q=*');
      assert.equal(ok.status, 200);
      // the last character changed (to one it is not)
      const wrong = await client(first, `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`).get('/api/v1/search?q=*');
      assert.equal(wrong.status, 401);
    } finally {
      await first.stop();
    }
    const second = await startServer(configFor(dir), {});
    try {
      assert.equal(second.tokenCreated, false);
      assert.equal((await client(second, token).get('/api/v1/search?q=*')).status, 200);
    } finally {
      await second.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** Tries to take the data directory lock from another process; answers 'acquired' or the error code. */
function lockFromOtherProcess(dir: string): Promise<string> {
  const script = `const m = await import(${JSON.stringify(LOCKFILE_MODULE)});
try { m.acquireLock(${JSON.stringify(dir)}, 'probe')(); console.log('acquired'); } catch (e) { console.log(e.code ?? String(e)); }`;
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], (err, stdout, stderr) => {
      if (err) reject(new Error(`lock probe failed: ${stderr}`, { cause: err }));
      else resolve(stdout.trim());
    });
  });
}

test('a clean stop releases the data directory lock; a second server on the same directory finds the events', async () => {
  const dir = tempDir();
  const token = `test-token-${process.pid}-restart`;
  try {
    const first = await startServer(configFor(dir), { VIGIL_ADMIN_TOKEN: token });
    try {
      const lock = readFileSync(join(dir, 'vigil.lock'), 'utf8');
      assert.equal(lock.split('\n')[0], String(process.pid));
      assert.equal(await lockFromOtherProcess(dir), 'VIGIL_ERR_LOCKED');
      const { body } = await client(first, token).ndjson([
        JSON.stringify({ '@timestamp': '2024-06-01T00:00:00Z', message: 'kept across restarts', labels: { run: 'restart' } }),
        JSON.stringify({ '@timestamp': '2024-06-01T00:00:01Z', message: 'also kept', labels: { run: 'restart' } }),
      ]);
      assert.equal(body.accepted, 2);
    } finally {
      await first.stop();
    }
    assert.equal(existsSync(join(dir, 'vigil.lock')), false, 'the lock file is removed');
    assert.equal(await lockFromOtherProcess(dir), 'acquired');
    await first.stop(); // a second stop is harmless

    const second = await startServer(configFor(dir), { VIGIL_ADMIN_TOKEN: token });
    try {
      const found = await client(second, token).search({ q: 'labels.run:restart' });
      assert.equal(found.total, 2);
      assert.deepEqual(
        found.events.map((e) => e.message),
        ['also kept', 'kept across restarts'],
      );
      const health = (await (await fetch(`${second.url}/api/v1/health`)).json()) as { components: { store: { events: number } } };
      assert.equal(health.components.store.events, 2);
    } finally {
      await second.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('vigil serve accepts the HEC tokens of http.hec_tokens on the Splunk endpoint, and no other', async () => {
  const dir = tempDir();
  const config = configFor(dir);
  config.http.hec_tokens = ['hec-token-for-tests'];
  const running = await startServer(config, { VIGIL_ADMIN_TOKEN: 'admin-token-for-tests' });
  try {
    const send = (token: string): Promise<Response> =>
      fetch(`${running.url}/services/collector/event`, {
        method: 'POST',
        headers: { authorization: `Splunk ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ event: 'hec token test line', sourcetype: 'test' }),
      });
    const ok = await send('hec-token-for-tests');
    assert.equal(ok.status, 200);
    assert.deepEqual(await ok.json(), { text: 'Success', code: 0 });
    const wrong = await send('not-a-token');
    assert.equal(wrong.status, 403);
  } finally {
    await running.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
