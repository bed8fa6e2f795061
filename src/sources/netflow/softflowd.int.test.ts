import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { DATA } from '../../codecs/netflow/testing/captures.js';
import { startNetflowHarness } from './harness.js';

/**
 * Live: softflowd reads captures/flow/all-attacks.pcap (SSH brute force, nmap -sT/-sS scans, hping3 SYN flood) and
 * exports NetFlow v5, then v9, then IPFIX to a UDP tee on loopback; the tee hands every datagram to Vigil's collector
 * and to nfdump's nfcapd, each on its own ephemeral port. Vigil must store exactly the flows `nfdump -R` reads from
 * what nfcapd wrote, with the same packet and byte totals. As in captures/README.md (same softflowd flags).
 */

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const DEPS_STATUS = join(ROOT, 'node_modules/.cache/vigil-test-deps/status');
const PCAP = fileURLToPath(new URL('captures/flow/all-attacks.pcap', DATA));
const TOOLS: ReadonlyArray<[string, string]> = [
  ['softflowd', '/usr/sbin/softflowd'],
  ['nfdump', '/usr/bin/nfcapd'],
  ['nfdump', '/usr/bin/nfdump'],
];

/** skip only when scripts/test-deps.sh recorded that it could not install a tool; fail when one is missing otherwise */
function gate(): { skip?: string; error?: string } {
  const missing = TOOLS.filter(([, path]) => !existsSync(path));
  if (missing.length === 0) return {};
  const recorded = existsSync(DEPS_STATUS) ? readFileSync(DEPS_STATUS, 'utf8').split('\n') : [];
  const reasons = missing.map(([pkg]) => recorded.find((l) => l.startsWith(`${pkg}:`) || (l.startsWith('apt:') && l.includes(pkg))));
  if (reasons.every((r) => r !== undefined)) return { skip: `scripts/test-deps.sh could not install: ${reasons.join('; ')}` };
  return { error: `${missing.map(([, p]) => p).join(', ')} missing and scripts/test-deps.sh recorded no failure: run \`bash scripts/test-deps.sh\`` };
}

const children = new Set<ChildProcess>();
const dir = mkdtempSync(join(tmpdir(), 'vigil-softflowd-'));
after(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

function freeUdpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createSocket('udp4');
    s.once('error', reject);
    s.bind(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function exited(c: ChildProcess, timeoutMs: number): Promise<number | null> {
  return new Promise((resolve, reject) => {
    if (c.exitCode !== null || c.signalCode !== null) return resolve(c.exitCode);
    const t = setTimeout(() => {
      c.kill('SIGKILL');
      reject(new Error(`${String(c.spawnfile)} did not exit within ${timeoutMs} ms`));
    }, timeoutMs);
    c.once('exit', (code) => {
      clearTimeout(t);
      resolve(code);
    });
  });
}

/** A UDP tee: every datagram received is sent on, unchanged, to each target port on 127.0.0.1. */
async function startTee(targets: number[]): Promise<{ port: number; received: () => number; close: () => Promise<void> }> {
  const s: Socket = createSocket({ type: 'udp4', recvBufferSize: 4 * 1024 * 1024 });
  const out = createSocket({ type: 'udp4', sendBufferSize: 4 * 1024 * 1024 });
  let n = 0;
  s.on('message', (m) => {
    n++;
    for (const p of targets) out.send(m, p, '127.0.0.1');
  });
  await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', resolve));
  return {
    port: s.address().port,
    received: () => n,
    close: () => new Promise<void>((resolve) => s.close(() => out.close(() => resolve()))),
  };
}

const NFDUMP_FMT = 'fmt:%ts,%te,%td,%pr,%sa,%sp,%da,%dp,%flg,%pkt,%byt';

const g = gate();
describe('softflowd → Vigil and nfcapd (live, loopback)', { skip: g.skip ?? false }, () => {
  for (const [version, flags] of [
    ['5', ['-a', '-v', '5']],
    ['9', ['-a', '-v', '9']],
    ['10', ['-v', '10', '-A', 'milli']],
  ] as const) {
    test(`NetFlow v${version === '10' ? '10 (IPFIX)' : version}: Vigil stores as many flows as nfdump reads, with the same totals`, { timeout: 60_000 }, async (t) => {
      if (g.error) assert.fail(g.error);
      const h = await startNetflowHarness();
      const nfdir = join(dir, `nfcapd-v${version}`);
      spawnSync('mkdir', ['-p', nfdir]);
      try {
        const nfport = await freeUdpPort();
        const nfcapd = spawn('nfcapd', ['-b', '127.0.0.1', '-p', String(nfport), '-w', nfdir, '-t', '60', '-B', '4194304', '-I', 'softflowd'], { stdio: ['ignore', 'pipe', 'pipe'] });
        children.add(nfcapd);
        let nfLog = '';
        nfcapd.stdout?.on('data', (b: Buffer) => (nfLog += b.toString()));
        nfcapd.stderr?.on('data', (b: Buffer) => (nfLog += b.toString()));
        // nfcapd says so once its socket is bound
        const deadline = Date.now() + 10_000;
        while (!/Startup/.test(nfLog) && Date.now() < deadline && nfcapd.exitCode === null) await new Promise((r) => setTimeout(r, 20));
        assert.match(nfLog, /Startup/, `nfcapd did not start: ${nfLog}`);

        const tee = await startTee([h.port, nfport]);
        const sfd = spawn('softflowd', ['-d', '-r', PCAP, '-n', `127.0.0.1:${tee.port}`, ...flags], { stdio: ['ignore', 'ignore', 'pipe'] });
        children.add(sfd);
        assert.equal(await exited(sfd, 30_000), 0);
        // the last datagrams may still be in flight: wait until the tee has been quiet for a moment
        for (let last = -1; tee.received() !== last; ) {
          last = tee.received();
          await new Promise((r) => setTimeout(r, 300));
        }
        await tee.close();
        nfcapd.kill('SIGTERM');
        await exited(nfcapd, 15_000);

        const nf = spawnSync('nfdump', ['-R', nfdir, '-q', '-N', '-o', NFDUMP_FMT], { encoding: 'utf8', timeout: 30_000 });
        assert.equal(nf.status, 0, nf.stderr);
        const lines = nf.stdout.split('\n').filter((l) => l.trim().length > 0);
        assert.ok(lines.length > 1000, `nfdump read ${lines.length} flows`);
        const stored = await h.waitStored(lines.length);
        assert.equal(stored, lines.length, `Vigil stored ${stored}, nfdump read ${lines.length}`);
        t.diagnostic(`${tee.received()} datagrams; nfdump read ${lines.length} flows, Vigil stored ${stored}`);

        const sum = (i: number): number => lines.reduce((a, l) => a + Number(l.split(',')[i]?.trim()), 0);
        const events = await h.events('event.dataset:netflow', 10_000);
        assert.equal(events.length, lines.length);
        const total = (k: 'packets' | 'bytes'): number => events.reduce((a, e) => a + Number((e['network'] as Record<string, unknown>)[k]), 0);
        assert.equal(total('packets'), sum(9));
        assert.equal(total('bytes'), sum(10));
        for (const e of events) assert.equal((e['netflow'] as Record<string, unknown>)['version'], Number(version));
        assert.deepEqual(h.source.health()['drops'], {});
      } finally {
        await h.close();
      }
    });
  }
});
