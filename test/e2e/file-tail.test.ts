import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, test } from 'node:test';
import { freePort } from '../support/net.js';
import { VIGIL, cleanEnv, killAll, stopServe } from '../support/serve.js';

/**
 * The file source in the real `vigil serve`: killed with SIGKILL in the middle of a file and started again, every line
 * is stored exactly once; a file it may not read is reported on stderr while the others are read.
 */
const TOKEN = `e2e-${randomBytes(16).toString('hex')}`;
const children = new Set<ChildProcess>();
after(() => killAll(children));

interface Serve {
  child: ChildProcess;
  base: string;
  stderr(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** A graceful stop is bounded by the work in flight (one read pass of the file source); far longer fails with stderr. */
const STOP_LIMIT_MS = 120_000;

/** `vigil serve --config` (started as `user` when given), returned once /api/v1/health answers ok. */
async function serve(dataDir: string, config: string, user?: number): Promise<Serve> {
  const port = await freePort();
  const child = spawn(process.execPath, [VIGIL, 'serve', '--data-dir', dataDir, '--config', config], {
    cwd: tmpdir(),
    env: cleanEnv({ VIGIL_HTTP_PORT: String(port), VIGIL_NETFLOW_PORT: '0', VIGIL_ADMIN_TOKEN: TOKEN, HOME: tmpdir() }),
    stdio: ['ignore', 'ignore', 'pipe'],
    ...(user !== undefined ? { uid: user, gid: user } : {}),
  });
  children.add(child);
  let err = '';
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (err = (err + d).slice(-65536)));
  let gone = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      gone = true;
      children.delete(child);
      resolve({ code, signal });
    }),
  );
  const s: Serve = { child, base: `http://127.0.0.1:${port}`, stderr: () => err, exited };
  for (let i = 0; i < 600; i++) {
    if (gone) throw new Error(`vigil serve exited: ${err}`);
    try {
      const res = await fetch(`${s.base}/api/v1/health`, { signal: AbortSignal.timeout(2000) });
      // 'starting' until every source listens
      if (res.status === 200 && ((await res.json()) as { status?: string }).status === 'ok') return s;
    } catch {
      // not listening yet
    }
    await sleep(50);
  }
  throw new Error(`vigil serve did not start: ${err}`);
}

/** Log lines stored (alerts raised on them are stored as events too, with event.kind alert). */
async function storedEvents(s: Serve): Promise<number> {
  const q = new URLSearchParams({ q: 'event.kind:event | stats count()', from: '2000-01-01T00:00:00Z' });
  const res = await fetch(`${s.base}/api/v1/search?${q.toString()}`, { headers: { authorization: `Bearer ${TOKEN}` }, signal: AbortSignal.timeout(60_000) });
  assert.equal(res.status, 200, await res.clone().text());
  const body = (await res.json()) as { rows: [number][] };
  return body.rows[0]?.[0] ?? 0;
}

async function search(s: Serve, from: number, to: number): Promise<{ total: number; events: Record<string, unknown>[] }> {
  const url = `${s.base}/api/v1/search?q=event.kind:event&limit=10000&from=${new Date(from).toISOString()}&to=${new Date(to).toISOString()}`;
  const res = await fetch(url, { headers: { authorization: `Bearer ${TOKEN}` }, signal: AbortSignal.timeout(30_000) });
  assert.equal(res.status, 200, await res.clone().text());
  return (await res.json()) as { total: number; events: Record<string, unknown>[] };
}

/** Waits (bounded) until `n` events are stored, then a while longer; returns the count. */
async function settle(s: Serve, n: number, ms: number): Promise<number> {
  const deadline = Date.now() + ms;
  let c = await storedEvents(s);
  while (c < n && Date.now() < deadline) {
    await sleep(50);
    c = await storedEvents(s);
  }
  await sleep(800);
  return storedEvents(s);
}

const BASE = Date.parse('2026-11-26T00:00:00Z');
const N = 40_000;
/** One second apart, so that windows of the time range hold at most 10,000 events each (the search limit). */
const line = (i: number): string =>
  `${new Date(BASE + i * 1000).toISOString()} bastion sshd[${1000 + (i % 30_000)}]: Failed password for invalid user u${i} from 203.0.113.${i % 250} port ${1024 + (i % 60_000)} ssh2\n`;

/** Distinct `user.name`s stored (each line has its own), read in time windows small enough for the search limit. */
async function distinctUsers(s: Serve): Promise<number> {
  const users = new Set<string>();
  for (let from = 0; from < N; from += 2500) {
    const r = await search(s, BASE + from * 1000, BASE + (from + 2500) * 1000);
    assert.ok(r.total <= 10_000, `window at second ${from} holds ${r.total} events`);
    for (const e of r.events) users.add(String((e['user'] as { name?: string } | undefined)?.name));
  }
  return users.size;
}

/**
 * The log file grows while the rounds run: 5,000 lines at first, then 50 more every 50 ms (1,000 a second: 34 s to
 * its cap, longer than two rounds take even on a loaded machine), never reaching N before `finish()` writes the rest
 * — so an interrupted `vigil serve` stops while lines are still to come. (At 5,000 lines a second the cap was reached
 * in 7 s, and a second round that had read the whole file before its first count waited for lines that never came.)
 */
