import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import fc from 'fast-check';
import { AssetInventory } from '../../enrich/assets.js';
import { bruteForceDoc, triaged } from '../notify/test-alerts.js';
import { signature } from '../notify/webhook.js';
import { ResponseConfigSchema } from './config.js';
import { Responder } from './responder.js';

const dirs: string[] = [];
const closers: (() => Promise<void>)[] = [];
after(async () => {
  for (const c of closers.reverse()) await c();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const INTERNAL = ['10.0.0.0/8', '127.0.0.0/8', 'fc00::/7'];

/** A temp dir with a real script that appends its argv (one [arg] per argument) to calls.log. */
function setup(): { dir: string; script: string; calls: () => string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-respond-'));
  dirs.push(dir);
  const log = join(dir, 'calls.log');
  const script = join(dir, 'fw.sh');
  writeFileSync(script, `#!/bin/sh\nfor a in "$@"; do printf '[%s]' "$a" >> '${log}'; done\nprintf '\\n' >> '${log}'\n`);
  chmodSync(script, 0o755);
  return { dir, script, calls: () => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter((l) => l !== '') : []) };
}

function responder(dir: string, response: unknown, extra: { assets?: AssetInventory; sweepMs?: number } = {}): Responder {
  const r = new Responder({
    config: ResponseConfigSchema.parse(response),
    internalNetworks: INTERNAL,
    dataDir: dir,
    sweepMs: extra.sweepMs ?? 50,
    ...(extra.assets ? { assets: () => extra.assets } : {}),
  });
  r.start();
  closers.push(() => r.stop());
  return r;
}

function blockAction(script: string, over: Record<string, unknown> = {}): Record<string, unknown> {
  return { type: 'block', name: 'ssh-brute', tags: ['attack.t1110'], block_command: [script, 'block', '{{address}}', '{{ttl}}'], unblock_command: [script, 'unblock', '{{address}}'], ...over };
}

async function until(cond: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const doc = bruteForceDoc();

test('the block runs its command with the address, and the unblock runs after the TTL', async () => {
  const { dir, script, calls } = setup();
  const r = responder(dir, { dry_run: false, actions: [blockAction(script, { ban_seconds: 0.6 })] });
  const alert = triaged(doc);
  r.listener(alert, 'new');
  r.listener(alert, 'grouped');
  await until(() => calls().length === 1, 5000, 'the block command');
  await r.idle();
  assert.deepEqual(calls(), ['[block][203.0.113.45][1]']);
  assert.equal(r.blocks()[0]?.target, '203.0.113.45');
  await new Promise((res) => setTimeout(res, 200));
  assert.equal(calls().length, 1, 'not lifted before the TTL');
  await until(() => calls().length === 2 && r.blocks().length === 0, 5000, 'the unblock command');
  assert.deepEqual(calls(), ['[block][203.0.113.45][1]', '[unblock][203.0.113.45]']);
  assert.deepEqual(r.blocks(), []);
  const acts = r.actionsList({ ip: '203.0.113.45' });
  assert.deepEqual(acts.map((a) => [a.action, a.status, a.dry_run]), [['unblock', 'ok', false], ['block', 'ok', false]]);
  const blk = acts[1];
  assert.equal(blk?.alert_id, alert.id);
  assert.ok(blk?.undone_at !== undefined && blk.expires_at !== undefined);
  assert.equal(Date.parse(blk.expires_at) - Date.parse(blk.at), 600);
  assert.deepEqual(blk.command, [script, 'block', '203.0.113.45', '1']);
});

test('an allowlisted address is never blocked, whatever fires (random addresses inside allowlisted networks)', async () => {
  const { dir, script, calls } = setup();
  const assets = new AssetInventory(
    [
      { name: 'db-1', kind: 'address', match: ['192.0.2.10'], criticality: 5, tags: [] },
      { name: 'jump', kind: 'address', match: ['192.0.2.11'], criticality: 2, tags: ['never_block'] },
      { name: 'lab', kind: 'address', match: ['192.0.2.12'], criticality: 1, tags: [] },
    ],
    INTERNAL,
  );
  const r = responder(
    dir,
    {
      dry_run: false,
      allowlist: ['198.51.100.0/24', '2001:db8:aaaa::/48', '2001:db8:bbbb:1::7'],
      actions: [blockAction(script), blockAction(script, { name: 'any-alert', tags: [], ban_seconds: 3600 }), blockAction(script, { name: 'dst', target: 'destination_ip' })],
    },
    { assets },
  );
  const v4 = (a: number, b: number, c: number, d: number): string => `${a}.${b}.${c}.${d}`;
  const byte = fc.integer({ min: 0, max: 255 });
  const hex = fc.integer({ min: 0, max: 0xffff }).map((n) => n.toString(16));
  const allowlisted = fc.oneof(
    fc.tuple(byte, byte, byte).map(([b, c, d]) => v4(10, b, c, d)),
    fc.tuple(byte).map(([d]) => v4(198, 51, 100, d)),
    fc.tuple(byte, byte, byte).map(([b, c, d]) => v4(127, b, c, d)),
    fc.constantFrom('192.0.2.10', '192.0.2.11', '::ffff:10.1.2.3', '::ffff:198.51.100.77', '::1'),
    fc.tuple(hex, hex, hex, hex, hex).map(([a, b, c, d, e]) => `2001:db8:aaaa:${a}:${b}:${c}:${d}:${e}`),
    // inside the /64 of an allowlisted single address: blocking the /64 would cut it off
    fc.tuple(hex, hex, hex, hex).map(([a, b, c, d]) => `2001:db8:bbbb:1:${a}:${b}:${c}:${d}`),
    fc.tuple(hex, hex, hex).map(([a, b, c]) => `fd${(Number.parseInt(a, 16) & 0xff).toString(16).padStart(2, '0')}:${b}::${c}`),
  );
  let fired = 0;
  fc.assert(
    fc.property(fc.array(allowlisted, { minLength: 1, maxLength: 4 }), fc.boolean(), (ips, grouped) => {
      const a = triaged(doc);
      a.entities.sourceIp = ips;
      a.entities.destinationIp = [...ips].reverse();
      r.listener(a, grouped ? 'grouped' : 'new');
      fired++;
    }),
    { numRuns: 500 },
  );
  // a control address is blocked by the same actions, so the refusals above are the allowlist's doing
  r.listener(triaged(doc, { sourceIp: '192.0.2.12' }), 'new');
  await r.idle();
  assert.equal(fired, 500);
  assert.deepEqual(calls(), ['[block][192.0.2.12][600]'], 'only the control address was blocked');
  const skipped = r.actionsList({ limit: 10_000 }).filter((a) => a.status === 'skipped');
  assert.ok(skipped.length > 10);
  assert.ok(skipped.every((a) => a.output?.startsWith('allowlisted: ')));
  assert.ok(skipped.some((a) => a.output === 'allowlisted: asset db-1 has criticality 5'));
  assert.ok(skipped.some((a) => a.output === 'allowlisted: asset jump is tagged never_block'));
  assert.ok(skipped.some((a) => a.output === 'allowlisted: allowlist 2001:db8:bbbb:1::7'));
});

test('IPv6 addresses are blocked as their /64; escalation doubles the ban for a repeat offender', async () => {
  const { dir, script, calls } = setup();
  const r = responder(dir, { dry_run: false, actions: [blockAction(script, { ban_seconds: 100, max_ban_seconds: 350 })] });
  const ttls: number[] = [];
  for (let i = 0; i < 4; i++) {
    r.listener(triaged(doc, { sourceIp: `2001:DB8:1:2:3:4:5:${i + 6}` }), 'new');
    await r.idle();
    const [b] = r.blocks();
    assert.equal(b?.target, '2001:db8:1:2::/64');
    assert.equal(b?.ip, `2001:db8:1:2:3:4:5:${i + 6}`);
    ttls.push(b?.ttl_seconds ?? 0);
    assert.equal((await r.unblock('2001:db8:1:2::abcd', 'test'))?.status, 'ok');
  }
  assert.deepEqual(ttls, [100, 200, 350, 350]);
  assert.deepEqual(calls().slice(0, 4), ['[block][2001:db8:1:2::/64][100]', '[unblock][2001:db8:1:2::/64]', '[block][2001:db8:1:2::/64][200]', '[unblock][2001:db8:1:2::/64]']);
  const manual = r.actionsList({ ip: '2001:db8:1:2::1' }).filter((a) => a.action === 'unblock');
  assert.equal(manual.length, 4);
  assert.ok(manual.every((a) => a.who === 'test'));
});

test('dry-run (the default) runs nothing but audits the block and its lifting', async () => {
  const { dir, script, calls } = setup();
  const r = responder(dir, {
    actions: [blockAction(script, { ban_seconds: 0.2 }), { type: 'script', name: 'ticket', command: [script, 'ticket', '{{rule.name}}'] }],
  });
  r.listener(triaged(doc), 'new');
  await until(() => r.actionsList({}).some((a) => a.action === 'unblock'), 5000, 'the dry-run unblock');
  await r.idle();
  assert.deepEqual(calls(), [], 'no command ran');
  const acts = r.actionsList({});
  assert.deepEqual(acts.map((a) => [a.action, a.status, a.dry_run]).sort(), [['block', 'dry_run', true], ['script', 'dry_run', true], ['unblock', 'dry_run', true]]);
  assert.deepEqual(acts.find((a) => a.action === 'block')?.command, [script, 'block', '203.0.113.45', '1']);
});

test('blocks survive a restart and are lifted afterwards; blocks that expired meanwhile are lifted at start', async () => {
  const { dir, script, calls } = setup();
  const cfg = { dry_run: false, actions: [blockAction(script, { ban_seconds: 1.2 })] };
  const first = new Responder({ config: ResponseConfigSchema.parse(cfg), internalNetworks: INTERNAL, dataDir: dir, sweepMs: 50 });
  first.start();
  first.listener(triaged(doc), 'new');
  first.listener(triaged(doc, { sourceIp: '203.0.113.99' }), 'new');
  await first.idle();
  assert.equal(first.blocks().length, 2);
  // one of them is lifted by hand, the other stays in force across the restart
  await first.unblock('203.0.113.99', 'test');
  await first.stop();
  const second = responder(dir, cfg);
  assert.deepEqual(second.blocks().map((b) => b.target), ['203.0.113.45']);
  assert.equal(calls().filter((c) => c.startsWith('[unblock][203.0.113.45]')).length, 0);
  await until(() => calls().includes('[unblock][203.0.113.45]') && second.blocks().length === 0, 5000, 'the unblock after the restart');
  assert.deepEqual(second.blocks(), []);
  // expired while stopped: lifted at start
  second.listener(triaged(doc, { sourceIp: '203.0.113.7' }), 'new');
  await second.idle();
  await second.stop();
  await new Promise((res) => setTimeout(res, 1300));
  const third = responder(dir, cfg);
  await third.idle();
  await until(() => calls().includes('[unblock][203.0.113.7]') && third.blocks().length === 0, 5000, 'the unblock at start');
  assert.deepEqual(third.blocks(), []);
});

test('script and webhook actions: alert values are single arguments, the alert JSON is on stdin, the webhook is signed', async () => {
  const { dir, script, calls } = setup();
  const got: { body: string; sig: string | undefined }[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const s = req.headers['x-vigil-signature'];
      got.push({ body: Buffer.concat(chunks).toString('utf8'), sig: typeof s === 'string' ? s : undefined });
      res.end('ok');
    });
  });
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
  closers.push(() => new Promise((res) => server.close(() => res())));
  const stdinFile = join(dir, 'stdin.json');
  const reader = join(dir, 'read.sh');
  writeFileSync(reader, `#!/bin/sh\ncat > '${stdinFile}'\n"${script}" "$@"\n`);
  chmodSync(reader, 0o755);
  const secret = 'response-webhook-secret';
  const r = responder(dir, {
    dry_run: false,
    actions: [
      { type: 'script', name: 'ticket', command: [reader, '--user={{entities.user_name}}', '{{message}}'] },
      { type: 'webhook', name: 'soar', url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, secret },
    ],
  });
  const a = triaged(doc);
  a.entities.userName = ['x; rm -rf / $(id) `id`', '--evil'];
  r.listener(a, 'new');
  await r.idle();
  assert.deepEqual(calls(), ['[--user=x; rm -rf / $(id) `id`, --evil][SSH brute force from one address (source.ip=203.0.113.45)]']);
  assert.equal((JSON.parse(readFileSync(stdinFile, 'utf8')) as { id: string }).id, a.id);
  assert.equal(got.length, 1);
  assert.equal(got[0]?.sig, signature(secret, got[0]?.body ?? ''));
  assert.deepEqual(r.actionsList({ alertId: a.id }).map((x) => [x.action, x.status]).sort(), [['script', 'ok'], ['webhook', 'ok']]);
});

