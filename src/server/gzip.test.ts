import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deflateSync, gzipSync } from 'node:zlib';
import Fastify from 'fastify';
import { HttpError } from './errors.js';
import { decompressBodies, encodingOf } from './gzip.js';

/** A Fastify app with the hook, echoing the body length it received (requests injected, no socket). */
function echo(limit: number) {
  const app = Fastify({ bodyLimit: limit });
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));
  app.addHook('preParsing', decompressBodies(limit));
  app.setErrorHandler((err: unknown, _req, reply) => {
    const status = err instanceof HttpError ? err.status : ((err as { statusCode?: number }).statusCode ?? 500);
    return reply.code(status).send({ code: (err as { code?: string }).code, message: (err as Error).message });
  });
  app.post('/', (req) => ({ length: typeof req.body === 'string' ? req.body.length : -1, head: typeof req.body === 'string' ? req.body.slice(0, 10) : '' }));
  return app;
}

test('encodings: identity, gzip, x-gzip, deflate; others unknown', () => {
  assert.equal(encodingOf(undefined), 'identity');
  assert.equal(encodingOf('identity'), 'identity');
  assert.equal(encodingOf('GZIP'), 'gzip');
  assert.equal(encodingOf('x-gzip'), 'gzip');
  assert.equal(encodingOf('deflate'), 'deflate');
  assert.equal(encodingOf('br'), undefined);
  assert.equal(encodingOf('gzip, gzip'), undefined);
});

test('gzip and deflate bodies arrive decompressed; plain bodies unchanged', async () => {
  const app = echo(1024 * 1024);
  const text = 'hello '.repeat(1000);
  for (const [enc, payload] of [
    ['gzip', gzipSync(text)],
    ['deflate', deflateSync(text)],
    [undefined, Buffer.from(text)],
  ] as const) {
    const res = await app.inject({ method: 'POST', url: '/', payload, headers: { 'content-type': 'text/plain', ...(enc ? { 'content-encoding': enc } : {}) } });
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json(), { length: text.length, head: text.slice(0, 10) });
  }
  await app.close();
});

test('a body inflating past the limit is cut off with 413, whatever its compressed size', async () => {
  const app = echo(64 * 1024);
  const exact = await app.inject({ method: 'POST', url: '/', payload: gzipSync(Buffer.alloc(64 * 1024, 0x61)), headers: { 'content-type': 'text/plain', 'content-encoding': 'gzip' } });
  assert.equal(exact.statusCode, 200, 'exactly the limit is accepted');
  const bomb = gzipSync(Buffer.alloc(50 * 1024 * 1024));
  assert.ok(bomb.length < 64 * 1024);
  const res = await app.inject({ method: 'POST', url: '/', payload: bomb, headers: { 'content-type': 'text/plain', 'content-encoding': 'gzip' } });
  assert.equal(res.statusCode, 413);
  assert.equal(res.json<{ code: string }>().code, 'VIGIL_ERR_BODY_TOO_LARGE');
  await app.close();
});

test('corrupt or truncated compressed data: 400; an unknown encoding: 415', async () => {
  const app = echo(1024 * 1024);
  const gz = gzipSync('some text that is long enough to matter '.repeat(20));
  for (const payload of [Buffer.from('not gzip'), gz.subarray(0, gz.length - 12)]) {
    const res = await app.inject({ method: 'POST', url: '/', payload, headers: { 'content-type': 'text/plain', 'content-encoding': 'gzip' } });
    assert.equal(res.statusCode, 400, res.body);
  }
  const br = await app.inject({ method: 'POST', url: '/', payload: 'x', headers: { 'content-type': 'text/plain', 'content-encoding': 'br' } });
  assert.equal(br.statusCode, 415);
  await app.close();
});
