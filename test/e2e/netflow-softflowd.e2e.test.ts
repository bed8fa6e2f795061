import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { cleanEnv, killAll, VIGIL } from '../support/serve.js';
import { freePort } from '../support/net.js';

/*
 * A real `vigil serve` with the shipped rules receives softflowd's NetFlow v9 export of captures/flow/all-attacks.pcap
 * (SSH brute force, nmap -sT and -sS of ports 1-1000, hping3 SYN flood; all on 127.0.0.1) through a UDP tee that also
 * feeds nfdump's nfcapd. Vigil must hold as many netflow events as nfdump reads from nfcapd's file, and the vertical
 * port-scan alert must name 127.0.0.1. The waits are long: the detection engine's correlation windows take tens of
 * seconds of CPU over these 4,426 flows on the 2-core test machine (measured with --cpu-prof: window aggregation).
 */

const VERTICAL = '25743039-a95d-48d5-bb73-2362f5b3b07a';
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PCAP = fileURLToPath(new URL('../../../shared/data/captures/flow/all-attacks.pcap', import.meta.url));
const STATUS = join(ROOT, 'node_modules/.cache/vigil-test-deps/status');
const TOKEN = `e2e-netflow-${Date.now()}-${process.pid}`;
const children = new Set<ChildProcess>();
const dir = mkdtempSync(join(tmpdir(), 'vigil-e2e-netflow-'));

after(async () => {
  await killAll(children);
  rmSync(dir, { recursive: true, force: true });
});

function skipReason(): string | undefined {
  const missing = ['/usr/sbin/softflowd', '/usr/bin/nfcapd', '/usr/bin/nfdump'].filter((p) => !existsSync(p));
  if (missing.length === 0) return undefined;
  const recorded = existsSync(STATUS) ? readFileSync(STATUS, 'utf8') : '';
  if (/softflowd|nfdump/.test(recorded)) return `scripts/test-deps.sh could not install: ${recorded.trim()}`;
  throw new Error(`${missing.join(', ')} missing and scripts/test-deps.sh recorded no failure: run \`bash scripts/test-deps.sh\``);
}

function freeUdpPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    s.bind(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function spawnTracked(cmd: string, args: string[], env?: NodeJS.ProcessEnv): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...(env ? { env } : {}) });
  children.add(child);
  let out = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => (out = (out + d).slice(-65536)));
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (out = (out + d).slice(-65536)));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

async function until<T>(what: string, ms: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(100);
  }
}

async function api(base: string, path: string): Promise<Record<string, unknown>> {
  const res = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${TOKEN}` }, signal: AbortSignal.timeout(60_000) });
  assert.equal(res.status, 200, `${path}: ${res.status}`);
  return (await res.json()) as Record<string, unknown>;
}

const skip = skipReason();
test('softflowd NetFlow v9 into vigil serve: as many flows as nfdump reads, and the vertical port-scan alert', { skip: skip ?? false, timeout: 600_000 }, async () => {
  const httpPort = await freePort();
  const netflowPort = await freeUdpPort();
  const base = `http://127.0.0.1:${httpPort}`;
  const serve = spawnTracked(process.execPath, [VIGIL, 'serve', '--data-dir', join(dir, 'data')], cleanEnv({
    VIGIL_HTTP_PORT: String(httpPort),
    VIGIL_SYSLOG_PORT: '0',
    VIGIL_NETFLOW_PORT: String(netflowPort),
    VIGIL_ADMIN_TOKEN: TOKEN,
  }));
  await until('vigil serve', 30_000, async () => {
    const h = (await (await fetch(`${base}/api/v1/health`, { signal: AbortSignal.timeout(2000) })).json()) as { status?: string };
    return h.status === 'ok' ? true : undefined;
  });
  assert.match(serve.output(), new RegExp(`netflow/ipfix collector listening on udp 127\\.0\\.0\\.1:${netflowPort}`));

  const nfdir = join(dir, 'nfcapd');
  mkdirSync(nfdir);
  const nfPort = await freeUdpPort();
  const nfcapd = spawnTracked('nfcapd', ['-b', '127.0.0.1', '-p', String(nfPort), '-w', nfdir, '-t', '60', '-B', '4194304', '-I', 'softflowd']);
  await until('nfcapd', 10_000, () => Promise.resolve(/Startup/.test(nfcapd.output()) ? true : undefined));

  // the UDP tee: each datagram from softflowd, unchanged, to Vigil and to nfcapd
  const tee = createSocket({ type: 'udp4', recvBufferSize: 4 * 1024 * 1024 });
  const fwd = createSocket({ type: 'udp4', sendBufferSize: 4 * 1024 * 1024 });
  let datagrams = 0;
  tee.on('message', (m) => {
    datagrams++;
    fwd.send(m, netflowPort, '127.0.0.1');
    fwd.send(m, nfPort, '127.0.0.1');
  });
  await new Promise<void>((resolve) => tee.bind(0, '127.0.0.1', resolve));
  try {
    const sfd = spawnTracked('softflowd', ['-d', '-r', PCAP, '-n', `127.0.0.1:${tee.address().port}`, '-a', '-v', '9']);
    const code = await Promise.race([sfd.exited, sleep(30_000).then(() => 'timeout' as const)]);
    assert.equal(code, 0, `softflowd: ${sfd.output()}`);
    for (let last = -1; datagrams !== last; ) {
      last = datagrams;
      await sleep(300);
    }
  } finally {
    await new Promise<void>((resolve) => tee.close(() => fwd.close(() => resolve())));
  }
  nfcapd.child.kill('SIGTERM');
  await Promise.race([nfcapd.exited, sleep(15_000)]);
  const nf = spawnSync('nfdump', ['-R', nfdir, '-q', '-N', '-o', 'fmt:%ts,%sa,%da,%dp'], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(nf.status, 0, nf.stderr);
  const flows = nf.stdout.split('\n').filter((l) => l.trim().length > 0).length;
  assert.ok(flows > 1000, `nfdump read ${flows} flows from ${datagrams} datagrams`);

  const q = encodeURIComponent('event.dataset:netflow');
  const stored = await until(`${flows} netflow events`, 300_000, async () => {
    const r = await api(base, `/api/v1/search?q=${q}&limit=1&from=2000-01-01T00:00:00Z`);
    return r['total'] === flows ? flows : undefined;
  }).catch(async (err: unknown) => {
    const r = await api(base, `/api/v1/search?q=${q}&limit=1&from=2000-01-01T00:00:00Z`);
    throw new Error(`Vigil holds ${String(r['total'])} netflow events, nfdump read ${flows}: ${String(err)}`);
  });
  assert.equal(stored, flows);

  const alerts = await until('the vertical port-scan alert', 120_000, async () => {
    const r = await api(base, '/api/v1/alerts');
    const list = (r['alerts'] as { rule: { id: string }; vigil?: { alert?: { group?: { source?: { ip?: string } } } } }[]).filter((a) => a.rule.id === VERTICAL);
    return list.length > 0 ? list : undefined;
  });
  assert.equal(alerts[0]?.vigil?.alert?.group?.source?.ip, '127.0.0.1');
  const health = (await (await fetch(`${base}/api/v1/health`)).json()) as Record<string, unknown>;
  assert.match(JSON.stringify(health), /"netflow"/);
});
