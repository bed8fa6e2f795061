import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test, type TestContext } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../../test/support/net.js';
import { killAll as killAllOf, runVigil, startServe as startServeOn, type Server, type VigilRun } from '../../test/support/serve.js';
import { mountTmpfs as mountTmpfsOn, sh, unmount as unmountDir } from '../../test/support/mount.js';

/**
 * A real `vigil serve` whose data directory cannot take what it is sent: on a small tmpfs that fills up, an ingest
 * request that cannot be stored must fail (507, or 503) with VIGIL_ERR_STORE_FULL, never be acknowledged; every
 * request that was acknowledged must be found afterwards. On a read-only mount the server must refuse to start.
 * Mounting needs root (or CAP_SYS_ADMIN); where it is refused the tests skip, saying why.
 */

const TOKEN = `disk-${randomBytes(16).toString('hex')}`;
const REQUEST_TIMEOUT_MS = 15_000;
const RUN_TIMEOUT_MS = 30_000;

const children = new Set<ChildProcess>();
const mounts = new Set<string>();
const temps: string[] = [];

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
}

/** Mounts a tmpfs on `dir`; the error text if that is refused. */
function mountTmpfs(dir: string, options: string): string | undefined {
  if (process.getuid?.() !== 0) return 'not running as root';
  const err = mountTmpfsOn(dir, options);
  if (err === undefined) mounts.add(dir);
  return err;
}

function isMounted(dir: string): boolean {
  const fields = readFileSync('/proc/self/mounts', 'utf8')
    .split('\n')
    .map((l) => l.split(' ')[1]);
  return fields.includes(dir);
}

function unmount(dir: string): void {
  unmountDir(dir);
  mounts.delete(dir);
}

type RunResult = VigilRun;

function show(r: RunResult): string {
  return `exit ${r.code} signal ${r.signal}\n--- stdout ---\n${r.stdout.slice(0, 2000)}\n--- stderr ---\n${r.stderr.slice(0, 4000)}`;
}

/** `node bin/vigil.js ARGS` to completion; killed (signal SIGKILL) if it outlives `timeoutMs`. */
function vigil(args: string[], extraEnv: Record<string, string> = {}, timeoutMs = RUN_TIMEOUT_MS): Promise<RunResult> {
  return runVigil(args, { children, timeoutMs, env: extraEnv, cwd: tmpdir() });
}

function running(c: ChildProcess): boolean {
  return c.exitCode === null && c.signalCode === null;
}

function killAll(): Promise<void> {
  return killAllOf(children);
}

after(async () => {
  await killAll();
  for (const m of [...mounts]) unmount(m);
  for (const d of temps) rmSync(d, { recursive: true, force: true });
});

const PER_BATCH = 40;
const PAD = 'x'.repeat(1500); // ~60 KiB of JSON per request: a 4 MiB file system holds a few dozen
const MAX_BATCHES = 400;

function ndjson(run: string, batch: number): string {
  const lines: string[] = [];
  for (let i = 0; i < PER_BATCH; i++) {
    lines.push(
      JSON.stringify({
        '@timestamp': new Date(Date.UTC(2025, 5, 1) + batch * 1000 + i).toISOString(),
        message: `disk full ${batch}/${i}`,
        disk: { run, batch, i, pad: PAD },
      }),
    );
  }
  return `${lines.join('\n')}\n`;
}

interface ErrorBody {
  error?: { code?: unknown; message?: unknown };
}