test('building blocks and status changes trigger nothing; a failing command is audited as failed and not recorded as a block', async () => {
  const { dir, script, calls } = setup();
  const r = responder(dir, { dry_run: false, actions: [blockAction(script), blockAction('/nonexistent/fw', { name: 'broken', tags: [], target: 'destination_ip' })] });
  r.listener(triaged(doc, { buildingBlock: true }), 'new');
  r.listener(triaged(doc), 'status');
  await r.idle();
  assert.deepEqual(calls(), []);
  assert.deepEqual(r.actionsList({}), []);
  const a = triaged(doc, { sourceIp: '203.0.113.50' });
  a.entities.destinationIp = ['192.0.2.99'];
  r.listener(a, 'new');
  r.listener(a, 'grouped');
  await r.idle();
  r.listener(a, 'grouped');
  await r.idle();
  // the failed block is not tried again at every repeat of the alert
  assert.deepEqual(r.actionsList({ alertId: a.id }).map((x) => [x.name, x.target, x.status]).sort(), [['broken', '192.0.2.99', 'failed'], ['ssh-brute', '203.0.113.50', 'ok']]);
  assert.match(r.actionsList({ ip: '192.0.2.99' })[0]?.output ?? '', /ENOENT/);
  assert.deepEqual(r.blocks().map((b) => b.action), ['ssh-brute']);
});

