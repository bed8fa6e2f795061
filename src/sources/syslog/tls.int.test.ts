import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect as connectTcp, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { connect, createServer as createTlsServer, type TLSSocket } from 'node:tls';
import { getPath } from '../../schema/event.js';
import { F } from '../../schema/fields.js';
import { makeCerts, startHarness } from './harness.js';

const CAPTURES = new URL('../../../../shared/data/captures/syslog/', import.meta.url);
const dir = mkdtempSync(join(tmpdir(), 'vigil-tls-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const certs = makeCerts(dir);

function dialTls(port: number, opts: { cert?: string; key?: string } = {}): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const s = connect({
      port,
      host: '127.0.0.1',
      ca: readFileSync(certs.ca),
      ...(opts.cert ? { cert: readFileSync(opts.cert) } : {}),
      ...(opts.key ? { key: readFileSync(opts.key) } : {}),
    });
    s.once('secureConnect', () => resolve(s));
    s.once('error', reject);
  });
}

async function sendAndClose(s: Socket, data: Buffer | string): Promise<void> {
  await new Promise<void>((resolve) => s.write(data, () => resolve()));
  s.end();
  await new Promise<void>((resolve) => (s.closed ? resolve() : s.once('close', () => resolve())));
}

const tlsConfig = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  udp: false,
  tcp: false,
  tls: { port: 0, cert: certs.cert, key: certs.key, ca: certs.ca, ...extra },
});