function writeLog(dir: string): { config: string; data: string; finish: () => void } {
  const logs = join(dir, 'logs');
  mkdirSync(logs);
  const file = join(logs, 'auth.log');
  let written = 0;
  const append = (upTo: number): void => {
    const chunks: string[] = [];
    for (; written < upTo; written++) chunks.push(line(written));
    appendFileSync(file, chunks.join(''));
  };
  append(5000);
  const grow = setInterval(() => {
    try {
      append(Math.min(written + 50, N - 1000));
    } catch {
      clearInterval(grow); // the test ended early and removed its folder
    }
  }, 50);
  grow.unref();
  const config = join(dir, 'vigil.yml');
  writeFileSync(config, `syslog:\n  port: 0\nfiles:\n  - path: ${logs}/*.log\n`);
  return {
    config,
    data: join(dir, 'data'),
    finish: () => {
      clearInterval(grow);
      append(N);
    },
  };
}

/** a restarted server may store nothing more: it can have read all the lines written so far before the first count */
const PROGRESS_WAIT_MS = 10_000;

/** Starts `vigil serve`, waits (at most PROGRESS_WAIT_MS) until it has stored something more, then stops it with `signal` after `delayMs`. */
async function interrupt(data: string, config: string, signal: NodeJS.Signals, delayMs: number): Promise<number> {
  const s = await serve(data, config);
  const floor = await storedEvents(s);
  let c = floor;
  // bounded by time, not by a number of rounds: each round is also a count search (about 0.1 s with nothing to read)
  const deadline = Date.now() + PROGRESS_WAIT_MS;
  while (c === floor && Date.now() < deadline) {
    await sleep(5);
    c = await storedEvents(s);
  }
  await sleep(delayMs);
  if (signal === 'SIGKILL') {
    s.child.kill(signal);
    await s.exited;
  } else {
    const stopped = await stopServe(s, STOP_LIMIT_MS, signal);
    assert.equal(stopped.code, 0, s.stderr());
  }
  return c;
}

test('stopped (SIGTERM) twice in the middle of a file: after restarts every line is stored exactly once', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-e2e-file-'));
  try {
    const { config, data, finish } = writeLog(dir);
    const stoppedAt: number[] = [];
    for (let round = 0; round < 2; round++) stoppedAt.push(await interrupt(data, config, 'SIGTERM', 0));
    finish();
    assert.ok(stoppedAt.every((c) => c > 0 && c < N), `stopped at ${stoppedAt.join(', ')} of ${N}: not in the middle of the file`);
    const s = await serve(data, config);
    assert.equal(await settle(s, N, 60_000), N, `stopped at ${stoppedAt.join(', ')}`);
    assert.equal(await distinctUsers(s), N, 'every line once');
    await stopServe(s, STOP_LIMIT_MS);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('killed (SIGKILL) twice in the middle of a file: after restarts every line is stored exactly once', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-e2e-file-'));
  try {
    const { config, data, finish } = writeLog(dir);
    const killedAt: number[] = [];
    for (let round = 0; round < 2; round++) killedAt.push(await interrupt(data, config, 'SIGKILL', Math.floor(Math.random() * 200)));
    finish();
    assert.ok(killedAt.every((c) => c > 0 && c < N), `killed at ${killedAt.join(', ')} of ${N}: not in the middle of the file`);
    const s = await serve(data, config);
    const total = await settle(s, N, 60_000);
    assert.equal(await distinctUsers(s), N, `no line lost (killed at ${killedAt.join(', ')})`);
    // The read positions commit in the same store transaction as the lines they cover: a kill between the commit and
    // the source hearing of it repeats nothing.
    t.diagnostic(`killed at ${killedAt.join(', ')}; ${total} events stored for ${N} lines`);
    assert.equal(total, N, `${total - N} repeated events (killed at ${killedAt.join(', ')})`);
    await stopServe(s, STOP_LIMIT_MS);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a file that may not be read is reported once on stderr; the others are read; it is read once allowed', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-e2e-file-'));
  try {
    const logs = join(dir, 'logs');
    const data = join(dir, 'data');
    mkdirSync(logs);
    mkdirSync(data);
    const denied = join(logs, 'secret.log');
    writeFileSync(join(logs, 'open.log'), Array.from({ length: 100 }, (_, i) => line(i)).join(''));
    writeFileSync(denied, Array.from({ length: 50 }, (_, i) => line(100 + i)).join(''));
    chmodSync(denied, 0o000);
    const config = join(dir, 'vigil.yml');
    // small store batches (each one a synchronous commit) so that reading the file takes long enough to stop in its middle
  writeFileSync(config, `syslog:\n  port: 0\npipeline:\n  batch_events: 100\nfiles:\n  - path: ${logs}/*.log\n`);
    // root may read anything: the server then runs as nobody
    const root = process.getuid?.() === 0;
    if (root) for (const p of [dir, logs, data, config, join(logs, 'open.log')]) chownSync(p, 65534, 65534);
    const s = await serve(data, config, root ? 65534 : undefined);
    assert.equal(await settle(s, 100, 20_000), 100);
    const lines = s.stderr().split('\n').filter((l) => l.includes(`cannot read ${denied}`));
    assert.equal(lines.length, 1, s.stderr());
    assert.match(lines[0] ?? '', /EACCES|permission denied/i);
    const metrics = await (await fetch(`${s.base}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).text();
    assert.match(metrics, /vigil_component_errors_total\{component="file:[^"]+",kind="source",error_type="EACCES",stage="open"\} 1/);
    const health = (await (await fetch(`${s.base}/api/v1/health`)).json()) as { components: Record<string, Record<string, unknown>> };
    const src = health.components[`file:${logs}/*.log`];
    assert.equal(src?.['files_followed'], 1, JSON.stringify(health.components));
    assert.equal(src?.['lag_bytes'], 0);
    chmodSync(denied, 0o644);
    appendFileSync(join(logs, 'open.log'), line(150));
    assert.equal(await settle(s, 151, 20_000), 151);
    await stopServe(s, STOP_LIMIT_MS);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