test('closing an alert as a false positive lifts the blocks it made', async () => {
  const { dir, script, calls } = setup();
  const r = responder(dir, { dry_run: false, actions: [blockAction(script, { ban_seconds: 3600 })] });
  const a = triaged(doc);
  const other = triaged(doc, { sourceIp: '203.0.113.77' });
  r.listener(a, 'new');
  r.listener(other, 'new');
  await r.idle();
  assert.equal(r.blocks().length, 2);
  // acknowledged, or closed as a true positive: the block stays
  r.listener({ ...a, status: 'acknowledged' }, 'status');
  r.listener({ ...a, status: 'closed', doc: { ...a.doc, vigil: { alert: { close_reason: 'true_positive' } } } }, 'status');
  await r.idle();
  assert.equal(r.blocks().length, 2);
  r.listener({ ...a, status: 'closed', doc: { ...a.doc, vigil: { alert: { close_reason: 'false_positive' } } } }, 'status');
  await r.idle();
  assert.deepEqual(r.blocks().map((b) => b.ip), ['203.0.113.77']);
  assert.deepEqual(calls(), ['[block][203.0.113.45][3600]', '[block][203.0.113.77][3600]', '[unblock][203.0.113.45]']);
  assert.equal(r.actionsList({ ip: '203.0.113.45' })[0]?.output, 'the alert was closed as a false positive');
});
