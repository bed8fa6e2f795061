import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { getPath } from '../../schema/event.js';
import { F } from '../../schema/fields.js';
import { holdHotWrites } from '../../../test/support/hold-writes.js';
import { startHarness } from './harness.js';
import { SyslogUdpSource } from './udp.js';

const CAPTURES = new URL('../../../../shared/data/captures/syslog/', import.meta.url);
const tmp = mkdtempSync(join(tmpdir(), 'vigil-udp-test-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function send(host: string, port: number, payloads: Buffer[]): Promise<void> {
  const s = createSocket(host.includes(':') ? 'udp6' : 'udp4');
  return new Promise<void>((resolve, reject) => {
    let left = payloads.length;
    for (const p of payloads) {
      s.send(p, port, host, (err) => {
        if (err) reject(err);
        if (--left === 0) s.close(() => resolve());
      });
    }
  });
}

type Harness = Awaited<ReturnType<typeof startHarness>>;

/**
 * The source's health once every one of `n` datagrams is accounted for (read, or dropped by the kernel: the drop
 * counter is polled every 2 s) and none waits in the source; or as it is at the deadline.
 */
async function accounted(h: Harness, n: number, timeoutMs: number): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const health = h.sources.get('syslog_udp')?.health?.() ?? {};
    if ((Number(health['kernel_drops']) + Number(health['received']) >= n && health['queued'] === 0) || Date.now() > deadline) return health;
    await new Promise((res) => setTimeout(res, 100));
  }
}

/**
 * Holds the store back (another connection holds the hot partition's write lock, well within the writer's busy
 * timeout) and keeps the pipeline's queue full with another producer: 60 submissions of 1000 lines wait for the store.
 */
function saturate(h: Harness): { release(): void; other: Promise<unknown[]> } {
  const held = holdHotWrites(h.storeDir);
  const other: Promise<unknown>[] = [];
  for (let k = 0; k < 60; k++) {
    other.push(h.pipeline.submitRecords(Array.from({ length: 1000 }, (_, i) => ({ message: `<13>1 - host other - - - other ${k}-${i}`, receivedAt: Date.now() }))));
  }
  return { release: () => held.release(), other: Promise.all(other) };
}

