import assert from 'node:assert/strict';
import { spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, test } from 'node:test';
import { cleanEnv, killAll, startServe, VIGIL, type Server } from '../support/serve.js';

/*
 * Detection end to end: a real `vigil serve` with the shipped rules takes sshd failures over HTTP; the brute-force
 * correlation (10 failures from one address within 5 minutes) raises one alert, visible through the API and
 * `vigil alerts --json`. And its window survives a restart: half the attempts before, half after, one alert.
 */

const TOKEN = `e2e-${randomBytes(16).toString('hex')}`;
const BRUTE_FORCE = '3f9d6c52-8a1e-4c57-b0d4-6e2a9f41c7a3';
const children = new Set<ChildProcess>();
const dirs: string[] = [];

after(async () => {
  await killAll(children);
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const failure = (i: number, ip: string): string => `Dec 10 06:55:${String(10 + i * 3).padStart(2, '0')} LabSZ sshd[${24200 + i}]: Failed password for root from ${ip} port ${40000 + i} ssh2`;

async function api(s: Server, path: string, init: RequestInit = {}): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${s.base}${path}`, { ...init, headers: { authorization: `Bearer ${TOKEN}`, ...(init.headers as Record<string, string> | undefined) }, signal: AbortSignal.timeout(20_000) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function ingestLines(s: Server, lines: string[]): Promise<void> {
  const r = await api(s, '/api/v1/ingest', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: `${lines.join('\n')}\n` });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body['accepted'], lines.length);
}

type Alert = Record<string, unknown> & { id: string; rule: { id: string }; vigil: { alert: { status: string; evidence_ids: string[]; group: unknown } } };

/** Polls GET /alerts until `n` alerts are there (alerts are stored right after the events that raised them). */
async function alertsOf(s: Server, n: number, ms = 15_000): Promise<Alert[]> {
  const deadline = Date.now() + ms;
  for (;;) {
    const r = await api(s, '/api/v1/alerts');
    assert.equal(r.status, 200);
    const list = r.body['alerts'] as Alert[];
    if (list.length >= n || Date.now() > deadline) return list;
    await sleep(100);
  }
}

async function stop(s: Server): Promise<void> {
  s.child.kill('SIGTERM');
  const e = await s.exited;
  assert.equal(e.code, 0, s.stderr());
}

function dataDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'vigil-detect-e2e-'));
  dirs.push(d);
  return d;
}

test('sshd failures over HTTP raise one brute-force alert, in GET /api/v1/alerts and vigil alerts --json', async () => {
  const dir = dataDir();
  const s = await startServe({ dataDir: dir, token: TOKEN, cwd: tmpdir(), children });
  await ingestLines(s, Array.from({ length: 12 }, (_, i) => failure(i, '203.0.113.50')));
  // other addresses, too few each
  await ingestLines(s, Array.from({ length: 9 }, (_, i) => failure(i, `198.51.100.${i}`)));
  const alerts = await alertsOf(s, 1);
  await sleep(500);
  const again = await alertsOf(s, 2, 0);
  assert.equal(again.length, 1, `exactly one alert: ${JSON.stringify(again.map((a) => a.rule.id))}`);
  const a = alerts[0] as Alert;
  assert.equal(a.rule.id, BRUTE_FORCE);
  assert.equal((a['event'] as Record<string, unknown>)['kind'], 'alert');
  assert.equal((a['event'] as Record<string, unknown>)['severity'], 50);
  assert.deepEqual((a['threat'] as { technique: { id: string[] } }).technique.id, ['T1110', 'T1110.001']);
  assert.equal(a.vigil.alert.status, 'open');
  assert.deepEqual(a.vigil.alert.group, { source: { ip: '203.0.113.50' } });
  assert.equal(a.vigil.alert.evidence_ids.length, 10, 'the ten events that made the window true');
  // every evidence id is a stored event's event.id
  for (const id of a.vigil.alert.evidence_ids.slice(0, 3)) {
    const r = await api(s, `/api/v1/search?q=${encodeURIComponent(`event.id:"${id}"`)}`);
    assert.equal(r.body['total'], 1, `evidence ${id} is stored`);
  }
  const one = await api(s, `/api/v1/alerts/${a.id}`);
  assert.equal(one.status, 200);
  assert.equal(one.body['id'], a.id);
  assert.equal((await api(s, '/api/v1/alerts/00000000-0000-0000-0000-000000000000')).status, 404);
  assert.equal((await api(s, '/api/v1/alerts?status=closed')).body['total'], 0);

  const rules = await api(s, '/api/v1/rules');
  const list = rules.body['rules'] as Array<{ id: string; hits: number; alerts: number; generates: boolean }>;
  const bf = list.find((r) => r.id === BRUTE_FORCE);
  assert.ok(bf, 'the shipped brute-force rule is loaded');
  assert.equal(bf.alerts, 1);
  assert.equal(list.find((r) => r.id === '0c2b4e6a-5d1f-4b8e-8f3a-9e7d2c1b0a41')?.hits, 21, 'every failure matched the base rule');
  assert.equal(list.find((r) => r.id === '0c2b4e6a-5d1f-4b8e-8f3a-9e7d2c1b0a41')?.generates, false);
  const t = await api(s, `/api/v1/rules/${BRUTE_FORCE}/test`, { method: 'POST' });
  assert.equal(t.status, 200);
  assert.equal(t.body['ok'], true, JSON.stringify(t.body));
  const adhoc = await api(s, `/api/v1/rules/${BRUTE_FORCE}/test`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ events: Array.from({ length: 10 }, (_, i) => failure(i, '192.0.2.1')) }) });
  assert.equal(adhoc.status, 200);
  assert.equal((adhoc.body['alerts'] as unknown[]).length, 1);

  const apiJson = await api(s, '/api/v1/alerts');
  await stop(s);
  const cli = spawnSync(process.execPath, [VIGIL, 'alerts', '--data-dir', dir, '--json'], { env: cleanEnv(), encoding: 'utf8', timeout: 60_000 });
  assert.equal(cli.status, 0, cli.stderr);
  const fromCli = JSON.parse(cli.stdout) as { alerts: Alert[]; total: number };
  assert.equal(fromCli.total, 1);
  assert.deepEqual(fromCli, apiJson.body, 'vigil alerts --json prints what GET /api/v1/alerts answers');
  const text = spawnSync(process.execPath, [VIGIL, 'alerts', '--data-dir', dir, '--status', 'open'], { env: cleanEnv(), encoding: 'utf8', timeout: 60_000 });
  assert.equal(text.status, 0, text.stderr);
  assert.match(text.stdout, /SSH brute force from one address \(source.ip=203.0.113.50\)/);
});

test('correlation windows survive a restart of vigil serve: five attempts before, five after, one alert', async () => {
  const dir = dataDir();
  const ip = '203.0.113.77';
  const first = await startServe({ dataDir: dir, token: TOKEN, cwd: tmpdir(), children });
  await ingestLines(first, Array.from({ length: 5 }, (_, i) => failure(i, ip)));
  assert.equal((await alertsOf(first, 1, 500)).length, 0);
  await stop(first);
  const state = join(dir, 'detect', 'state.json');
  assert.ok(existsSync(state), 'the state was written at shutdown');
  assert.match(readFileSync(state, 'utf8'), /203\.0\.113\.77/);

  const second = await startServe({ dataDir: dir, token: TOKEN, cwd: tmpdir(), children });
  await ingestLines(second, Array.from({ length: 4 }, (_, i) => failure(5 + i, ip)));
  assert.equal((await alertsOf(second, 1, 500)).length, 0, 'nine attempts: not yet');
  await ingestLines(second, [failure(9, ip)]);
  const alerts = await alertsOf(second, 1);
  await sleep(500);
  assert.equal((await alertsOf(second, 2, 0)).length, 1);
  const a = alerts[0] as Alert;
  assert.equal(a.rule.id, BRUTE_FORCE);
  assert.equal(a.vigil.alert.evidence_ids.length, 10, 'the evidence spans both runs');
  await stop(second);
});
