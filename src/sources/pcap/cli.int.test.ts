import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';

/* `vigil ingest` recognises captures by their magic number: counts on stdout; a damaged capture exits 1 with its reason. */

const VIGIL = fileURLToPath(new URL('../../../bin/vigil.js', import.meta.url));
const DATA = new URL('../../../../shared/data/', import.meta.url);
const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function vigil(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('VIGIL_')) delete env[k];
  const r = spawnSync(process.execPath, [VIGIL, ...args], { encoding: 'utf8', env, timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('vigil ingest capture.pcapng and a log file together: flows, notable events and log lines stored, counts printed', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-pcap-cli-'));
  dirs.push(dir);
  const log = join(dir, 'auth.log');
  writeFileSync(log, 'Dec 10 06:55:46 LabSZ sshd[24200]: Failed password for root from 203.0.113.7 port 38926 ssh2\n');
  const r = vigil(['ingest', '--data-dir', join(dir, 'data'), fileURLToPath(new URL('captures/flow/all-attacks.pcap', DATA)), log]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^all-attacks\.pcap \(pcapng\): 4959 packets, 2213 flows, 1 rst_storm, 1 syn_flood$/m);
  // 2213 flows + 2 notable events + 1 log line
  assert.match(r.stdout, /^stored 2216 events from 2 file\(s\)/m);
  const s = vigil(['search', '--data-dir', join(dir, 'data'), '--json', 'event.dataset:pcap.notable and event.action:syn_flood']);
  assert.equal(s.status, 0, s.stderr);
  const found = JSON.parse(s.stdout) as { total: number; events: { destination: { port: number } }[] };
  assert.equal(found.total, 1);
  assert.equal(found.events[0]?.destination.port, 80);
});

test('a truncated capture exits 1 naming the file and the reason', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-pcap-cli-'));
  dirs.push(dir);
  const bytes = readFileSync(fileURLToPath(new URL('captures/scan/hping3-syn.pcap', DATA)));
  const cut = join(dir, 'cut.pcap');
  writeFileSync(cut, bytes.subarray(0, bytes.length - 10));
  const r = vigil(['ingest', '--data-dir', join(dir, 'data'), cut]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /cut\.pcap: truncated capture: \d+ byte\(s\) of an incomplete record at the end/);
});
