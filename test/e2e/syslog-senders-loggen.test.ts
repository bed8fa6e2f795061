import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { getPath } from '../../src/schema/event.js';
import { F } from '../../src/schema/fields.js';
import { killAll } from '../support/serve.js';
import { depsGate, LOGGEN, loggenSent, run, sngEnv, startVigil, type Vigil } from './syslog-senders-support.js';

/**
 * syslog-ng's `loggen` as a bounded load generator against a real `vigil serve`: RFC 5424 with octet counting and
 * legacy newline-framed messages over TCP, RFC 5424 over TLS. Every message loggen reports sent must be stored, once.
 */
const TOKEN = `e2e-${randomBytes(16).toString('hex')}`;
const LOGGEN_TIMEOUT_MS = 90_000;
const DRAIN_TIMEOUT_MS = 60_000;
const children = new Set<ChildProcess>();
const tmp = mkdtempSync(join(tmpdir(), 'vigil-loggen-e2e-'));
const gate = depsGate(['syslog-ng', 'openssl']);
let vigil: Vigil | undefined;

before(async () => {
  if (gate.skip !== undefined || gate.error !== undefined) return;
  const r = await run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', join(tmp, 'server.key'), '-out', join(tmp, 'server.pem'), '-days', '2', '-subj', '/CN=localhost'], { timeoutMs: 30_000, children });
  assert.equal(r.code, 0, r.stderr);
  const tls = { port: 0, cert: join(tmp, 'server.pem'), key: join(tmp, 'server.key') };
  vigil = await startVigil(tmp, { syslog: { port: 0, udp: false, tls }, store: { sync: 'full' } }, TOKEN, children);
});
after(async () => {
  await vigil?.stop();
  await killAll(children);
  rmSync(tmp, { recursive: true, force: true });
});

/** Runs loggen to its end against `port` and checks that the store grew by exactly what it reports sent. */
async function loggenStored(args: string[], port: number, expected: number, env: NodeJS.ProcessEnv = sngEnv(), v = vigil): Promise<void> {
  assert.ok(v, 'vigil serve started');
  const before = await v.stored();
  const r = await run(LOGGEN, [...args, '127.0.0.1', String(port)], { timeoutMs: LOGGEN_TIMEOUT_MS, env, children });
  assert.equal(r.timedOut, false, `loggen finished within ${LOGGEN_TIMEOUT_MS} ms`);
  assert.equal(r.code, 0, r.stderr);
  assert.doesNotMatch(r.stderr, /error/i, r.stderr);
  const sent = loggenSent(r);
  assert.equal(sent, expected, `loggen sent all it was asked to: ${r.stderr}`);
  const stored = (await v.settle(before + sent, DRAIN_TIMEOUT_MS)) - before;
  assert.equal(stored, sent, `stored what loggen reports sent (${v.stderr()})`);
}

