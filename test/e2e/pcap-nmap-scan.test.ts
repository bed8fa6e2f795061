import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, test } from 'node:test';
import { cleanEnv, VIGIL } from '../support/serve.js';

/*
 * A real scan: nmap connect-scans ports 1-200 (and one open port) of 127.0.0.1 while the loopback traffic of those
 * ports is captured to a pcap file, then `vigil ingest` imports the capture: the vertical port-scan alert names
 * 127.0.0.1 as the scanner. Nothing but 127.0.0.1 is scanned. tcpdump is not among the test prerequisites, so the
 * capture is taken with a packet socket (AF_PACKET on lo, as libpcap does: outgoing copies skipped) from a short
 * python3 script; that needs root.
 */

const VERTICAL = '25743039-a95d-48d5-bb73-2362f5b3b07a';
const STATUS = new URL('../../node_modules/.cache/vigil-test-deps/status', import.meta.url);
const children = new Set<ChildProcess>();
const dirs: string[] = [];
let server: Server | undefined;

after(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  server?.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  await sleep(0);
});

/** Writes a classic pcap (Ethernet) of the TCP packets on lo whose port is in [lo, hi] or `extra`, until SIGTERM. */
const CAPTURE = `
import socket, struct, sys, signal, time
out, lo_p, hi_p, extra = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
s.bind(('lo', 0))
# SO_RCVBUFFORCE: nmap's burst on loopback overflows the default receive buffer
s.setsockopt(socket.SOL_SOCKET, 33, 64 << 20)
s.settimeout(0.2)
f = open(out, 'wb')
f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 262144, 1))
f.flush()
stop = []
signal.signal(signal.SIGTERM, lambda *a: stop.append(1))
print('ready', flush=True)
deadline = time.time() + 90
while not stop and time.time() < deadline:
    try:
        data, addr = s.recvfrom(262144)
    except socket.timeout:
        continue
    if addr[2] == socket.PACKET_OUTGOING or len(data) < 14 + 20 + 4 or data[12:14] != b'\\x08\\x00' or data[23] != 6:
        continue
    ihl = (data[14] & 15) * 4
    sp, dp = struct.unpack('!HH', data[14 + ihl:14 + ihl + 4])
    if not any(lo_p <= p <= hi_p or p == extra for p in (sp, dp)):
        continue
    t = time.time()
    f.write(struct.pack('<IIII', int(t), int((t % 1) * 1e6), len(data), len(data)) + data)
f.close()
`;

function gate(): string | undefined {
  const nmap = spawnSync('nmap', ['--version'], { encoding: 'utf8' });
  if (nmap.status !== 0) {
    const recorded = existsSync(STATUS) ? readFileSync(STATUS, 'utf8').split('\n').find((l) => l.startsWith('nmap')) : undefined;
    if (recorded !== undefined) return `scripts/test-deps.sh could not install nmap: ${recorded}`;
    throw new Error('nmap missing and scripts/test-deps.sh recorded no failure: run `bash scripts/test-deps.sh` as root');
  }
  if (spawnSync('python3', ['-c', 'import socket'], { encoding: 'utf8' }).status !== 0) return 'python3 (used for the loopback packet capture) is not installed';
  if (process.getuid?.() !== 0) return 'capturing loopback packets needs root (CAP_NET_RAW)';
  return undefined;
}

function run(cmd: string, args: string[], ms: number, env?: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const c = spawn(cmd, args, { env: env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(c);
    let stdout = '';
    let stderr = '';
    c.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    c.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => c.kill('SIGKILL'), ms);
    c.on('close', (code) => {
      clearTimeout(timer);
      children.delete(c);
      resolve({ code, stdout, stderr });
    });
  });
}

const reason = gate();
test('nmap -sT against 127.0.0.1, captured and imported: the vertical port-scan alert names 127.0.0.1', { skip: reason ?? false, timeout: 180_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-nmap-'));
  dirs.push(dir);
  // one open port (the others in 1-200 are closed on a test machine, or whatever they are: nmap only reads them)
  server = createServer((sock) => {
    // nmap resets its connections
    sock.on('error', () => {});
    sock.end();
  });
  await new Promise<void>((r) => (server as Server).listen(0, '127.0.0.1', r));
  const open = (server.address() as { port: number }).port;
  const script = join(dir, 'capture.py');
  const pcap = join(dir, 'scan.pcap');
  writeFileSync(script, CAPTURE);
  const cap = spawn('python3', [script, pcap, '1', '200', String(open)], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(cap);
  let capErr = '';
  cap.stderr.on('data', (d: Buffer) => (capErr += d.toString()));
  const capDone = new Promise<number | null>((r) => cap.on('close', (code) => r(code)));
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`capture did not start: ${capErr}`)), 15_000);
    cap.stdout.once('data', () => {
      clearTimeout(t);
      resolve();
    });
    cap.once('close', () => reject(new Error(`capture exited: ${capErr}`)));
  });
  const scan = await run('timeout', ['60', 'nmap', '-sT', '-Pn', '-n', '-p', `1-200,${open}`, '--max-retries', '1', '-T4', '127.0.0.1'], 70_000);
  assert.equal(scan.code, 0, scan.stderr);
  assert.match(scan.stdout, new RegExp(`${open}/tcp\\s+open`));
  await sleep(300);
  cap.kill('SIGTERM');
  assert.equal(await capDone, 0, capErr);
  children.delete(cap);
  // nmap's connects: at least a SYN and an answer for each of the 201 ports
  assert.ok(statSync(pcap).size > 24 + 201 * (16 + 74 + 16 + 54), `capture holds ${statSync(pcap).size} bytes`);

  const data = join(dir, 'data');
  const env = cleanEnv();
  const ing = await run(process.execPath, [VIGIL, 'ingest', '--data-dir', data, '--json', pcap], 120_000, env);
  assert.equal(ing.code, 0, ing.stderr);
  const summary = JSON.parse(ing.stdout) as { alerts: number; captures: { flows: number; packets: number }[] };
  assert.ok((summary.captures[0]?.flows ?? 0) >= 201, ing.stdout);
  const al = await run(process.execPath, [VIGIL, 'alerts', '--data-dir', data, '--json'], 60_000, env);
  assert.equal(al.code, 0, al.stderr);
  const alerts = (JSON.parse(al.stdout) as { alerts: { rule: { id: string }; vigil: { alert: { group: { source?: { ip?: string }; destination?: { ip?: string } } } } }[] }).alerts;
  const vertical = alerts.filter((a) => a.rule.id === VERTICAL);
  assert.equal(vertical.length, 1, JSON.stringify(alerts.map((a) => a.rule.id)));
  assert.equal(vertical[0]?.vigil.alert.group.source?.ip, '127.0.0.1');
  assert.equal(vertical[0]?.vigil.alert.group.destination?.ip, '127.0.0.1');
});
