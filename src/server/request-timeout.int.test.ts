import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, test } from 'node:test';
import { startTestApp, type TestApp } from './app-harness.js';

/** A client that sends half a body and stalls (slowloris) holds its connection only until the request timeout. */

let app: TestApp;
before(async () => {
  app = await startTestApp({ requestTimeoutMs: 400 });
});
after(async () => {
  await app.stop();
});

function stall(head: string): Promise<{ text: string; ms: number }> {
  const { port } = new URL(app.url);
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const sock = connect(Number(port), '127.0.0.1');
    let text = '';
    const guard = setTimeout(() => {
      sock.destroy();
      reject(new Error(`still open after 10 s: ${JSON.stringify(text)}`));
    }, 10_000);
    sock.on('connect', () => sock.write(head));
    sock.on('data', (b) => (text += b.toString('latin1')));
    sock.on('error', () => {});
    sock.on('close', () => {
      clearTimeout(guard);
      resolve({ text, ms: Date.now() - t0 });
    });
  });
}

test('half a body and half a header: 408 and the connection closed soon after the timeout; nothing stored; others served', async () => {
  const body = `{"message":"stalled-${Date.now()}"`;
  const [half, headers] = await Promise.all([
    stall(`POST /api/v1/ingest HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${app.token}\r\nContent-Type: application/x-ndjson\r\nContent-Length: 1000\r\n\r\n${body}`),
    stall('GET /api/v1/health HTTP/1.1\r\nHost: x\r\nX-Slow: '),
  ]);
  assert.match(half.text, /^HTTP\/1\.1 408/);
  assert.ok(half.ms < 5000, `closed after ${half.ms} ms`);
  assert.ok(headers.ms < 5000, `closed after ${headers.ms} ms`);
  const ok = await fetch(`${app.url}/api/v1/health`);
  assert.equal(ok.status, 200);
  assert.equal((await app.search('stalled')).total, 0);
});