test('vigil serve on a full disk fails the ingest request it cannot store, and keeps every one it acknowledged', { timeout: 180_000 }, async (t: TestContext) => {
  const mnt = tempDir('vigil-full-mnt-');
  const mountError = mountTmpfs(mnt, 'size=4m');
  if (mountError !== undefined) {
    t.skip(`mounting a small tmpfs is not permitted here: ${mountError}`);
    return;
  }
  const dataDir = join(mnt, 'data');
  const copy = join(tempDir('vigil-full-copy-'), 'data');
  const run = randomBytes(4).toString('hex');
  const acknowledged: number[] = [];
  let server: Server | undefined;
  try {
    server = await startServe(dataDir);
    let failed: { batch: number; status: number; body: string } | undefined;
    const deadline = Date.now() + 90_000;
    for (let b = 0; b < MAX_BATCHES && Date.now() < deadline; b++) {
      const res = await fetch(`${server.base}/api/v1/ingest`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/x-ndjson' },
        body: ndjson(run, b),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      const body = await res.text();
      if (res.status !== 200) {
        failed = { batch: b, status: res.status, body };
        break;
      }
      assert.deepEqual(JSON.parse(body), { accepted: PER_BATCH, failed: 0 }, `batch ${b}`);
      acknowledged.push(b);
    }
    assert.ok(failed, `the 4 MiB file system never filled up: ${acknowledged.length} requests of ${PER_BATCH} events acknowledged`);
    assert.ok(acknowledged.length >= 5, `only ${acknowledged.length} requests fit before the failure (${failed.body})`);
    t.diagnostic(`${acknowledged.length} requests acknowledged, then batch ${failed.batch}: ${failed.status} ${failed.body}`);
    assert.ok(failed.status === 507 || failed.status === 503, `a full store answers 507 or 503, not ${failed.status}: ${failed.body}`);
    const err = JSON.parse(failed.body) as ErrorBody;
    assert.equal(err.error?.code, 'VIGIL_ERR_STORE_FULL', failed.body);
    assert.equal(typeof err.error?.message, 'string');

    // Still full: the next request fails too (and is not acknowledged), and the server still answers.
    const again = await fetch(`${server.base}/api/v1/ingest`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/x-ndjson' },
      body: ndjson(run, failed.batch + 1),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const againBody = await again.text();
    assert.ok(again.status === 507 || again.status === 503, `still full: ${again.status} ${againBody}`);
    assert.match((JSON.parse(againBody) as ErrorBody).error?.code as string, /^VIGIL_ERR_STORE_/);
    const health = await fetch(`${server.base}/api/v1/health`, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    assert.equal(health.status, 200);

    // Stop it, then read what it left on the full file system from a copy (room for the read side's own files).
    server.child.kill('SIGTERM');
    const stopped = await Promise.race([server.exited, sleep(30_000, undefined, { ref: false })]);
    assert.ok(stopped, `vigil serve did not stop within 30 s of SIGTERM on a full disk: ${server.stderr()}`);
    t.diagnostic(`stopped on the full disk: exit ${stopped.code} signal ${stopped.signal}`);
    cpSync(dataDir, copy, { recursive: true });
  } finally {
    if (server && running(server.child)) {
      server.child.kill('SIGKILL');
      await Promise.race([server.exited, sleep(10_000, undefined, { ref: false })]);
    }
    unmount(mnt);
  }
  assert.equal(isMounted(mnt), false, 'the tmpfs is unmounted');
  assert.deepEqual(readdirSync(mnt), [], 'nothing is left under the mount point');

  const r = await vigil(['search', '--data-dir', copy, '--json', '--limit', '10000', `disk.run:${run}`]);
  assert.equal(r.code, 0, show(r));
  const found = JSON.parse(r.stdout) as { total: number; total_relation: string; events: { disk?: { batch?: number; i?: number } }[] };
  assert.equal(found.total_relation, 'eq');
  const have = new Set(found.events.map((e) => `${e.disk?.batch}/${e.disk?.i}`));
  for (const b of acknowledged) {
    for (let i = 0; i < PER_BATCH; i++) assert.ok(have.has(`${b}/${i}`), `event ${i} of acknowledged request ${b} is missing`);
  }
  assert.equal(found.total, acknowledged.length * PER_BATCH, 'nothing of the failed requests was stored');

  const v = await vigil(['verify', '--data-dir', copy, '--json']);
  assert.equal(v.code, 0, show(v));
  const verified = JSON.parse(v.stdout) as { ok: boolean; events: number };
  assert.equal(verified.ok, true, v.stdout);
  assert.equal(verified.events, acknowledged.length * PER_BATCH);
});

test('vigil serve on a read-only data directory exits non-zero at start, naming the directory', { timeout: 90_000 }, async (t: TestContext) => {
  const mnt = tempDir('vigil-ro-mnt-');
  const mountError = mountTmpfs(mnt, 'size=1m,mode=0755');
  if (mountError !== undefined) {
    t.skip(`mounting a tmpfs is not permitted here: ${mountError}`);
    return;
  }
  try {
    // a data directory that already exists on the read-only file system, and one that would have to be created there
    mkdirSync(join(mnt, 'existing'));
    assert.equal(sh('mount', ['-o', 'remount,ro', mnt]), undefined, 'remount read-only');
    const dirs = [join(mnt, 'existing'), join(mnt, 'absent')];
    const ports = await Promise.all(dirs.map(() => freePort()));
    const results = await Promise.all(
      dirs.map((d, i) => vigil(['serve', '--data-dir', d], { VIGIL_HTTP_PORT: String(ports[i]), VIGIL_ADMIN_TOKEN: TOKEN }, 30_000)),
    );
    dirs.forEach((d, i) => {
      const r = results[i] as RunResult;
      assert.equal(r.signal, null, `still running after 30 s: it started on a read-only directory\n${show(r)}`);
      assert.notEqual(r.code, 0, show(r));
      const lines = r.stderr.split('\n').filter((l) => l.trim().length > 0);
      assert.equal(lines.length, 1, `one line of reason\n${show(r)}`);
      assert.ok(lines[0]?.includes(d), `the reason names ${d}\n${show(r)}`);
      assert.match(lines[0] ?? '', /read-only|EROFS|not writable/i, `the reason says why\n${show(r)}`);
      assert.doesNotMatch(r.stderr, /listening/);
    });
    assert.equal(existsSync(join(mnt, 'absent')), false);
  } finally {
    unmount(mnt);
  }
  assert.equal(isMounted(mnt), false, 'the tmpfs is unmounted');
});

function startServe(dataDir: string): Promise<Server> {
  return startServeOn({ dataDir, token: TOKEN, cwd: tmpdir(), children });
}
