import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { SCENARIOS } from '../../src/simulate/scenarios.js';
import { killAll, startServe, type Server } from '../support/serve.js';
import { runSimulate, type SimulateRun } from '../support/simulate.js';

/*
 * `vigil simulate` against a real `vigil serve` (temporary data dir, ephemeral ports): every scenario whose rule the
 * server has loaded passes (exit 0); a scenario that cannot pass within its deadline makes the exit non-zero.
 */

const TOKEN = `e2e-${randomBytes(16).toString('hex')}`;
const children = new Set<ChildProcess>();
const dirs: string[] = [];
let server: Server;

before(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-simulate-e2e-'));
  dirs.push(dir);
  server = await startServe({ dataDir: join(dir, 'data'), token: TOKEN, cwd: dir, children });
});

after(async () => {
  await killAll(children);
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const simulate = (args: string[], timeoutMs: number): Promise<SimulateRun> => runSimulate(server, TOKEN, children, args, timeoutMs);

interface Report {
  passed: boolean;
  results: Array<{ scenario: string; rule: string; passed: boolean; alert_id?: string; latency_ms?: number; via: string; error?: string }>;
}

test('every scenario whose rule is loaded passes against a real vigil serve (syslog TCP); exit 0', async () => {
  const res = await fetch(`${server.base}/api/v1/rules`, { headers: { authorization: `Bearer ${TOKEN}` }, signal: AbortSignal.timeout(10_000) });
  const loaded = new Set(((await res.json()) as { rules: Array<{ id: string }> }).rules.map((r) => r.id));
  const runnable = SCENARIOS.filter((s) => s.rules.some((r) => loaded.has(r))).map((s) => s.name);
  const missing = SCENARIOS.filter((s) => !runnable.includes(s.name)).map((s) => s.name);
  assert.deepEqual(missing, [], 'every scenario has its rule shipped');
  const r = await simulate([...runnable, '--json'], 180_000);
  assert.equal(r.code, 0, r.stdout + r.stderr + server.stderr());
  const report = JSON.parse(r.stdout) as Report;
  assert.equal(report.passed, true);
  assert.deepEqual(report.results.map((x) => x.scenario), runnable);
  for (const x of report.results) {
    assert.ok(x.passed && x.alert_id !== undefined && x.alert_id.length > 0, JSON.stringify(x));
    assert.match(x.via, /^syslog tcp 127\.0\.0\.1:\d+$/);
    const a = await fetch(`${server.base}/api/v1/alerts/${x.alert_id}`, { headers: { authorization: `Bearer ${TOKEN}` }, signal: AbortSignal.timeout(10_000) });
    assert.equal(a.status, 200);
    assert.equal(((await a.json()) as { rule: { id: string } }).rule.id, x.rule);
  }
});

test('a scenario whose alert cannot appear in time fails: non-zero exit and the reason (log-silence with --deadline 1)', async () => {
  const r = await simulate(['log-silence', 'ssh-bruteforce', '--deadline', '1', '--via', 'ingest'], 90_000);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  const lines = r.stdout.split('\n');
  assert.match(lines[0] ?? '', /^SCENARIO\s+EXPECTED RULE\s+RESULT\s+ALERT\s+LATENCY$/);
  assert.match(r.stdout, /^log-silence\s+86b1b492-6cdf-4553-92ea-e8fadc34756f\s+FAILED\s+-\s+-$/m);
  assert.match(r.stdout, /^ssh-bruteforce\s+3f9d6c52-8a1e-4c57-b0d4-6e2a9f41c7a3\s+passed\s+[0-9a-f-]{36}\s+\d+\.\d\d s$/m);
  assert.match(r.stdout, /^log-silence: no alert of 86b1b492-6cdf-4553-92ea-e8fadc34756f naming sim-quiet-[0-9a-f]{6} within 1 s$/m);
});

test('usage errors exit 2: unknown scenario, bad deadline', async () => {
  const a = await simulate(['no-such-thing'], 30_000);
  assert.equal(a.code, 2);
  assert.match(a.stderr, /unknown scenario 'no-such-thing'/);
  const b = await simulate(['all', '--deadline', '-3'], 30_000);
  assert.equal(b.code, 2);
});
