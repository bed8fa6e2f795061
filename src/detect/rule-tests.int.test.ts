import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';
import { runRuleTests } from './rule-tests.js';

const VIGIL = fileURLToPath(new URL('../../bin/vigil.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'vigil-rule-tests-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function vigil(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('VIGIL_')) delete env[k];
  return spawnSync(process.execPath, [VIGIL, ...args], { env, encoding: 'utf8', timeout: 120_000 });
}

const RULE = `
title: Root login over ssh
id: root-ssh
name: root_ssh
logsource: { product: linux, service: sshd }
detection:
  sel: { event.outcome: success, user.name: root }
  condition: sel
level: high
---
title: Two root logins
id: two-root
correlation: { type: event_count, rules: [root_ssh], group-by: [host.name], timespan: 1m, condition: { gte: 2 } }
generate: true
level: high
`;

test('test files: ECS maps and log lines, rules named by id or name, top-level single case; failures say why', () => {
  writeFileSync(join(dir, 'root.yml'), RULE);
  writeFileSync(
    join(dir, 'root.tests.yml'),
    `tests:
  - rule: root_ssh
    match:
      - { '@timestamp': '2026-01-01T00:00:00Z', event: { dataset: sshd, outcome: success }, user.name: ROOT, host: { name: h } }
      - 'Dec 10 07:07:38 LabSZ sshd[24206]: Accepted password for root from 119.137.62.142 port 49116 ssh2'
    no_match:
      - { event: { dataset: sshd, outcome: failure }, user: { name: root } }
  - rule: two-root
    alerts: 1
    match:
      - { '@timestamp': '2026-01-01T00:00:00Z', event: { dataset: sshd, outcome: success }, user: { name: root }, host: { name: h } }
      - { '@timestamp': '2026-01-01T00:01:00Z', event: { dataset: sshd, outcome: success }, user: { name: root }, host: { name: h } }
    no_match:
      - { '@timestamp': '2026-01-01T00:00:00Z', event: { dataset: sshd, outcome: success }, user: { name: root }, host: { name: h } }
      - { '@timestamp': '2026-01-01T00:01:00.001Z', event: { dataset: sshd, outcome: success }, user: { name: root }, host: { name: h } }
`,
  );
  writeFileSync(join(dir, 'bad.yml'), RULE.replace(/id: root-ssh/, 'id: root-ssh-2').replace('id: two-root', 'id: two-root-2').replace('name: root_ssh', 'name: root_ssh_2').replace('[root_ssh]', '[root_ssh_2]'));
  writeFileSync(join(dir, 'bad.tests.yml'), `match:\n  - { event: { dataset: sshd, outcome: failure }, user: { name: root } }\n`);
  const r = runRuleTests([dir]);
  const byFile = (f: string): typeof r.results => r.results.filter((x) => x.file.endsWith(f));
  assert.deepEqual(byFile('root.yml').map((x) => [x.rule, x.ok, x.failures]), [
    ['root-ssh', true, []],
    ['two-root', true, []],
  ]);
  // a top-level case tests every rule of the file that raises alerts: the correlation (generate: true) and the base rule
  const bad = byFile('bad.yml');
  assert.deepEqual(bad.map((x) => x.rule).sort(), ['root-ssh-2', 'two-root-2']);
  assert.ok(bad.every((x) => !x.ok));
  assert.deepEqual(bad.find((x) => x.rule === 'root-ssh-2')?.failures, ['match: event(s) 1 not matched']);
  assert.deepEqual(bad.find((x) => x.rule === 'two-root-2')?.failures, ['match: the correlation did not fire']);
  assert.equal(r.failed, 2);
  assert.equal(r.passed, 2);
});

test('vigil rules lint and test: exit codes, every problem of every file, --json', () => {
  const lintDir = mkdtempSync(join(dir, 'lint-'));
  writeFileSync(join(lintDir, 'a.yml'), RULE.replace('timespan: 1m', 'timespan: 1 minute'));
  writeFileSync(join(lintDir, 'b.yml'), 'title: broken\nlogsource: {}\ndetection:\n  sel: { a|nosuchmod: 1 }\n  condition: sel\n---\ntitle: x\n  bad: [\n');
  const lint = vigil(['rules', 'lint', '--json', lintDir]);
  assert.equal(lint.status, 1, lint.stderr);
  const out = JSON.parse(lint.stdout) as { files: number; rules: number; problems: Array<{ code: string; location: { file: string } }> };
  assert.equal(out.files, 2);
  const codes = out.problems.map((p) => `${p.location.file.endsWith('a.yml') ? 'a' : 'b'}:${p.code}`).sort();
  assert.ok(codes.includes('a:SIGMA_CORR_BAD_TIMESPAN'), codes.join());
  assert.ok(codes.filter((c) => c.startsWith('b:')).length >= 2, `both documents of b.yml: ${codes.join()}`);
  const shipped = vigil(['rules', 'lint']);
  assert.equal(shipped.status, 0, shipped.stdout + shipped.stderr);
  const tests = vigil(['rules', 'test']);
  assert.equal(tests.status, 0, tests.stdout + tests.stderr);
  assert.match(tests.stderr, /\d+ passed, 0 failed/);
  const failing = vigil(['rules', 'test', join(dir, 'bad.yml')]);
  assert.equal(failing.status, 1);
  assert.match(failing.stdout, /FAIL .*bad\.tests\.yml #1 root-ssh-2/);
});

test('vigil ingest reports the alerts raised and vigil hunt finds the matched events', () => {
  const data = mkdtempSync(join(dir, 'data-'));
  const log = join(dir, 'auth.log');
  const lines = Array.from({ length: 12 }, (_, i) => `Dec 10 06:55:${String(10 + i * 3).padStart(2, '0')} LabSZ sshd[${24200 + i}]: Failed password for root from 203.0.113.60 port ${40000 + i} ssh2`);
  writeFileSync(log, `${lines.join('\n')}\nDec 10 06:58:00 LabSZ sshd[24300]: Accepted password for root from 203.0.113.60 port 41000 ssh2\n`);
  const ingest = vigil(['ingest', '--data-dir', data, '--json', '--rules', join(dir, 'root.yml'), log]);
  assert.equal(ingest.status, 0, ingest.stderr);
  const summary = JSON.parse(ingest.stdout) as { stored: number; alerts: number };
  assert.equal(summary.stored, 13);
  // brute force, login after brute force, root login over ssh, a privileged login from an address new for root
  assert.equal(summary.alerts, 4);
  const alerts = JSON.parse(vigil(['alerts', '--data-dir', data, '--json']).stdout) as { alerts: Array<{ rule: { id: string }; message?: string }> };
  const ruleAlerts = alerts.alerts.filter((a) => a.rule.id !== 'vigil-entity-risk');
  assert.deepEqual(ruleAlerts.map((a) => a.rule.id).sort(), ['3f9d6c52-8a1e-4c57-b0d4-6e2a9f41c7a3', '7d7c1f5e-3a4b-4f0e-9a41-2b6f1c9e8d01', 'eae9155c-7b94-4c83-9d14-15e1ab748af2', 'root-ssh']);
  // four alerts about the same address, user and host add up past the entity risk threshold (docs/alerting.md)
  const risk = alerts.alerts.filter((a) => a.rule.id === 'vigil-entity-risk').map((a) => a.message ?? '');
  assert.ok(risk.some((m) => m.includes('203.0.113.60')), `an entity risk alert names the address: ${JSON.stringify(risk)}`);
  const h = vigil(['hunt', '--data-dir', data, '--json', join(dir, 'root.yml')]);
  assert.equal(h.status, 0, h.stderr);
  const res = JSON.parse(h.stdout) as { matched: number; events: Array<{ message: string; vigil_hunt_rules: string[] }> };
  assert.equal(res.matched, 1);
  assert.match(res.events[0]?.message ?? '', /Accepted password for root/);
  assert.deepEqual(res.events[0]?.vigil_hunt_rules, ['root-ssh']);
});