describe('syslog over UDP', () => {
  test('logger RFC 3164 and RFC 5424 datagrams are stored with their header fields and the peer address', async () => {
    const h = await startHarness({ tcp: false });
    try {
      const port = h.port('syslog_udp');
      assert.match(h.logs.join('\n'), new RegExp(`syslog listening on udp 127\\.0\\.0\\.1:${port}`));
      execFileSync('logger', ['-n', '127.0.0.1', '-P', String(port), '-d', '--rfc3164', '-t', 'udpcheck', '-p', 'auth.notice', 'hello rfc3164 udp-a1']);
      execFileSync('logger', ['-n', '127.0.0.1', '-P', String(port), '-d', '--rfc5424', '-t', 'udpcheck', '-p', 'local0.info', '--msgid', 'M1', 'hello rfc5424 udp-a2']);
      assert.equal(await h.waitFor(2, 'process.name:udpcheck'), 2);
      const [a] = await h.events('"udp-a1"');
      assert.equal(getPath(a ?? {}, F.message), 'hello rfc3164 udp-a1');
      assert.equal(getPath(a ?? {}, F.logSyslogPriority), 37);
      assert.match(String(getPath(a ?? {}, F.logSourceAddress)), /^127\.0\.0\.1:\d+$/);
      const [b] = await h.events('"udp-a2"');
      assert.equal(getPath(b ?? {}, F.message), 'hello rfc5424 udp-a2');
      assert.equal(getPath(b ?? {}, F.logSyslogPriority), 134);
      assert.equal(getPath(b ?? {}, F.logSyslogMsgid), 'M1');
      assert.equal(getPath(b ?? {}, F.logSyslogVersion), '1');
      const health = h.sources.get('syslog_udp')?.health?.() ?? {};
      assert.equal(health['received'], 2);
      const sent = /vigil_component_sent_events_total\{component="syslog_udp",kind="source"\} 2\n/;
      assert.match(await h.waitMetrics(sent), sent);
    } finally {
      await h.close();
    }
  });

  test('IPv6: logger over ::1', async () => {
    const h = await startHarness({ host: '::1', tcp: false });
    try {
      const port = h.port('syslog_udp');
      assert.equal(h.sources.get('syslog_udp')?.health?.()['listening'], `[::1]:${port}`);
      execFileSync('logger', ['-n', '::1', '-P', String(port), '-d', '--rfc5424', '-t', 'udp6check', 'hello over ipv6 udp-b1']);
      assert.equal(await h.waitFor(1, 'process.name:udp6check'), 1);
      const [e] = await h.events('process.name:udp6check');
      assert.match(String(getPath(e ?? {}, F.logSourceAddress)), /^::1:\d+$/);
    } finally {
      await h.close();
    }
  });

  test('the UDP captures of logger and loggen are stored, one event per datagram', async () => {
    const h = await startHarness({ tcp: false });
    try {
      const names = readdirSync(CAPTURES).filter((f) => f.includes('-udp') && !f.includes('udp6'));
      await send('127.0.0.1', h.port('syslog_udp'), names.map((n) => readFileSync(new URL(n, CAPTURES))));
      assert.equal(await h.waitFor(names.length), names.length);
      assert.equal(await h.count('"hello rfc5424 over udp" and process.name:siemtest and log.syslog.msgid:TEST1'), 1);
      assert.equal(await h.count('"hello rfc3164 over udp" and process.pid:12531'), 1);
      assert.equal(await h.count('process.name:prg00000 and host.hostname:localhost'), 1);
    } finally {
      await h.close();
    }
  });

  test('a datagram longer than max_message_bytes is kept cut to the limit; empty and binary ones never break the source', async () => {
    const h = await startHarness({ tcp: false, max_message_bytes: 100 });
    try {
      const port = h.port('syslog_udp');
      const junk = Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 151 + 7) & 0xff));
      await send('127.0.0.1', port, [Buffer.from(`<13>1 - host longapp - - - udp-c1 ${'x'.repeat(500)}`), Buffer.alloc(0), junk, Buffer.from([0xff, 0xfe, 0x0a]), Buffer.from('<13>after the junk udp-c2\n')]);
      assert.equal(await h.waitFor(4), 4);
      const [long] = await h.events('"udp-c1"');
      assert.ok(long);
      assert.equal(Buffer.byteLength(String(getPath(long, F.eventOriginal))), 100);
      assert.equal(await h.count('"udp-c2"'), 1);
      assert.match(await h.metrics(), /vigil_component_errors_total\{component="syslog_udp",kind="source",error_type="message_truncated",stage="framing"\} 2/, 'the long message and the 300 bytes of junk');
      assert.equal(h.sources.get('syslog_udp')?.health?.()['truncated'], 2);
    } finally {
      await h.close();
    }
  });

  test('kernel drops (receive buffer full while the server is busy) are read from /proc and counted; sent = stored + dropped', async () => {
    const h = await startHarness({ tcp: false, udp_receive_buffer_bytes: 4096 });
    try {
      const port = h.port('syslog_udp');
      const N = 3000;
      const file = join(tmp, 'burst.txt');
      writeFileSync(file, Array.from({ length: N }, (_, i) => `burst line ${i}`).join('\n') + '\n');
      // the receiver thread reads nothing while logger sends: the small buffer overflows
      const src = h.sources.get('syslog_udp');
      assert.ok(src instanceof SyslogUdpSource);
      const release = await src.holdReceiver();
      let r: ReturnType<typeof spawnSync>;
      try {
        r = spawnSync('logger', ['-n', '127.0.0.1', '-P', String(port), '-d', '--rfc3164', '-t', 'burst', '-f', file], { timeout: 20_000 });
      } finally {
        release();
      }
      assert.equal(r.status, 0, String(r.stderr));
      const health = await accounted(h, N, 10_000);
      const drops = Number(health['kernel_drops']);
      assert.ok(drops > 0, `some datagrams were dropped by the kernel: ${JSON.stringify(health)}`);
      assert.equal(drops + Number(health['received']), N, JSON.stringify(health));
      assert.equal(await h.waitFor(N - drops, 'process.name:burst'), N - drops);
      assert.match(await h.metrics(), new RegExp(`vigil_component_discarded_events_total\\{component="syslog_udp",kind="source",reason="kernel_buffer_full",intentional="false"\\} ${drops}`));
    } finally {
      await h.close();
    }
  });

  test('the receiver thread reads on while the main thread is blocked: a burst larger than the kernel buffer is kept', async () => {
    const h = await startHarness({ tcp: false, udp_receive_buffer_bytes: 1024 * 1024 });
    try {
      const port = h.port('syslog_udp');
      const src = h.sources.get('syslog_udp');
      const buffer = Number(src?.health?.()['receive_buffer_bytes']);
      const N = 20_000;
      // spawnSync blocks this thread (parsing, the store's replies) while another process sends far more than the
      // buffer holds, 200 datagrams every 10 ms (about 20,000/s for a second)
      const sender = `const s = require('node:dgram').createSocket('udp4'); let i = 0;
        const next = () => { if (i >= ${N}) { s.close(); return; } let left = 0;
          for (let k = 0; k < 200 && i < ${N}; k++, i++) { left++; s.send('<13>Nov 28 10:00:00 host blocked: blocked line ' + i, ${port}, '127.0.0.1', () => { if (--left === 0) setTimeout(next, 10); }); } };
        next();`;
      const r = spawnSync(process.execPath, ['-e', sender], { timeout: 30_000 });
      assert.equal(r.status, 0, String(r.stderr));
      const health = await accounted(h, N, 10_000);
      const drops = Number(health['kernel_drops']);
      process.stderr.write(`# ${N} datagrams while the main thread was blocked (receive buffer ${buffer} bytes): ${String(health['received'])} read, ${drops} dropped by the kernel\n`);
      assert.equal(drops + Number(health['received']), N, JSON.stringify(health));
      assert.equal(await h.waitStored(N - drops, 30_000), N - drops);
      // the kernel's buffer holds a few thousand of these datagrams: a receiver on the blocked thread would lose most
      // of the 20,000; this one reads on
      assert.ok(drops < N / 4, `the receiver thread read on: ${JSON.stringify(health)}`);
    } finally {
      await h.close();
    }
  });

  test('the bytes waiting are bounded too: large datagrams stop the receiver long before the count bound', async () => {
    const h = await startHarness({ tcp: false, udp_receive_buffer_bytes: 256 * 1024 }, { batchEvents: 500, queueEvents: 1000 }, { maxQueuedRecords: 50_000, maxQueuedBytes: 64 * 1024 });
    try {
      const port = h.port('syslog_udp');
      const held = saturate(h);
      const src = h.sources.get('syslog_udp');
      const N = 4000;
      const pad = 'x'.repeat(8000);
      let most = 0;
      try {
        // paced, so that a receiver that reads on finds every datagram in the kernel's buffer
        for (let i = 0; i < N; i += 20) {
          await send('127.0.0.1', port, Array.from({ length: 20 }, (_, k) => Buffer.from(`<13>big: ${i + k} ${pad}`)));
          await new Promise((res) => setTimeout(res, 2));
        }
        await new Promise((res) => setTimeout(res, 300));
        most = Number(src?.health?.()['received']);
      } finally {
        held.release();
      }
      // four submissions of 500 handed to the pipeline, 64 KiB (eight datagrams) and one batch of the receiver at most
      assert.ok(most <= 4 * 500 + 8 + 512, `bounded by bytes while the store was held: ${most}`);
      process.stderr.write(`# ${N} datagrams of 8 KB: ${most} read while the store was held\n`);
      const health = await accounted(h, N, 30_000);
      await held.other;
      const received = Number(health['received']);
      assert.equal(received + Number(health['kernel_drops']), N, JSON.stringify(health));
      assert.equal(await h.waitStored(60_000 + received, 30_000), 60_000 + received, JSON.stringify(health));
    } finally {
      await h.close();
    }
  });

  test('a saturated pipeline: the receiver stops reading at its bound, the kernel drops what its buffer cannot hold (counted); sent = stored + dropped', async () => {
    const h = await startHarness({ tcp: false, udp_receive_buffer_bytes: 256 * 1024 }, { batchEvents: 500, queueEvents: 1000 }, { maxQueuedRecords: 2000 });
    try {
      const port = h.port('syslog_udp');
      // the store is held back and the pipeline's queue full while the flood comes
      const held = saturate(h);
      const src = h.sources.get('syslog_udp');
      const N = 20_000;
      const file = join(tmp, 'flood.txt');
      writeFileSync(file, Array.from({ length: N }, (_, i) => `flood line ${i}`).join('\n') + '\n');
      const child = spawn('logger', ['-n', '127.0.0.1', '-P', String(port), '-d', '--rfc3164', '-t', 'flood', '-f', file], { stdio: 'ignore' });
      let code: number | null;
      let most = 0;
      try {
        code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
        // the receiver is waiting for room: what was read is bounded, whatever logger sent
        await new Promise((res) => setTimeout(res, 300));
        most = Number(src?.health?.()['received']);
      } finally {
        held.release();
      }
      assert.equal(code, 0);
      // the bound, the four submissions of 500 handed to the pipeline and one batch of the receiver at most
      assert.ok(most <= 2000 + 4 * 500 + 512, `bounded reading while the store was held: ${most}`);
      const health = await accounted(h, N, 30_000);
      await held.other;
      const received = Number(health['received']);
      const drops = Number(health['kernel_drops']);
      assert.equal(received + drops, N, JSON.stringify(health));
      assert.ok(drops > 0, `the kernel's buffer overflowed while the receiver waited: ${JSON.stringify(health)}`);
      assert.equal(await h.waitStored(60_000 + received, 30_000), 60_000 + received, JSON.stringify(health));
      assert.equal(await h.waitFor(received, 'process.name:flood'), received);
      assert.match(await h.metrics(), new RegExp(`component="syslog_udp",kind="source",reason="kernel_buffer_full",intentional="false"\\} ${drops}\\n`));
      process.stderr.write(`# ${N} datagrams: ${received} read and stored (${most} while the store was held), ${drops} dropped by the kernel\n`);
    } finally {
      await h.close();
    }
  });
});
