import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { test, type TestContext } from 'node:test';
import { freePort } from '../support/net.js';
import { killAll as killAllOf } from '../support/serve.js';

/**
 * Crash safety of the real server: `vigil serve` takes NDJSON over HTTP while it is killed (SIGKILL, or SIGTERM for
 * a clean stop); after a restart on the same data directory every batch it acknowledged with 200 must be there,
 * exactly once, and `vigil verify` must pass.
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TOKEN = `e2e-${randomBytes(16).toString('hex')}`;
const PER_BATCH = 200;
const CLIENTS = 4;
const MAX_BATCHES = 5000;
const START_TIMEOUT_MS = 30_000;
const REQUEST_TIMEOUT_MS = 20_000;

interface Server {
  child: ChildProcess;
  port: number;
  base: string;
  /** the last 64 KiB the server wrote to stderr */
  stderr(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const children = new Set<ChildProcess>();

function cliEnv(port?: number): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, VIGIL_ADMIN_TOKEN: TOKEN };
  delete env['VIGIL_DATA_DIR'];
  if (port !== undefined) env['VIGIL_HTTP_PORT'] = String(port);
  env['VIGIL_SYSLOG_PORT'] = '0';
  env['VIGIL_NETFLOW_PORT'] = '0';
  return env;
}

async function startServer(dataDir: string, config: string): Promise<Server> {
  const port = await freePort();
  // Started from outside the checkout, as an installed command would be: its worker threads must still load.
  const child = spawn(process.execPath, [join(ROOT, 'bin/vigil.js'), 'serve', '--data-dir', dataDir, '--config', config], {
    cwd: tmpdir(),
    env: cliEnv(port),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  children.add(child);
  let err = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (d: string) => {
    err = (err + d).slice(-65536);
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      children.delete(child);
      resolve({ code, signal });
    });
  });
  const server: Server = { child, port, base: `http://127.0.0.1:${port}`, stderr: () => err, exited };
  const deadline = Date.now() + START_TIMEOUT_MS;
  let gone = false;
  void exited.then(() => (gone = true));
  for (let attempt = 0; attempt < 600 && Date.now() < deadline; attempt++) {
    if (gone) throw new Error(`vigil serve exited during start-up: ${err}`);
    try {
      const res = await fetch(`${server.base}/api/v1/health`, { signal: AbortSignal.timeout(2000) });
      if (res.status === 200) {
        const body = (await res.json()) as { status?: string };
        if (body.status === 'ok') return server;
      }
    } catch {
      // not listening yet
    }
    await sleep(50);
  }
  child.kill('SIGKILL');
  throw new Error(`vigil serve did not answer /api/v1/health within ${START_TIMEOUT_MS} ms: ${err}`);
}

async function waitExit(server: Server, ms: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      server.exited,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`vigil serve did not exit within ${ms} ms: ${server.stderr()}`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

function killAll(): Promise<void> {
  return killAllOf(children);
}

function ndjson(batch: number): string {
  const lines: string[] = [];
  for (let i = 0; i < PER_BATCH; i++) {
    const n = batch * PER_BATCH + i;
    // one host name per batch: a key column, so that each batch is found without scanning every document
    lines.push(JSON.stringify({ n, message: `crash test ${n}`, host: { name: `e2e-b${batch}` } }));
  }
  return `${lines.join('\n')}\n`;
}

interface Load {
  acknowledged: number[];
  /** answers that were 200 but not the expected body */
  unexpected: string[];
  /** requests sent and not yet answered */
  inflight: number;
  sent: number;
  stop: boolean;
  next: number;
}

/** CLIENTS concurrent senders, each posting one batch after another until told to stop or the server goes away. */
function startLoad(base: string, firstBatch: number, maxBatches: number): { load: Load; done: Promise<void> } {
  const load: Load = { acknowledged: [], unexpected: [], inflight: 0, sent: 0, stop: false, next: firstBatch };
  const end = firstBatch + maxBatches;
  const deadline = Date.now() + 60_000;
  const client = async (): Promise<void> => {
    while (!load.stop && load.next < end && Date.now() < deadline) {
      const b = load.next++;
      load.inflight++;
      load.sent++;
      try {
        const res = await fetch(`${base}/api/v1/ingest`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-ndjson', authorization: `Bearer ${TOKEN}` },
          body: ndjson(b),
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        });
        const body = await res.text();
        if (res.status !== 200) return;
        if (body === JSON.stringify({ accepted: PER_BATCH, failed: 0 })) load.acknowledged.push(b);
        else load.unexpected.push(body.slice(0, 200));
      } catch {
        return; // the server went away: this batch was not acknowledged
      } finally {
        load.inflight--;
      }
    }
  };
  const done = Promise.all(Array.from({ length: CLIENTS }, client)).then(() => undefined);
  return { load, done };
}

