import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect as connectTcp, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, describe, test } from 'node:test';
import { connect as connectTls } from 'node:tls';
import { startSyslogServe } from '../../src/sources/syslog/e2e-support.js';
import { makeCerts } from '../../src/sources/syslog/harness.js';
import { killAll } from '../support/serve.js';

/**
 * Hostile senders against a real `vigil serve`: 10,000 connections opened and left idle, binary garbage, cut frames,
 * an octet count beyond the limit, invalid UTF-8, TLS clients that never finish their handshake, more connections
 * than allowed. Each gets a bounded, counted reaction (health and /metrics), and a well-behaved sender meanwhile has
 * every message stored.
 */
const children = new Set<ChildProcess>();
const dir = mkdtempSync(join(tmpdir(), 'vigil-syslog-hostile-'));
const open = new Set<Socket>();
after(async () => {
  for (const s of open) s.destroy();
  await killAll(children);
  rmSync(dir, { recursive: true, force: true });
});
const certs = makeCerts(dir);

function dial(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connectTcp({ port, host: '127.0.0.1' }, () => resolve(s));
    s.once('error', reject);
  });
}

function whenClosed(s: Socket): Promise<void> {
  return new Promise((resolve) => (s.closed ? resolve() : s.once('close', () => resolve())));
}

/** A sender that writes one well-formed message per call and remembers how many it wrote. */
async function goodSender(port: number): Promise<{ send(n: number): Promise<void>; sent(): number; close(): Promise<void> }> {
  const s = await dial(port);
  let count = 0;
  return {
    async send(n) {
      const lines: string[] = [];
      for (let i = 0; i < n; i++) lines.push(`<38>1 2026-11-26T12:00:00Z goodhost goodapp ${count + i} - - well-formed message ${count + i}\n`);
      count += n;
      await new Promise<void>((resolve) => s.write(lines.join(''), () => resolve()));
    },
    sent: () => count,
    async close() {
      s.end();
      await whenClosed(s);
    },
  };
}

