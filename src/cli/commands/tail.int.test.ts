import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { Pipeline } from '../../core/pipeline.js';
import { Telemetry } from '../../core/telemetry.js';
import { LineParser } from '../../parsers/line.js';
import { tailHubFor } from '../../search/tail.js';
import { buildApp } from '../../server/app.js';
import { SqliteStore } from '../../store/sqlite/index.js';
import { SseParser } from './tail.js';

const VIGIL = fileURLToPath(new URL('../../../bin/vigil.js', import.meta.url));

void test('SSE parsing: events, multi-line data, comments and split chunks', () => {
  const got: [string, string][] = [];
  const p = new SseParser();
  const emit = (e: string, d: string): void => void got.push([e, d]);
  p.push('event: ready\ndata: {}\n\n: keep-alive\n\ndata: a', emit);
  p.push('b\ndata: c\r\n\r\nevent: missed\ndata: {"missed":3}\n', emit);
  p.push('\n', emit);
  assert.deepEqual(got, [
    ['ready', '{}'],
    ['message', 'ab\nc'],
    ['missed', '{"missed":3}'],
  ]);
});

void test('vigil tail prints the matching events a running server receives, then stops at --max', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-tail-'));
  const token = `tail-token-${process.pid}-0123456789`;
  const store = new SqliteStore({ dir: join(dir, 'store'), sync: 'normal' });
  await store.open();
  const pipeline = new Pipeline({ store, telemetry: new Telemetry(), parser: new LineParser(), transforms: [tailHubFor(store)] });
  const app = buildApp({ store, pipeline, telemetry: new Telemetry(), token, bodyLimitBytes: 1 << 20, version: 'test', health: () => Promise.resolve({}) });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const addr = app.server.address();
  assert.ok(addr && typeof addr === 'object');
  const url = `http://127.0.0.1:${addr.port}`;
  try {
    const child = spawn(process.execPath, [VIGIL, 'tail', '--url', url, '--token', token, '--max', '2', '--json', 'user.name:root'], {
      cwd: dir,
      env: { PATH: process.env['PATH'] ?? '', HOME: dir, VIGIL_DATA_DIR: join(dir, 'data') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    // the subscription exists once the server has a client; then send events until two matches have gone out
    const hub = tailHubFor(store);
    for (let i = 0; i < 200 && hub.clients === 0; i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal(hub.clients, 1, err);
    const body = ['bob', 'root', 'alice', 'root', 'root'].map((u, i) => JSON.stringify({ '@timestamp': new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(), message: `login ${u}`, user: { name: u }, seq: i })).join('\n');
    const res = await fetch(`${url}/api/v1/ingest`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson' }, body });
    assert.equal(res.status, 200);
    assert.equal(await exited, 0, err);
    assert.deepEqual(
      out
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { seq: number }).seq),
      [1, 3],
    );
    const bad = spawn(process.execPath, [VIGIL, 'tail', '--url', url, '--token', token, '* | stats count()'], { cwd: dir, env: { PATH: process.env['PATH'] ?? '', HOME: dir }, stdio: ['ignore', 'ignore', 'pipe'] });
    let badErr = '';
    bad.stderr.on('data', (b: Buffer) => (badErr += b.toString()));
    const code = await new Promise<number | null>((resolve) => bad.on('exit', resolve));
    assert.equal(code, 2);
    assert.match(badErr, /^vigil: 400: live tail takes a filter; 'stats' is not available there at position 2\n$/);
  } finally {
    const sweep = setInterval(() => app.server.closeIdleConnections(), 50);
    await app.close();
    clearInterval(sweep);
    await pipeline.drain();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