async function search(base: string, q: string): Promise<{ total: number; total_relation: string; events: { n?: unknown }[] }> {
  const url = `${base}/api/v1/search?q=${encodeURIComponent(q)}&limit=10000`;
  const res = await fetch(url, { headers: { authorization: `Bearer ${TOKEN}` }, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  const body = (await res.json()) as { total: number; total_relation: string; events: { n?: unknown }[] };
  assert.equal(res.status, 200, JSON.stringify(body));
  return body;
}

/** Every acknowledged batch is stored exactly once, with every one of its events. */
async function expectAllStored(base: string, batches: readonly number[]): Promise<void> {
  const queue = [...batches];
  const worker = async (): Promise<void> => {
    for (let b = queue.shift(); b !== undefined; b = queue.shift()) {
      const r = await search(base, `host.name:"e2e-b${b}"`);
      assert.equal(r.total_relation, 'eq');
      assert.equal(r.total, PER_BATCH, `acknowledged batch ${b}: ${r.total} of ${PER_BATCH} events found`);
      const ns = r.events.map((e) => e.n as number).sort((x, y) => x - y);
      assert.deepEqual(ns, Array.from({ length: PER_BATCH }, (_, i) => b * PER_BATCH + i), `events of batch ${b}`);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
}

function verifyCli(dataDir: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['bin/vigil.js', 'verify', '--data-dir', dataDir], { cwd: ROOT, env: cliEnv(), encoding: 'utf8', timeout: 120_000 });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function setup(): { dataDir: string; config: string; cleanup: () => void } {
  const root = mkdtempSync(join(tmpdir(), 'vigil-e2e-crash-'));
  const config = join(root, 'vigil.yml');
  // Small partitions, so that rotations and seals run during the load and the kill can land in the middle of one.
  writeFileSync(config, 'store:\n  seal_events: 10000\n');
  return { dataDir: join(root, 'data'), config, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

test('kill -9 during ingestion loses no acknowledged event, and the chain verifies', { timeout: 240_000 }, async (t: TestContext) => {
  const { dataDir, config, cleanup } = setup();
  try {
    let server = await startServer(dataDir, config);
    const { load, done } = startLoad(server.base, 0, MAX_BATCHES);
    // ~1.5 s of load, then kill while requests are in flight
    for (let i = 0; i < 300 && (i < 30 || load.inflight === 0); i++) await sleep(50);
    const inflightAtKill = load.inflight;
    const acknowledgedAtKill = load.acknowledged.length;
    server.child.kill('SIGKILL');
    const killed = await waitExit(server, 10_000);
    load.stop = true;
    await Promise.race([done, sleep(REQUEST_TIMEOUT_MS + 5_000, undefined, { ref: false })]);
    assert.equal(killed.signal, 'SIGKILL');
    assert.ok(inflightAtKill > 0, 'requests were in flight when the server was killed');
    assert.ok(acknowledgedAtKill >= 20, `only ${acknowledgedAtKill} batches were acknowledged before the kill`);
    assert.deepEqual(load.unexpected, []);
    const acknowledged = [...load.acknowledged];
    t.diagnostic(`killed with ${inflightAtKill} requests in flight; ${acknowledged.length} of ${load.sent} batches acknowledged (${acknowledged.length * PER_BATCH} events)`);

    // The files as the crash left them verify, before any recovery by a restart.
    const early = verifyCli(dataDir);
    assert.equal(early.status, 0, `verify after the crash: ${early.stderr}`);

    server = await startServer(dataDir, config);
    await expectAllStored(server.base, acknowledged);
    // The restarted server goes on from where the chain stopped.
    const after = startLoad(server.base, MAX_BATCHES, 10);
    await after.done;
    assert.equal(after.load.acknowledged.length, 10, `after the restart: ${server.stderr()}`);
    await expectAllStored(server.base, after.load.acknowledged);

    server.child.kill('SIGTERM');
    const stopped = await waitExit(server, 60_000);
    assert.equal(stopped.code, 0, server.stderr());
    const v = verifyCli(dataDir);
    assert.equal(v.status, 0, v.stderr);
    const m = /^ok: (\d+) batches, (\d+) events in (\d+) partitions verified/.exec(v.stdout);
    assert.ok(m, v.stdout);
    assert.ok(Number(m[2]) >= (acknowledged.length + 10) * PER_BATCH, v.stdout);
    assert.ok(Number(m[2]) <= (load.sent + 10) * PER_BATCH, v.stdout);
  } finally {
    await killAll();
    cleanup();
  }
});

test('SIGTERM during ingestion exits 0 after storing everything it acknowledged', { timeout: 180_000 }, async (t: TestContext) => {
  const { dataDir, config, cleanup } = setup();
  try {
    let server = await startServer(dataDir, config);
    const { load, done } = startLoad(server.base, 0, MAX_BATCHES);
    for (let i = 0; i < 300 && (i < 20 || load.inflight === 0); i++) await sleep(50);
    const inflightAtStop = load.inflight;
    const acknowledgedAtStop = load.acknowledged.length;
    server.child.kill('SIGTERM');
    const stopped = await waitExit(server, 60_000);
    load.stop = true;
    await Promise.race([done, sleep(REQUEST_TIMEOUT_MS + 5_000, undefined, { ref: false })]);
    assert.equal(stopped.signal, null, server.stderr());
    assert.equal(stopped.code, 0, server.stderr());
    assert.match(server.stderr(), /SIGTERM: stopping/);
    assert.ok(inflightAtStop > 0, 'requests were in flight when SIGTERM was sent');
    assert.deepEqual(load.unexpected, []);
    const acknowledged = [...load.acknowledged];
    assert.ok(acknowledged.length >= 10, `only ${acknowledged.length} batches were acknowledged`);
    t.diagnostic(
      `SIGTERM with ${inflightAtStop} requests in flight; ${acknowledged.length} of ${load.sent} batches acknowledged, ` +
        `${acknowledged.length - acknowledgedAtStop} of them after the signal`,
    );

    server = await startServer(dataDir, config);
    await expectAllStored(server.base, acknowledged);
    server.child.kill('SIGTERM');
    assert.equal((await waitExit(server, 60_000)).code, 0, server.stderr());
    const v = verifyCli(dataDir);
    assert.equal(v.status, 0, v.stderr);
  } finally {
    await killAll();
    cleanup();
  }
});