describe('loggen (syslog-ng) as a bounded load generator', () => {
  test('TCP, RFC 5424 with octet counting and structured data, 2 connections: every message it sent is stored once', { skip: gate.skip ?? false, timeout: 180_000 }, async () => {
    if (gate.error) assert.fail(gate.error);
    const v = vigil;
    assert.ok(v);
    const port = await v.port('syslog_tcp');
    const acceptedBefore = Number((await v.health()).components['syslog_tcp']?.['accepted']);
    // --number and --rate are per connection
    await loggenStored(['--inet', '--stream', '--syslog-proto', '--sdata', '[test@32473 run="1"]', '--size', '200', '--active-connections', '2', '--rate', '5000', '--number', '10000'], port, 20_000);
    const h = (await v.health()).components['syslog_tcp'] ?? {};
    assert.equal(Number(h['accepted']) - acceptedBefore, 2, JSON.stringify(h));
    assert.equal(h['octet_count_invalid'], 0, JSON.stringify(h));
    assert.equal(h['octet_count_short'], 0, JSON.stringify(h));
    const [e] = (await v.search('process.name:prg00000 and log.syslog.version:1', 1)).events;
    assert.ok(e);
    assert.equal(getPath(e, F.logSyslogVersion), '1');
    assert.equal(getPath(e, F.hostHostname), 'localhost');
    assert.equal(getPath(e, F.logSyslogPriority), 38);
    assert.match(String(getPath(e, 'log.syslog.structured_data_raw')), /^\[test@32473 run="1"\]$/);
    // the BOM before MSG is not part of the message
    assert.match(String(getPath(e, F.message)), /^seq: \d{10}, thread: \d{4}, runid: \d+, stamp: /);
  });

  test('TCP, legacy (RFC 3164) lines with newline framing: every message it sent is stored once', { skip: gate.skip ?? false, timeout: 180_000 }, async () => {
    if (gate.error) assert.fail(gate.error);
    const v = vigil;
    assert.ok(v);
    await loggenStored(['--inet', '--stream', '--size', '150', '--rate', '10000', '--number', '10000'], await v.port('syslog_tcp'), 10_000);
  });

  test('TLS 1.2 (loggen limited to it through its OpenSSL config), RFC 5424 with octet counting: every message it sent is stored once', { skip: gate.skip ?? false, timeout: 180_000 }, async () => {
    if (gate.error) assert.fail(gate.error);
    const v = vigil;
    assert.ok(v);
    const conf = join(tmp, 'openssl-tls12.cnf');
    writeFileSync(conf, ['openssl_conf = default_conf', '[default_conf]', 'ssl_conf = ssl_sect', '[ssl_sect]', 'system_default = tls12', '[tls12]', 'MaxProtocol = TLSv1.2', ''].join('\n'));
    const before = (await v.health()).components['syslog_tls'] ?? {};
    await loggenStored(['--use-ssl', '--syslog-proto', '--size', '200', '--rate', '10000', '--number', '10000'], await v.port('syslog_tls'), 10_000, { ...sngEnv(), OPENSSL_CONF: conf });
    const h = (await v.health()).components['syslog_tls'] ?? {};
    assert.equal(Number(h['accepted']) - Number(before['accepted']), 1, JSON.stringify(h));
    assert.equal(h['handshake_failures'], 0, JSON.stringify(h));
    assert.equal(Number(h['messages']) - Number(before['messages']), 10_000, JSON.stringify(h));
  });

  test('TLS with syslog.tls.max_version TLSv1.2 on the server, loggen unrestricted: every message it sent is stored once', { skip: gate.skip ?? false, timeout: 180_000 }, async () => {
    if (gate.error) assert.fail(gate.error);
    const dir = join(tmp, 'tls12-server');
    mkdirSync(dir, { recursive: true });
    const tls = { port: 0, cert: join(tmp, 'server.pem'), key: join(tmp, 'server.key'), max_version: 'TLSv1.2' };
    const v12 = await startVigil(dir, { syslog: { port: 0, udp: false, tcp: false, tls }, netflow: { port: 0 }, store: { sync: 'full' } }, TOKEN, children);
    try {
      await loggenStored(['--use-ssl', '--syslog-proto', '--size', '200', '--rate', '10000', '--number', '10000'], await v12.port('syslog_tls'), 10_000, sngEnv(), v12);
      const h = (await v12.health()).components['syslog_tls'] ?? {};
      assert.equal(h['handshake_failures'], 0, JSON.stringify(h));
      assert.equal(h['messages'], 10_000, JSON.stringify(h));
    } finally {
      await v12.stop();
    }
  });

  // loggen never reads from its TLS connection: had the server sent TLS 1.3 session tickets after the handshake, they
  // would stay unread in its receive buffer, its close() would become a reset (RST, RFC 2525 2.17) and its kernel would
  // discard what it had not yet sent (the same happens with `openssl s_server` as the receiver, not with its
  // `-num_tickets 0`). Vigil issues no tickets (no-tickets.ts), so TLS 1.3 works as TLS 1.2 does.
  test('TLS 1.3, RFC 5424 with octet counting: every message it sent is stored once', { skip: gate.skip ?? false, timeout: 180_000 }, async () => {
    if (gate.error) assert.fail(gate.error);
    const v = vigil;
    assert.ok(v);
    const before = (await v.health()).components['syslog_tls'] ?? {};
    await loggenStored(['--use-ssl', '--syslog-proto', '--size', '200', '--rate', '10000', '--number', '10000'], await v.port('syslog_tls'), 10_000);
    const h = (await v.health()).components['syslog_tls'] ?? {};
    assert.equal(Number(h['accepted']) - Number(before['accepted']), 1, JSON.stringify(h));
    assert.equal(h['handshake_failures'], 0, JSON.stringify(h));
    assert.equal(Number(h['messages']) - Number(before['messages']), 10_000, JSON.stringify(h));
  });
});
