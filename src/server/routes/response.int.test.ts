import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import Fastify from 'fastify';
import { signature } from '../../alerting/notify/webhook.js';
import { bruteForceDoc, triaged } from '../../alerting/notify/test-alerts.js';
import { ResponseConfigSchema } from '../../alerting/respond/config.js';
import { Responder } from '../../alerting/respond/responder.js';
import { registerResponse } from './response.js';
import { serve, testConfig, until, type Json } from '../../alerting/harness.js';

/*
 * Through a real `vigil serve`: examples/auth.log is ingested over HTTP, the shipped brute-force rule fires, the alert
 * queue hands the alert to notification (a real webhook receiver) and response (a real script), and the API shows
 * the delivery, the actions and the block.
 */

const dirs: string[] = [];
const closers: (() => Promise<void>)[] = [];
after(async () => {
  for (const c of closers.reverse()) await c();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

test('an ingested brute force is notified, blocked and visible in the API; unblock by hand', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-response-api-'));
  dirs.push(dir);
  const log = join(dir, 'calls.log');
  const script = join(dir, 'fw.sh');
  writeFileSync(script, `#!/bin/sh\nfor a in "$@"; do printf '[%s]' "$a" >> '${log}'; done\nprintf '\\n' >> '${log}'\n`);
  chmodSync(script, 0o755);
  const calls = (): string[] => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter((l) => l !== '') : []);
  const bodies: { body: string; sig: string | undefined }[] = [];
  const receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const s = req.headers['x-vigil-signature'];
      bodies.push({ body: Buffer.concat(chunks).toString('utf8'), sig: typeof s === 'string' ? s : undefined });
      res.end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  closers.push(() => new Promise((r) => receiver.close(() => r())));
  const secret = 'serve-webhook-secret-0123';
  const config = testConfig(dir, {
    notify: { channels: [{ type: 'webhook', name: 'soc', url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/`, secret, min_severity: 50 }] },
    response: {
      dry_run: false,
      actions: [{ type: 'block', name: 'ssh-brute', tags: ['attack.t1110'], ban_seconds: 3600, block_command: [script, 'block', '{{address}}'], unblock_command: [script, 'unblock', '{{address}}'] }],
    },
  });
  const s = await serve(config, 'response-api-test-token-0123456789');
  closers.push(() => s.stop());
  const text = readFileSync(new URL('../../../examples/auth.log', import.meta.url), 'utf8');
  const ing = await s.api('/api/v1/ingest', { method: 'POST', body: text, contentType: 'text/plain' });
  assert.equal(ing.status, 200, JSON.stringify(ing.body));
  await until('the webhook delivery and the block', () => Promise.resolve(bodies.length >= 1 && calls().length >= 1));
  const alert = (JSON.parse(bodies[0]?.body ?? '{}') as { alert: { id: string; rule: { name: string } } }).alert;
  assert.equal(alert.rule.name, 'SSH brute force from one address');
  assert.equal(bodies[0]?.sig, signature(secret, bodies[0]?.body ?? ''));
  assert.deepEqual(calls(), ['[block][203.0.113.45]']);

  await until('the delivery marked sent', async () => {
    const d = await s.api(`/api/v1/notifications/deliveries?alert_id=${alert.id}`);
    return (d.body['deliveries'] as Json[])[0]?.['status'] === 'sent';
  });
  const d = await s.api('/api/v1/notifications/deliveries?status=sent');
  assert.equal(d.status, 200);
  assert.deepEqual((d.body['deliveries'] as Json[]).map((x) => [x['alert_id'], x['channel'], x['attempts']]), [[alert.id, 'soc', 1]]);
  assert.equal((await s.api('/api/v1/notifications/deliveries?status=bogus')).status, 400);
  assert.equal((await s.api('/api/v1/notifications/deliveries?limit=0')).status, 400);

  await until('the block recorded', async () => ((await s.api('/api/v1/response/blocks')).body['blocks'] as Json[]).length === 1);
  const blocks = (await s.api('/api/v1/response/blocks')).body['blocks'] as Json[];
  assert.equal(blocks[0]?.['target'], '203.0.113.45');
  assert.equal(blocks[0]?.['alert_id'], alert.id);
  const acts = (await s.api('/api/v1/response/actions?ip=203.0.113.45')).body['actions'] as Json[];
  assert.deepEqual(acts.map((a) => [a['action'], a['status'], a['dry_run'], a['alert_id']]), [['block', 'ok', false, alert.id]]);
  assert.ok(typeof acts[0]?.['expires_at'] === 'string');

  const health = (await s.api('/api/v1/health')).body['components'] as Json;
  assert.deepEqual(health['notify'], { state: 'ok', channels: 1, deliveries: { sent: 1 } });
  assert.deepEqual(health['response'], { state: 'ok', dry_run: false, actions: 1, blocks: 1, dropped: 0 });
  assert.equal((await s.api('/api/v1/response/blocks/192.0.2.1/unblock', { method: 'POST' })).status, 404);
  const un = await s.api('/api/v1/response/blocks/203.0.113.45/unblock', { method: 'POST' });
  assert.equal(un.status, 200, JSON.stringify(un.body));
  assert.equal((un.body['action'] as Json)['who'], 'api');
  assert.deepEqual(calls(), ['[block][203.0.113.45]', '[unblock][203.0.113.45]']);
  assert.deepEqual((await s.api('/api/v1/response/blocks')).body['blocks'], []);
  const after2 = (await s.api(`/api/v1/response/actions?alert_id=${alert.id}`)).body['actions'] as Json[];
  assert.deepEqual(after2.map((a) => a['action']), ['unblock', 'block']);
  assert.ok(typeof after2[1]?.['undone_at'] === 'string');
  // without a token: 401
  const anon = await fetch(`${s.running.url}/api/v1/response/blocks`);
  assert.equal(anon.status, 401);
});

test('routes: an IPv6 block is listed and lifted by any address of its prefix or by the encoded prefix', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-response-routes-'));
  dirs.push(dir);
  const responder = new Responder({
    config: ResponseConfigSchema.parse({ actions: [{ type: 'block', name: 'b', block_command: ['/bin/true'], unblock_command: ['/bin/true'] }] }),
    internalNetworks: [],
    dataDir: dir,
  });
  responder.start();
  closers.push(() => responder.stop());
  const app = Fastify();
  registerResponse(app, { response: { responder } });
  closers.push(() => app.close());
  for (const ip of ['2001:db8:7:7::1', '2001:db8:7:8::1']) responder.listener(triaged(bruteForceDoc(), { sourceIp: ip }), 'new');
  await responder.idle();
  const list = await app.inject({ method: 'GET', url: '/api/v1/response/blocks' });
  assert.deepEqual(list.json<{ blocks: Json[] }>().blocks.map((b) => [b['target'], b['dry_run']]), [['2001:db8:7:7::/64', true], ['2001:db8:7:8::/64', true]]);
  const byAddr = await app.inject({ method: 'POST', url: '/api/v1/response/blocks/2001:db8:7:7::abcd/unblock' });
  assert.equal(byAddr.statusCode, 200, byAddr.body);
  const byPrefix = await app.inject({ method: 'POST', url: `/api/v1/response/blocks/${encodeURIComponent('2001:db8:7:8::/64')}/unblock` });
  assert.equal(byPrefix.statusCode, 200, byPrefix.body);
  assert.equal(byPrefix.json<{ action: Json }>().action['target'], '2001:db8:7:8::/64');
  assert.deepEqual((await app.inject({ method: 'GET', url: '/api/v1/response/blocks' })).json(), { blocks: [] });
  const acts = (await app.inject({ method: 'GET', url: '/api/v1/response/actions?ip=2001:db8:7:7::99' })).json<{ actions: Json[] }>();
  assert.deepEqual(acts.actions.map((a) => [a['action'], a['status'], a['who']]), [['unblock', 'dry_run', 'api'], ['block', 'dry_run', 'vigil']]);
  assert.equal((await app.inject({ method: 'GET', url: '/api/v1/response/actions?limit=abc' })).statusCode, 400);
});
