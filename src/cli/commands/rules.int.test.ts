import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { DetectionEngine } from '../../detect/engine.js';
import { RuleAdmin, uploadedRulesDir } from '../../detect/uploads.js';

/*
 * `vigil ingest` and `vigil rules lint|test` load the rules of a Vigil as `vigil serve` does: shipped, configured and
 * uploaded through the API (DATA_DIR/rules/uploaded), with the rules switched off through the API left off. The
 * uploads and the switch are made by the same code the API runs (RuleAdmin on a real engine), then the real commands
 * run as child processes on that data directory.
 */

const VIGIL = fileURLToPath(new URL('../../../bin/vigil.js', import.meta.url));
const ROOT_SHELL = '9b3e7a21-4c6d-4f8b-b2e1-0d5c8a7f6e14';
const UPLOADED = '2b7e4c91-0d3a-4f6b-8e25-6a1c9f0b3d47';
const BASELINE = '5e0f1a2b-3c4d-4e6f-9a8b-7c6d5e4f3a21';
const UPLOAD = `title: Uploaded marker
id: ${UPLOADED}
logsource:
  product: linux
detection:
  keywords:
    - 'marker-delta'
  condition: keywords
level: high
`;
const BASELINE_UPLOAD = `title: Uploaded host burst
id: ${BASELINE}
vigil: baseline
key: host.name
level: medium
`;
const LINES = ['Dec 10 07:08:28 LabSZ sudo:    fztu : TTY=pts/0 ; PWD=/home/fztu ; USER=root ; COMMAND=/bin/bash', 'Dec 10 07:08:29 web1 app[7]: marker-delta seen'];

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

/** Runs `vigil ARGS` in `cwd` (killed after 60 s). */
function vigil(args: string[], cwd: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [VIGIL, ...args], { cwd, env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Rule ids of the alerts stored in a data directory, with their counts. */
async function alertRules(dataDir: string, cwd: string): Promise<Map<string, number>> {
  const r = await vigil(['search', '--data-dir', dataDir, '--json', '--limit', '1000', 'event.kind:alert'], cwd);
  assert.equal(r.code, 0, r.stderr);
  const out = new Map<string, number>();
  for (const e of (JSON.parse(r.stdout) as { events: Array<{ rule?: { id?: string } }> }).events) {
    const id = e.rule?.id ?? '';
    out.set(id, (out.get(id) ?? 0) + 1);
  }
  return out;
}

interface Lint {
  files: number;
  rules: number;
  correlations: number;
  anomaly: number;
  problems: Array<{ code: string; location: { file: string } }>;
}

test('vigil ingest runs the uploaded rules and leaves switched-off rules off; rules lint|test check the same set', { timeout: 180_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-cli-rules-'));
  dirs.push(dir);
  const dataDir = join(dir, 'data');
  const elsewhere = join(dir, 'elsewhere');
  mkdirSync(elsewhere);
  const log = join(dir, 'in.log');
  writeFileSync(log, LINES.join('\n') + '\n');

  // uploaded as POST /api/v1/rules does it
  const admin = new RuleAdmin(dataDir, []);
  const engine = new DetectionEngine({ rules: admin.load() });
  admin.attach(engine);
  for (const text of [UPLOAD, BASELINE_UPLOAD]) {
    const up = admin.upload(text);
    assert.equal(up.ok, true, JSON.stringify(up.problems));
  }

  // ingest: the shipped rule and the uploaded one both raise their alert
  const first = await vigil(['ingest', '--data-dir', dataDir, '--json', log], dir);
  assert.equal(first.code, 0, first.stderr);
  let alerts = await alertRules(dataDir, dir);
  assert.equal(alerts.get(ROOT_SHELL), 1, JSON.stringify([...alerts]));
  assert.equal(alerts.get(UPLOADED), 1, JSON.stringify([...alerts]));

  // switched off as POST /api/v1/rules/{id}/enabled does it: the next ingest leaves it off
  admin.setEnabled(ROOT_SHELL, false);
  const second = await vigil(['ingest', '--data-dir', dataDir, '--json', log], dir);
  assert.equal(second.code, 0, second.stderr);
  alerts = await alertRules(dataDir, dir);
  assert.equal(alerts.get(ROOT_SHELL), 1, JSON.stringify([...alerts]));
  assert.equal(alerts.get(UPLOADED), 2, JSON.stringify([...alerts]));

  // lint: with --data-dir, and with no path beside ./data, the uploads are loaded; without a data dir, the shipped rules
  const lint = async (args: string[], cwd: string): Promise<Lint> => {
    const r = await vigil(['rules', 'lint', '--json', ...args], cwd);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    return JSON.parse(r.stdout) as Lint;
  };
  const shipped = await lint([], elsewhere);
  const withData = await lint(['--data-dir', dataDir], elsewhere);
  const inCwd = await lint([], dir);
  assert.deepEqual(withData, inCwd);
  assert.equal(withData.files, shipped.files + 2);
  assert.equal(withData.rules, shipped.rules + 1);
  assert.equal(withData.anomaly, shipped.anomaly + 1);
  assert.deepEqual(withData.problems, []);

  // test: the uploads are listed as rule files without tests
  const t = await vigil(['rules', 'test', '--json', '--data-dir', dataDir], elsewhere);
  assert.equal(t.code, 0, t.stdout + t.stderr);
  const report = JSON.parse(t.stdout) as { untested: string[]; failed: number; problems: unknown[] };
  const up = uploadedRulesDir(dataDir);
  assert.deepEqual(report.untested.filter((f) => f.startsWith(up)).sort(), [join(up, `${BASELINE}.yml`), join(up, `${UPLOADED}.yml`)].sort());
  assert.equal(report.failed, 0);

  // a broken file among the uploads (edited on disk) is a problem of this Vigil's rules: lint and test exit 1
  const broken = join(up, 'broken.yml');
  writeFileSync(broken, `title: broken\nid: 7f1e2d3c-4b5a-4968-8776-5a4b3c2d1e0f\nvigil: baseline\nkey: host.name\nmetric: median(x)\n`);
  const bad = await vigil(['rules', 'lint', '--json', '--data-dir', dataDir], elsewhere);
  assert.equal(bad.code, 1, bad.stdout + bad.stderr);
  const problems = (JSON.parse(bad.stdout) as Lint).problems;
  assert.deepEqual(problems.map((p) => [p.code, p.location.file]), [['VIGIL_ANOMALY_BAD_METRIC', broken]]);
  const badTest = await vigil(['rules', 'test', '--data-dir', dataDir], elsewhere);
  assert.equal(badTest.code, 1, badTest.stdout + badTest.stderr);
  assert.match(badTest.stdout, /broken\.yml:1:1: VIGIL_ANOMALY_BAD_METRIC/);
  // a path alone is checked alone
  const alone = await vigil(['rules', 'lint', '--json', join(fileURLToPath(new URL('../../../rules/linux/', import.meta.url)), 'sudo_root_shell.yml')], dir);
  assert.equal(alone.code, 0, alone.stderr);
  assert.equal((JSON.parse(alone.stdout) as Lint).files, 1);
});
