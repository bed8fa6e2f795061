import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { RULE } from '../../src/simulate/scenarios.js';
import { killAll, startServe, type Server } from '../support/serve.js';
import { runSimulate, type SimulateRun } from '../support/simulate.js';

/*
 * `vigil simulate` fails when the detection it checks is missing: on a real `vigil serve` (temporary data dir,
 * ephemeral ports), the shipped SSH brute-force rule is switched off through the API, and `vigil simulate
 * ssh-bruteforce` exits 1 naming the alert that did not appear; switched on again, the same scenario exits 0.
 */

const TOKEN = `e2e-${randomBytes(16).toString('hex')}`;
const children = new Set<ChildProcess>();
const dirs: string[] = [];
let server: Server;

before(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-simulate-off-e2e-'));
  dirs.push(dir);
  server = await startServe({ dataDir: join(dir, 'data'), token: TOKEN, cwd: dir, children });
});

after(async () => {
  await killAll(children);
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const simulate = (args: string[], timeoutMs: number): Promise<SimulateRun> => runSimulate(server, TOKEN, children, args, timeoutMs);

/** POST /api/v1/rules/{id}/enabled; the rule's status as answered. */
async function setEnabled(id: string, enabled: boolean): Promise<{ id: string; enabled: boolean }> {
  const res = await fetch(`${server.base}/api/v1/rules/${id}/enabled`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ enabled }),
    signal: AbortSignal.timeout(10_000),
  });
  assert.equal(res.status, 200, await res.clone().text());
  return (await res.json()) as { id: string; enabled: boolean };
}

test('the SSH brute-force rule switched off: vigil simulate ssh-bruteforce exits 1 naming the missing alert; switched on: exit 0', async () => {
  const off = await setEnabled(RULE.sshBruteForce, false);
  assert.deepEqual([off.id, off.enabled], [RULE.sshBruteForce, false]);

  const missing = await simulate(['ssh-bruteforce', '--deadline', '3'], 90_000);
  assert.equal(missing.code, 1, missing.stdout + missing.stderr + server.stderr());
  assert.match(missing.stdout, new RegExp(`^ssh-bruteforce\\s+${RULE.sshBruteForce}\\s+FAILED\\s+-\\s+-$`, 'm'));
  assert.match(missing.stdout, new RegExp(`^ssh-bruteforce: no alert of ${RULE.sshBruteForce} naming (198\\.51\\.100|203\\.0\\.113)\\.\\d+ within 3 s \\(the target reports the rule disabled\\)$`, 'm'));

  const on = await setEnabled(RULE.sshBruteForce, true);
  assert.equal(on.enabled, true);
  const found = await simulate(['ssh-bruteforce', '--json'], 90_000);
  assert.equal(found.code, 0, found.stdout + found.stderr + server.stderr());
  const report = JSON.parse(found.stdout) as { passed: boolean; results: Array<{ scenario: string; rule: string; passed: boolean; alert_id?: string; error?: string }> };
  assert.equal(report.passed, true);
  assert.deepEqual(
    report.results.map((r) => [r.scenario, r.rule, r.passed, r.error]),
    [['ssh-bruteforce', RULE.sshBruteForce, true, undefined]],
  );
  assert.match(report.results[0]?.alert_id ?? '', /^[0-9a-f-]{36}$/);
});
