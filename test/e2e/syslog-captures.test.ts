import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect as connectTcp, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { connect as connectTls } from 'node:tls';
import { startSyslogServe } from '../../src/sources/syslog/e2e-support.js';
import { makeCerts } from '../../src/sources/syslog/harness.js';
import { killAll } from '../support/serve.js';

/**
 * The bytes real senders (logger, rsyslog, syslog-ng, loggen) sent, replayed into a real `vigil serve` over UDP, TCP
 * and TLS: each gives exactly its messages in the store, found through the HTTP API by the sending socket's address.
 * And logger itself, RFC 3164 and RFC 5424, over UDP, TCP and IPv6.
 */
const CAPTURES = new URL('../../../shared/data/captures/syslog/', import.meta.url);
const children = new Set<ChildProcess>();
const dir = mkdtempSync(join(tmpdir(), 'vigil-syslog-captures-'));
after(async () => {
  await killAll(children);
  rmSync(dir, { recursive: true, force: true });
});
const certs = makeCerts(dir);

type Transport = 'udp' | 'tcp' | 'tls';
/** capture, transport, what each of its messages contains (one event per entry, in any order) */
const CASES: [string, Transport, string[]][] = [
  ['logger-udp-rfc5424.bin', 'udp', ['hello rfc5424 over udp']],
  ['logger-udp-rfc3164.bin', 'udp', ['hello rfc3164 over udp']],
  ['logger-udp6-rfc5424.bin', 'udp', ['hello over ipv6 loopback']],
  ['loggen-udp-legacy.bin', 'udp', ['seq: 0000000000']],
  ['logger-tcp-rfc3164-newline.bin', 'tcp', ['hello rfc3164 over tcp']],
  ['logger-tcp-rfc5424-newline.bin', 'tcp', ['hello rfc5424 over tcp (newline framing)']],
  ['logger-tcp-rfc5424-octet.bin', 'tcp', ['hello rfc5424 over tcp (octet counting)']],
  ['logger-tcp-rfc5424-newline-3msgs.bin', 'tcp', ['line one', 'line two', 'line three']],
  ['logger-tcp-rfc5424-octet-3msgs.bin', 'tcp', ['line one', 'line two', 'line three']],
  ['rsyslog-tcp-rfc5424-octet.bin', 'tcp', ['user bob1 ', 'user bob2 ', 'user bob3 ', 'rfc5424 in, rfc5424 out']],
  ['syslog-ng-tcp-legacy-newline.bin', 'tcp', ['port 50001', 'port 50002', 'rfc5424 in via syslog-ng']],
  ['syslog-ng-tcp-rfc5424-octet.bin', 'tcp', ['port 50001', 'port 50002', 'rfc5424 in via syslog-ng']],
  ['syslog-ng-tcp-rfc5424-octet-from-syslog-source.bin', 'tcp', ['rfc5424 in via syslog() source']],
  // loggen --sdata miscounts each frame by 39 octets: still five whole messages
  ['loggen-tcp-rfc5424-octet-bom.bin', 'tcp', ['seq: 0000000000', 'seq: 0000000001', 'seq: 0000000002', 'seq: 0000000003', 'seq: 0000000004']],
  ['rsyslog-tls-rfc5424-octet.decrypted.bin', 'tls', ['user bob1 ', 'user bob2 ', 'user bob3 ', 'rfc5424 in, rfc5424 out']],
  ['syslog-ng-tls-rfc5424-octet.decrypted.bin', 'tls', ['port 50001', 'port 50002', 'rfc5424 in via syslog-ng']],
  ['loggen-tls-rfc5424-octet.decrypted.bin', 'tls', ['seq: 0000000000', 'seq: 0000000001', 'seq: 0000000002']],
];

/** Sends `bytes` over a new socket; returns the sender's local port once the bytes are out (and a stream closed). */
async function replay(transport: Transport, port: number, bytes: Buffer): Promise<number> {
  if (transport === 'udp') {
    const s = createSocket('udp4');
    await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', resolve));
    const local = s.address().port;
    await new Promise<void>((resolve, reject) => s.send(bytes, port, '127.0.0.1', (err) => (err ? reject(err) : resolve())));
    await new Promise<void>((resolve) => s.close(() => resolve()));
    return local;
  }
  const sock: Socket = await new Promise((resolve, reject) => {
    const s =
      transport === 'tcp'
        ? connectTcp({ port, host: '127.0.0.1' }, () => resolve(s))
        : connectTls({ port, host: '127.0.0.1', ca: readFileSync(certs.ca) }, () => resolve(s));
    s.once('error', reject);
  });
  const local = sock.localPort ?? 0;
  sock.end(bytes);
  await new Promise<void>((resolve) => (sock.closed ? resolve() : sock.once('close', () => resolve())));
  return local;
}