describe('syslog over TLS', () => {
  test('the decrypted TLS captures of rsyslog, syslog-ng and loggen, replayed over TLS, give their messages', async () => {
    const h = await startHarness(tlsConfig());
    try {
      const port = h.port('syslog_tls');
      assert.match(h.logs.join('\n'), new RegExp(`syslog listening on tls 127\\.0\\.0\\.1:${port}`));
      const expected: [string, string, number][] = [
        ['rsyslog-tls-rfc5424-octet.decrypted.bin', 'process.name:sshd and "Failed password for invalid user"', 3],
        ['syslog-ng-tls-rfc5424-octet.decrypted.bin', 'process.name:sshd and "Failed password for root"', 2],
        ['loggen-tls-rfc5424-octet.decrypted.bin', 'process.name:prg00000', 3],
      ];
      for (const [file] of expected) await sendAndClose(await dialTls(port), readFileSync(new URL(file, CAPTURES)));
      assert.equal(await h.waitStored(10), 10, "4 from rsyslog, 3 from syslog-ng, 3 from loggen");
      for (const [file, query, n] of expected) assert.equal(await h.count(query), n, file);
      assert.equal(await h.count('process.name:app and log.syslog.msgid:LOGIN and "rfc5424 in, rfc5424 out"'), 1);
      const [e] = await h.events('"bob2"');
      // rsyslog relays the RFC 3164 line as RFC 5424 with the space after the old tag: the message starts at the text
      assert.equal(getPath(e ?? {}, F.message), 'Failed password for invalid user bob2 from 127.0.0.1 port 40002 ssh2');
      assert.equal(getPath(e ?? {}, F.userName), 'bob2');
      assert.match(String(getPath(e ?? {}, F.logSourceAddress)), /^127\.0\.0\.1:\d+$/);
      assert.equal(h.sources.get('syslog_tls')?.health?.()['accepted'], 3);
    } finally {
      await h.close();
    }
  });

  test('tls.max_version TLSv1.2: a TLS 1.3-only client is refused, a TLS 1.2 client is served with TLS 1.2', async () => {
    const h = await startHarness(tlsConfig({ max_version: 'TLSv1.2' }));
    try {
      const port = h.port('syslog_tls');
      const only13 = connect({ port, host: '127.0.0.1', ca: readFileSync(certs.ca), minVersion: 'TLSv1.3' });
      const err = await new Promise<unknown>((resolve) => {
        only13.once('secureConnect', () => resolve(undefined));
        only13.once('error', resolve);
      });
      only13.destroy();
      assert.ok(err instanceof Error, 'TLS 1.3-only handshake refused');
      const s = await dialTls(port);
      assert.equal(s.getProtocol(), 'TLSv1.2');
      await sendAndClose(s, '<38>Nov 26 18:44:31 vm sshd[2794]: Failed password for root from 192.0.2.8 port 50001 ssh2\n');
      assert.equal(await h.waitFor(1, 'source.ip:192.0.2.8'), 1);
      assert.equal(h.sources.get('syslog_tls')?.health?.()['handshake_failures'], 1);
    } finally {
      await h.close();
    }
  });

  test('tls.min_version TLSv1.3: a TLS 1.2-only client is refused', async () => {
    const h = await startHarness(tlsConfig({ min_version: 'TLSv1.3' }));
    try {
      const port = h.port('syslog_tls');
      const only12 = connect({ port, host: '127.0.0.1', ca: readFileSync(certs.ca), maxVersion: 'TLSv1.2' });
      const err = await new Promise<unknown>((resolve) => {
        only12.once('secureConnect', () => resolve(undefined));
        only12.once('error', resolve);
      });
      only12.destroy();
      assert.ok(err instanceof Error, 'TLS 1.2-only handshake refused');
      const s = await dialTls(port);
      assert.equal(s.getProtocol(), 'TLSv1.3');
      s.destroy();
    } finally {
      await h.close();
    }
  });

  test('no session tickets: a TLS 1.3 client is sent none and resumes none (a plain Node TLS server sends two)', async () => {
    /** what a TLS 1.3 client sees on a connection to `port`: its NewSessionTicket messages ('session' events) */
    const connectOnce = async (port: number, sent: () => Promise<void>, session?: Buffer): Promise<{ tickets: Buffer[]; reused: boolean }> => {
      const s = connect({ port, host: '127.0.0.1', ca: readFileSync(certs.ca), minVersion: 'TLSv1.3', ...(session ? { session } : {}) });
      const tickets: Buffer[] = [];
      s.on('session', (t: Buffer) => tickets.push(t));
      await new Promise<void>((resolve, reject) => {
        s.once('secureConnect', () => resolve());
        s.once('error', reject);
      });
      const reused = s.isSessionReused();
      await new Promise<void>((resolve) => s.write('<38>Nov 26 18:44:31 vm sshd[2794]: Failed password for root from 192.0.2.9 port 50001 ssh2\n', () => resolve()));
      await sent();
      // tickets come right after the handshake, before anything the server reads: what arrives later is not one
      await new Promise((r) => setTimeout(r, 300));
      s.destroy();
      return { tickets, reused };
    };
    let plainTickets: Buffer[] = [];
    const plain = createTlsServer({ cert: readFileSync(certs.cert), key: readFileSync(certs.key) }, (c) => c.resume());
    await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve));
    try {
      const addr = plain.address();
      assert.ok(addr !== null && typeof addr === 'object');
      plainTickets = (await connectOnce(addr.port, async () => {})).tickets;
      assert.equal(plainTickets.length, 2, 'Node sends two TLS 1.3 tickets by default');
    } finally {
      plain.close();
    }
    const h = await startHarness(tlsConfig());
    try {
      // a ticket another server issued (same certificate) is not accepted: a full handshake, still no ticket
      const seen = await connectOnce(h.port('syslog_tls'), async () => assert.equal(await h.waitFor(1, 'source.ip:192.0.2.9'), 1), plainTickets[0]);
      assert.equal(seen.tickets.length, 0);
      assert.equal(seen.reused, false);
      assert.doesNotMatch(h.logs.join('\n'), /cannot stop TLS session tickets/);
    } finally {
      await h.close();
    }
  });

  test('openssl s_client as a sender', async () => {
    const h = await startHarness(tlsConfig());
    try {
      const port = h.port('syslog_tls');
      const child = spawn('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, '-CAfile', certs.ca, '-quiet', '-no_ign_eof'], { stdio: ['pipe', 'ignore', 'ignore'] });
      child.stdin.end('<38>Nov 26 18:44:31 vm sshd[2794]: Failed password for root from 192.0.2.7 port 50001 ssh2\n');
      assert.equal(await h.waitFor(1, 'source.ip:192.0.2.7'), 1);
      child.kill();
    } finally {
      await h.close();
    }
  });

  test('client_auth required: a client without a certificate is refused and counted; one with a certificate is served', async () => {
    const h = await startHarness(tlsConfig({ client_auth: 'required' }));
    try {
      const port = h.port('syslog_tls');
      const refused = await dialTls(port).then(
        async (s) => {
          // TLS 1.3: the refusal arrives after the client's handshake is done
          const r = await new Promise<string>((resolve) => {
            s.once('error', (err: unknown) => resolve(err instanceof Error ? err.message : String(err)));
            s.once('close', () => resolve('closed'));
            s.write('<13>should not be stored tls-b0\n');
          });
          return r;
        },
        (err: unknown) => (err as Error).message,
      );
      assert.ok(refused.length > 0);
      await sendAndClose(await dialTls(port, { cert: certs.clientCert, key: certs.clientKey }), '<13>1 - host tlsclient - - - with a certificate tls-b1\n');
      assert.equal(await h.waitFor(1, '"tls-b1"'), 1);
      assert.equal(await h.count('"tls-b0"'), 0);
      const health = h.sources.get('syslog_tls')?.health?.() ?? {};
      assert.equal(health['handshake_failures'], 1, JSON.stringify(health));
      assert.match(await h.metrics(), /component="syslog_tls",kind="source",error_type="[A-Z_]+",stage="tls_handshake"\} 1/);
    } finally {
      await h.close();
    }
  });

  test('a client that never finishes its handshake is dropped after handshake_timeout_seconds, and counted', async () => {
    const h = await startHarness({ ...tlsConfig(), handshake_timeout_seconds: 0.3 });
    try {
      const port = h.port('syslog_tls');
      const silent = connectTcp({ port, host: '127.0.0.1' });
      // the first bytes of a ClientHello, and then nothing
      const partial = connectTcp({ port, host: '127.0.0.1' }, () => partial.write(Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01])));
      const closedWithin = (s: Socket): Promise<number> => {
        const t0 = Date.now();
        return new Promise((resolve) => {
          s.on('error', () => undefined);
          s.once('close', () => resolve(Date.now() - t0));
          s.resume();
        });
      };
      const [a, b] = await Promise.all([closedWithin(silent), closedWithin(partial)]);
      assert.ok(a < 3000 && b < 3000, `closed after ${a} and ${b} ms`);
      const health = h.sources.get('syslog_tls')?.health?.() ?? {};
      assert.equal(health['handshake_timeouts'], 2, JSON.stringify(health));
      assert.match(await h.metrics(), /component="syslog_tls",kind="source",error_type="ERR_TLS_HANDSHAKE_TIMEOUT",stage="tls_handshake"\} 2/);
      // and the listener still serves
      await sendAndClose(await dialTls(port), '<13>1 - host tlsclient - - - after the stalled ones tls-c1\n');
      assert.equal(await h.waitFor(1, '"tls-c1"'), 1);
    } finally {
      await h.close();
    }
  });
});
