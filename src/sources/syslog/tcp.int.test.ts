import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { describe, test } from 'node:test';
import { getPath } from '../../schema/event.js';
import { F } from '../../schema/fields.js';
import { holdHotWrites } from '../../../test/support/hold-writes.js';
import { startHarness } from './harness.js';

/** A connected client socket. */
function dial(port: number, host = '127.0.0.1'): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ port, host }, () => resolve(s));
    s.once('error', reject);
  });
}

/** Writes, then closes the client side and waits until the server has closed too. */
async function sendAndClose(s: Socket, data: Buffer | string): Promise<void> {
  await new Promise<void>((resolve) => s.write(data, () => resolve()));
  s.end();
  await new Promise<void>((resolve) => (s.closed ? resolve() : s.once('close', () => resolve())));
}

function closed(s: Socket, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    if (s.closed) return resolve(true);
    const t = setTimeout(() => resolve(false), timeoutMs);
    s.once('close', () => {
      clearTimeout(t);
      resolve(true);
    });
    s.resume();
  });
}

describe('syslog over TCP', () => {
  test('logger: RFC 5424 with octet counting and newline framing, RFC 3164, over IPv4', async () => {
    const h = await startHarness({ udp: false });
    try {
      const port = String(h.port('syslog_tcp'));
      assert.match(h.logs.join('\n'), new RegExp(`syslog listening on tcp 127\\.0\\.0\\.1:${port}`));
      const base = ['-n', '127.0.0.1', '-P', port, '-T', '-t', 'tcpcheck'];
      execFileSync('logger', [...base, '--rfc5424', '--octet-count', '-p', 'auth.info', 'octet counted tcp-a1']);
      execFileSync('logger', [...base, '--rfc5424', '-p', 'auth.info', 'newline framed tcp-a2']);
      execFileSync('logger', [...base, '--rfc3164', '-p', 'auth.warning', 'rfc3164 tcp-a3']);
      assert.equal(await h.waitFor(3, 'process.name:tcpcheck'), 3);
      for (const [word, pri] of [['tcp-a1', 38], ['tcp-a2', 38], ['tcp-a3', 36]] as const) {
        const [e] = await h.events(`"${word}"`);
        assert.ok(e, word);
        assert.equal(getPath(e, F.logSyslogPriority), pri);
        assert.ok(String(getPath(e, F.message)).endsWith(word));
        assert.match(String(getPath(e, F.logSourceAddress)), /^127\.0\.0\.1:\d+$/);
      }
      const health = h.sources.get('syslog_tcp')?.health?.() ?? {};
      assert.equal(health['accepted'], 3);
      assert.equal(health['messages'], 3);
    } finally {
      await h.close();
    }
  });

  test('logger over IPv6 (::1), octet counted and newline framed', async () => {
    const h = await startHarness({ udp: false, host: '::1' });
    try {
      const port = String(h.port('syslog_tcp'));
      execFileSync('logger', ['-n', '::1', '-P', port, '-T', '--rfc5424', '--octet-count', '-t', 'tcp6check', 'over ipv6 tcp-b1']);
      execFileSync('logger', ['-n', '::1', '-P', port, '-T', '--rfc5424', '-t', 'tcp6check', 'over ipv6 tcp-b2']);
      assert.equal(await h.waitFor(2, 'process.name:tcp6check'), 2);
      const [e] = await h.events('"tcp-b1"');
      assert.match(String(getPath(e ?? {}, F.logSourceAddress)), /^::1:\d+$/);
    } finally {
      await h.close();
    }
  });

  test('bad input: garbage, invalid UTF-8, an oversized count and a cut frame each get a bounded reaction; a good sender meanwhile loses nothing', async () => {
    const h = await startHarness({ udp: false, max_message_bytes: 1024 });
    try {
      const port = h.port('syslog_tcp');
      const good = await dial(port);
      const goodSent: Promise<void>[] = [];
      const sendGood = (i: number): void => {
        goodSent.push(new Promise((resolve) => good.write(`<13>1 2026-11-26T10:00:00Z host goodapp - - - well formed ${i}\n`, () => resolve())));
      };
      for (let i = 0; i < 50; i++) sendGood(i);
      // binary garbage
      let seed = 11;
      const junk = Buffer.alloc(100_000);
      for (let i = 0; i < junk.length; i++) junk[i] = (seed = (seed * 1103515245 + 12345) & 0x7fffffff) & 0xff;
      await sendAndClose(await dial(port), junk);
      for (let i = 50; i < 100; i++) sendGood(i);
      // invalid UTF-8 in an otherwise good message
      await sendAndClose(await dial(port), Buffer.concat([Buffer.from('<13>1 - host utf8app - - - bad bytes '), Buffer.from([0xc3, 0x28, 0xff, 0xfe]), Buffer.from(' end tcp-c1\n')]));
      // an octet count far beyond the limit, then the connection ends
      await sendAndClose(await dial(port), `5000000 <13>1 - host bigapp - - - oversized tcp-c2 ${'y'.repeat(5000)}`);
      // a frame cut short: the count says 200, 40 bytes come
      await sendAndClose(await dial(port), `200 <13>1 - host cutapp - - - cut tcp-c3 and`);
      // a count that is not one
      await sendAndClose(await dial(port), `12x <13>1 - host fallbackapp - - - tcp-c4\n`);
      for (let i = 100; i < 150; i++) sendGood(i);
      await Promise.all(goodSent);
      await sendAndClose(good, '');
      assert.equal(await h.waitFor(150, 'process.name:goodapp'), 150, 'every well-formed message is stored');
      const [u] = await h.events('"tcp-c1"');
      assert.match(String(getPath(u ?? {}, F.message)), /bad bytes \ufffd\(\ufffd\ufffd end tcp-c1/);
      const [big] = await h.events('"tcp-c2"');
      assert.ok(big);
      assert.equal(Buffer.byteLength(String(getPath(big, F.eventOriginal))), 1024);
      const [cut] = await h.events('"tcp-c3"');
      assert.ok(String(getPath(cut ?? {}, F.eventOriginal)).endsWith('cut tcp-c3 and'));
      assert.equal(await h.count('"tcp-c4"'), 1);
      const health = h.sources.get('syslog_tcp')?.health?.() ?? {};
      assert.ok(Number(health['truncated']) >= 2, JSON.stringify(health));
      assert.ok(Number(health['octet_count_invalid']) >= 1, JSON.stringify(health));
      const metrics = await h.metrics();
      assert.match(metrics, /component="syslog_tcp",kind="source",error_type="message_truncated",stage="framing"\} [1-9]/);
      assert.match(metrics, /component="syslog_tcp",kind="source",error_type="octet_count_invalid",stage="framing"\} [1-9]/);
    } finally {
      await h.close();
    }
  });

  test('an idle connection is closed after idle_timeout_seconds, its partial line delivered; the close is counted', async () => {
    const h = await startHarness({ udp: false, idle_timeout_seconds: 0.3 });
    try {
      const port = h.port('syslog_tcp');
      const s = await dial(port);
      s.write('<13>partial line without end tcp-d1');
      assert.equal(await closed(s, 5000), true, 'the server closed the idle connection');
      assert.equal(await h.waitFor(1, '"tcp-d1"'), 1);
      let health = h.sources.get('syslog_tcp')?.health?.() ?? {};
      for (let i = 0; i < 100 && health['connections'] !== 0; i++) {
        await new Promise((r) => setTimeout(r, 20));
        health = h.sources.get('syslog_tcp')?.health?.() ?? {};
      }
      assert.equal(health['idle_closed'], 1);
      assert.equal(health['connections'], 0);
      assert.match(await h.metrics(), /component="syslog_tcp",kind="source",error_type="idle_timeout",stage="read"\} 1/);
    } finally {
      await h.close();
    }
  });

  test('beyond max_connections new connections are refused and counted; the open ones keep working', async () => {
    const h = await startHarness({ udp: false, max_connections: 3 });
    try {
      const port = h.port('syslog_tcp');
      const open = [await dial(port), await dial(port), await dial(port)];
      const extra = await dial(port);
      assert.equal(await closed(extra, 5000), true, 'the fourth connection is closed at once');
      for (const [i, s] of open.entries()) await sendAndClose(s, `<13>still served ${i} tcp-e1\n`);
      assert.equal(await h.waitFor(3, '"tcp-e1"'), 3);
      assert.equal(h.sources.get('syslog_tcp')?.health?.()['refused'], 1);
      assert.match(await h.metrics(), /component="syslog_tcp",kind="source",error_type="max_connections",stage="accept"\} 1/);
    } finally {
      await h.close();
    }
  });

  test('backpressure: a fast sender is paused while the store is behind, and every message is stored', async () => {
    const h = await startHarness({ udp: false }, { queueEvents: 1000, batchEvents: 200 });
    try {
      // the store is made to fall behind: another connection holds the hot partition's write lock until the
      // connection has paused (the writer waits for the lock, well within its busy timeout)
      const held = holdHotWrites(h.storeDir);
      const s = await dial(h.port('syslog_tcp'));
      const N = 20_000;
      const lines: string[] = [];
      for (let i = 0; i < N; i++) lines.push(`<13>1 2026-11-26T10:00:00Z host fastapp - - - fast ${i}\n`);
      const sent = sendAndClose(s, lines.join(''));
      try {
        const until = Date.now() + 5000;
        while (Number(h.sources.get('syslog_tcp')?.health?.()['backpressure_pauses']) === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
      } finally {
        held.release();
      }
      await sent;
      const t0 = Date.now();
      assert.equal(await h.waitStored(N, 30_000), N);
      assert.equal(await h.count('process.name:fastapp and "19999"'), 1);
      const health = h.sources.get('syslog_tcp')?.health?.() ?? {};
      assert.ok(Number(health['backpressure_pauses']) > 0, JSON.stringify(health));
      process.stderr.write(`# ${N} messages over one connection stored in ${Date.now() - t0} ms after the sender finished\n`);
    } finally {
      await h.close();
    }
  });

  test('stop delivers the partial frames of open connections and waits for them to be stored', async () => {
    const h = await startHarness({ udp: false });
    const s = await dial(h.port('syslog_tcp'));
    await new Promise<void>((resolve) => s.write('<13>1 - host stopapp - - - complete tcp-f1\n<13>1 - host stopapp - - - no line end yet tcp-f2', () => resolve()));
    s.on('error', () => undefined);
    // the server has read both before it is stopped
    assert.equal(await h.waitFor(1, '"tcp-f1"'), 1);
    await new Promise((r) => setTimeout(r, 100));
    const src = h.sources.get('syslog_tcp');
    await src?.stop();
    assert.equal(await h.count('"tcp-f2"'), 1, 'the partial frame was stored before stop() resolved');
    await h.close();
  });
});

describe('syslog over TCP: the _truncated tag', () => {
  test(
    'a message cut at max_message_bytes is stored with tags: [_truncated]',
    async () => {
      const h = await startHarness({ udp: false, max_message_bytes: 100 });
      try {
        await sendAndClose(await dial(h.port('syslog_tcp')), `<13>1 - host tagapp - - - tcp-g1 ${'q'.repeat(300)}\n`);
        assert.equal(await h.waitFor(1, '"tcp-g1"'), 1);
        const [e] = await h.events('"tcp-g1"');
        assert.deepEqual(getPath(e ?? {}, F.tags), ['_truncated']);
      } finally {
        await h.close();
      }
    },
  );
});