describe('syslog captures of real senders, replayed into vigil serve', () => {
  test('every capture gives exactly its messages, found by the sender address', async () => {
    const serve = await startSyslogServe(
      `syslog:\n  host: 127.0.0.1\n  port: 0\n  tls:\n    port: 0\n    cert: ${certs.cert}\n    key: ${certs.key}\n`,
      children,
    );
    try {
      const ports = { udp: await serve.port('syslog_udp'), tcp: await serve.port('syslog_tcp'), tls: await serve.port('syslog_tls') };
      assert.match(serve.stderr(), new RegExp(`syslog listening on udp 127\\.0\\.0\\.1:${ports.udp}`));
      assert.match(serve.stderr(), new RegExp(`syslog listening on tcp 127\\.0\\.0\\.1:${ports.tcp}`));
      assert.match(serve.stderr(), new RegExp(`syslog listening on tls 127\\.0\\.0\\.1:${ports.tls}`));
      const senders: number[] = [];
      for (const [file, transport] of CASES) senders.push(await replay(transport, ports[transport], readFileSync(new URL(file, CAPTURES))));
      const total = CASES.reduce((n, [, , want]) => n + want.length, 0);
      assert.equal(await serve.waitStored(total), total);
      // Captures sent from the same local port (the kernel may give a port again to a socket with another peer, or of
      // another protocol) share their sender address: those are checked together, as one set of messages.
      const byPort = new Map<number, number[]>();
      senders.forEach((p, i) => byPort.set(p, [...(byPort.get(p) ?? []), i]));
      for (const [port, cases] of byPort) {
        const files = cases.map((i) => CASES[i]?.[0] ?? '').join(' + ');
        const want = cases.flatMap((i) => CASES[i]?.[2] ?? []);
        const r = await serve.search(`log.source.address:"127.0.0.1:${port}"`);
        const originals = r.events.map((e) => String((e['event'] as Record<string, unknown> | undefined)?.['original']));
        assert.equal(r.total, want.length, `${files}: ${originals.join(' | ')}`);
        for (const w of new Set(want)) {
          const n = want.filter((x) => x === w).length;
          assert.equal(originals.filter((o) => o.includes(w)).length, n, `${files}: ${n} message(s) with '${w}'`);
        }
        for (const o of originals) assert.match(o, /^<\d{1,3}>/, `${files}: each event is one whole message`);
      }
      // header fields, through the parser
      const r5424 = await serve.search('log.syslog.msgid:TEST1 and process.name:siemtest and log.syslog.priority:36');
      assert.equal(r5424.total, 1);
      const r3164 = await serve.search('process.pid:12531 and host.hostname:vm and log.syslog.priority:37');
      assert.equal(r3164.total, 1);
      const health = (await serve.health()).components;
      assert.equal(health['syslog_tcp']?.['accepted'], CASES.filter((c) => c[1] === 'tcp').length);
      assert.equal(health['syslog_tls']?.['accepted'], CASES.filter((c) => c[1] === 'tls').length);
      assert.equal(health['syslog_udp']?.['received'], CASES.filter((c) => c[1] === 'udp').length);
    } finally {
      await serve.stop();
    }
  });

  test('logger: RFC 3164 and RFC 5424 over UDP and TCP, octet counted and newline framed, over IPv4 and IPv6', async () => {
    for (const host of ['127.0.0.1', '::1']) {
      const serve = await startSyslogServe(`syslog:\n  host: "${host}"\n  port: 0\n`, children);
      try {
        const udp = String(await serve.port('syslog_udp'));
        const tcp = String(await serve.port('syslog_tcp'));
        const runs: [string[], string][] = [
          [['-d', '-P', udp, '--rfc3164'], 'udp-3164'],
          [['-d', '-P', udp, '--rfc5424'], 'udp-5424'],
          [['-T', '-P', tcp, '--rfc3164'], 'tcp-3164'],
          [['-T', '-P', tcp, '--rfc5424'], 'tcp-5424-newline'],
          [['-T', '-P', tcp, '--rfc5424', '--octet-count'], 'tcp-5424-octet'],
        ];
        for (const [args, word] of runs) execFileSync('logger', ['-n', host, ...args, '-t', 'e2elogger', '-p', 'auth.info', `logger says ${word}`]);
        assert.equal(await serve.waitStored(runs.length), runs.length);
        for (const [, word] of runs) {
          const r = await serve.search(`process.name:e2elogger and "logger says ${word}" and log.syslog.priority:38`);
          assert.equal(r.total, 1, `${host} ${word}`);
          const addr = String((r.events[0]?.['log'] as { source?: { address?: string } } | undefined)?.source?.address);
          assert.ok(addr.startsWith(host === '::1' ? '::1:' : '127.0.0.1:'), addr);
        }
      } finally {
        await serve.stop();
      }
    }
  });
});
