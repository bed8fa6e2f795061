import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';

/*
 * `vigil alerts` and `vigil assets` on a data directory (no server): alerts raised by `vigil ingest` are taken into
 * the queue, triaged with history, and the asset inventory is edited, all through the real command.
 */

const VIGIL = fileURLToPath(new URL('../../../bin/vigil.js', import.meta.url));
const AUTH_LOG = fileURLToPath(new URL('../../../examples/auth.log', import.meta.url));
const BRUTE_FORCE = '3f9d6c52-8a1e-4c57-b0d4-6e2a9f41c7a3';
const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function env(): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = { ...process.env };
  for (const k of Object.keys(e)) if (k.startsWith('VIGIL_')) delete e[k];
  return e;
}

function vigil(args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [VIGIL, ...args], { env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

async function json(args: string[]): Promise<Record<string, unknown>> {
  const r = await vigil([...args, '--json']);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

test('vigil alerts and vigil assets on a data directory', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-cli-alerts-'));
  dirs.push(dir);
  const dataDir = join(dir, 'data');
  const config = join(dir, 'vigil.yml');
  writeFileSync(config, 'assets:\n  inventory:\n    - {name: bastion, kind: host, match: [bastion], criticality: 4}\n');
  const none = await vigil(['alerts', '--data-dir', dataDir]);
  assert.equal(none.code, 1);
  assert.match(none.stderr, /^vigil: no Vigil data in /);

  const ing = await vigil(['ingest', '--data-dir', dataDir, AUTH_LOG]);
  assert.equal(ing.code, 0, ing.stderr);
  const list = await json(['alerts', '--data-dir', dataDir, '--config', config, '--rule', BRUTE_FORCE]);
  assert.equal(list['total'], 1, 'the alert vigil ingest stored is in the queue');
  const alert = (list['alerts'] as Array<Record<string, unknown> & { id: string; vigil: { alert: Record<string, unknown> } }>)[0];
  assert.ok(alert);
  assert.deepEqual((alert.vigil.alert['assets'] as Array<{ name: string }>).map((a) => a.name), ['bastion']);
  assert.deepEqual(await json(['alerts', '--data-dir', dataDir, '--config', config, '--rule', BRUTE_FORCE]), list, 'taken in once');

  const bad = await vigil(['alerts', 'close', alert.id, '--data-dir', dataDir]);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /reason: closing an alert needs a reason/);
  const ack = await vigil(['alerts', 'ack', alert.id, '--data-dir', dataDir, '--user', 'dana', '--assignee', 'erin']);
  assert.equal(ack.code, 0, ack.stderr);
  assert.equal(ack.stdout, `${alert.id}  acknowledged\n`);
  const closed = await json(['alerts', 'close', alert.id, '--reason', 'true_positive', '--comment', 'blocked at the edge', '--data-dir', dataDir]);
  assert.deepEqual((closed['alerts'] as Array<{ vigil: { alert: { status: string } } }>).map((a) => a.vigil.alert.status), ['closed']);
  const missing = await vigil(['alerts', 'reopen', 'no-such-alert', '--data-dir', dataDir]);
  assert.equal(missing.code, 3);
  const shown = await json(['alerts', 'show', alert.id, '--data-dir', dataDir]);
  const history = (shown['vigil'] as { alert: { history: Array<{ who: string; action: string }> } }).alert.history;
  assert.deepEqual(history.map((h) => `${h.who}:${h.action}`), ['dana:acknowledge', 'dana:assign', 'admin:close']);
  const text = await vigil(['alerts', 'show', alert.id, '--data-dir', dataDir]);
  assert.match(text.stdout, /^status +closed$/m);
  assert.match(text.stdout, /^comment +\S+ admin: blocked at the edge$/m);
  assert.equal((await json(['alerts', '--data-dir', dataDir, '--status', 'closed']))['total'], 1);

  // assets: the config's seed, then edits kept in the data directory
  const seeded = await json(['assets', 'list', '--data-dir', dataDir, '--config', config]);
  assert.deepEqual((seeded['assets'] as Array<{ name: string }>).map((a) => a.name), ['bastion']);
  const set = await json(['assets', 'set', 'db-1', '--kind', 'host', '--match', 'db-1', '--match', '10.1.2.3', '--criticality', '5', '--owner', 'dba', '--data-dir', dataDir, '--config', config]);
  assert.deepEqual(set, { name: 'db-1', kind: 'host', match: ['db-1', '10.1.2.3'], criticality: 5, owner: 'dba', tags: [] });
  const badSet = await vigil(['assets', 'set', 'db-2', '--kind', 'host', '--match', 'db-2', '--criticality', '9', '--data-dir', dataDir]);
  assert.equal(badSet.code, 1);
  assert.match(badSet.stderr, /criticality/);
  const changed = await json(['assets', 'set', 'bastion', '--criticality', '2', '--data-dir', dataDir, '--config', config]);
  assert.equal(changed['criticality'], 2, 'set changes only what it names');
  assert.deepEqual(changed['match'], ['bastion']);
  assert.equal((await vigil(['assets', 'delete', 'bastion', '--data-dir', dataDir, '--config', config])).code, 0);
  assert.equal((await vigil(['assets', 'get', 'bastion', '--data-dir', dataDir, '--config', config])).code, 3);
  const after = await json(['assets', '--data-dir', dataDir, '--config', config]);
  assert.deepEqual((after['assets'] as Array<{ name: string }>).map((a) => a.name), ['db-1']);
});