describe('hostile syslog senders', () => {
  test('10,000 idle connections: the server holds them all and keeps serving a well-behaved sender', async () => {
    const serve = await startSyslogServe('syslog:\n  port: 0\n  udp: false\n  idle_timeout_seconds: 60\n', children);
    try {
      const port = await serve.port('syslog_tcp');
      const good = await goodSender(port);
      const idle: Socket[] = [];
      const N = 10_000;
      const BATCH = 500;
      const t0 = Date.now();
      for (let i = 0; i < N; i += BATCH) {
        const batch = await Promise.all(Array.from({ length: Math.min(BATCH, N - i) }, () => dial(port)));
        for (const s of batch) {
          s.on('error', () => undefined);
          open.add(s);
          idle.push(s);
        }
        await good.send(20);
      }
      const openedMs = Date.now() - t0;
      // a connect completes in the kernel's accept queue; the server takes them from there a moment later
      let health = (await serve.health()).components['syslog_tcp'] ?? {};
      for (let i = 0; i < 100 && Number(health['connections']) < N; i++) {
        await sleep(50);
        health = (await serve.health()).components['syslog_tcp'] ?? {};
      }
      assert.ok(Number(health['connections']) >= N, `all ${N} idle connections are open at once: ${JSON.stringify(health)}`);
      assert.equal(health['refused'], 0);
      await good.send(1000);
      const want = good.sent();
      assert.equal(await serve.waitStored(want), want, 'every well-formed message is stored');
      const r = await serve.search(`process.name:goodapp and "well-formed message ${want - 1}"`);
      assert.equal(r.total, 1);
      // when the peers go, so do the server's connections (idle timeouts themselves: syslog tcp.int.test.ts)
      for (const sock of idle) sock.destroy();
      let after = (await serve.health()).components['syslog_tcp'] ?? {};
      for (let i = 0; i < 200 && Number(after['connections']) > 1; i++) {
        await sleep(50);
        after = (await serve.health()).components['syslog_tcp'] ?? {};
      }
      assert.equal(after['connections'], 1, `only the good sender is left: ${JSON.stringify(after)}`);
      process.stderr.write(`# ${N} idle connections opened in ${openedMs} ms; ${want} well-formed messages stored meanwhile\n`);
      await good.close();
    } finally {
      for (const s of open) s.destroy();
      open.clear();
      await serve.stop();
    }
  });

  test('garbage, cut frames, an oversized count, invalid UTF-8, stalled TLS handshakes and too many connections: bounded and counted', async () => {
    const serve = await startSyslogServe(
      `syslog:\n  port: 0\n  max_message_bytes: 2048\n  max_connections: 50\n  handshake_timeout_seconds: 0.5\n  tls:\n    port: 0\n    cert: ${certs.cert}\n    key: ${certs.key}\n`,
      children,
    );
    try {
      const tcp = await serve.port('syslog_tcp');
      const tls = await serve.port('syslog_tls');
      const good = await goodSender(tcp);
      await good.send(100);
      const hostile = async (data: Buffer | string): Promise<void> => {
        const s = await dial(tcp);
        s.on('error', () => undefined);
        s.end(data);
        await whenClosed(s);
        await good.send(100);
      };
      let seed = 3;
      const junk = Buffer.alloc(1_000_000);
      for (let i = 0; i < junk.length; i++) junk[i] = (seed = (seed * 1103515245 + 12345) & 0x7fffffff) >> 16;
      await hostile(junk);
      await hostile(`99999999 <13>1 - h bigapp - - - oversized hostile-1 ${'z'.repeat(10_000)}`);
      await hostile('300 <13>1 - h cutapp - - - cut short hostile-2');
      await hostile(Buffer.concat([Buffer.from('<13>1 - h utf8app - - - hostile-3 '), Buffer.from([0xed, 0xa0, 0x80, 0xff, 0xc0, 0xaf]), Buffer.from('\n')]));
      // TLS: one client that sends nothing, one that stops in the middle of its ClientHello
      const stalled = [await dial(tls), await dial(tls)];
      stalled[1]?.write(Buffer.from([0x16, 0x03, 0x01, 0x01, 0x00]));
      for (const s of stalled) s.on('error', () => undefined);
      await Promise.all(stalled.map(whenClosed));
      // too many connections: 49 idle plus the good sender fill max_connections; 10 more are refused
      const filler: Socket[] = [];
      for (let i = 0; i < 49; i++) filler.push(await dial(tcp));
      for (const s of filler) open.add(s);
      const extra = await Promise.all(Array.from({ length: 10 }, () => dial(tcp)));
      for (const s of extra) s.on('error', () => undefined);
      await Promise.all(extra.map(whenClosed));
      await good.send(100);
      // a well-behaved TLS sender is still served
      const t = await new Promise<Socket>((resolve, reject) => {
        const s = connectTls({ port: tls, host: '127.0.0.1', ca: readFileSync(certs.ca) }, () => resolve(s));
        s.once('error', reject);
      });
      t.end('<38>1 2026-11-26T12:00:00Z goodhost goodapp - - - over tls after the stalled ones\n');
      await whenClosed(t);

      const want = good.sent() + 1;
      let stored = 0;
      for (let i = 0; i < 300 && stored < want; i++) {
        stored = (await serve.search('process.name:goodapp', 0)).total;
        if (stored < want) await sleep(50);
      }
      assert.equal(stored, want, 'every well-formed message is stored');
      const big = await serve.search('"hostile-1"');
      assert.equal(big.total, 1);
      assert.equal(Buffer.byteLength(String((big.events[0]?.['event'] as Record<string, unknown>)['original'])), 2048);
      assert.equal((await serve.search('"hostile-2"')).total, 1);
      assert.equal((await serve.search('"hostile-3"')).total, 1);

      const h = (await serve.health()).components;
      assert.equal(h['syslog_tls']?.['handshake_timeouts'], 2, JSON.stringify(h['syslog_tls']));
      assert.equal(h['syslog_tcp']?.['refused'], 10, JSON.stringify(h['syslog_tcp']));
      const metrics = await serve.metrics();
      for (const re of [
        /component="syslog_tls",kind="source",error_type="ERR_TLS_HANDSHAKE_TIMEOUT",stage="tls_handshake"\} 2\n/,
        /component="syslog_tcp",kind="source",error_type="max_connections",stage="accept"\} 10\n/,
        /component="syslog_tcp",kind="source",error_type="message_truncated",stage="framing"\} [1-9]/,
        /component="syslog_tcp",kind="source",error_type="octet_count_invalid",stage="framing"\} [1-9]/,
      ]) {
        assert.match(metrics, re);
      }
      // the reactions were logged, at a bounded rate
      assert.match(serve.stderr(), /syslog_tls: TLS handshake with 127\.0\.0\.1:\d+ failed/);
      assert.match(serve.stderr(), /syslog_tcp: refused a connection/);
      assert.ok(serve.stderr().split('\n').filter((l) => l.includes('syslog_tcp: refused')).length <= 10);
      await good.close();
    } finally {
      for (const s of open) s.destroy();
      open.clear();
      await serve.stop();
    }
  });
});
