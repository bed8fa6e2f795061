import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test, type TestContext } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../test/support/net.js';
import { cleanEnv, killAll as killAllOf, startServe as startServeOn, type Server } from '../../test/support/serve.js';

/**
 * The `vigil` command as users and scripts meet it (design §6): real `node bin/vigil.js` processes on real temporary
 * data directories, and for `search --json` a real `vigil serve` on 127.0.0.1 to compare against.
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const VIGIL = join(ROOT, 'bin', 'vigil.js');
const AUTH_LOG = join(ROOT, 'examples', 'auth.log');
const AUTH_LINES = readFileSync(AUTH_LOG, 'utf8')
  .split('\n')
  .filter((l) => l.length > 0);
/** The tour's sample holds one SSH brute force (203.0.113.45): the shipped rule stores one alert beside the lines. */
const AUTH_ALERTS = 1;
const TOKEN = `cli-${randomBytes(16).toString('hex')}`;
const RUN_TIMEOUT_MS = 30_000;
const REQUEST_TIMEOUT_MS = 10_000;
/** Commander's hint after a usage error; the reason is the line before it. */
const USAGE_HINT = /^\(add --help for usage\)$/;

const children = new Set<ChildProcess>();
const temps: string[] = [];

function tempDir(prefix = 'vigil-cli-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
}

/** The caller's environment without any Vigil setting, plus `extra`. */
const env = cleanEnv;

interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  input?: string;
  timeoutMs?: number;
}

/** Runs a command to completion; a child that outlives `timeoutMs` is killed (and reported with signal SIGKILL). */
function run(cmd: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd: opts.cwd ?? ROOT,
      env: opts.env ?? env(),
      stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    children.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? RUN_TIMEOUT_MS);
    child.once('error', (err) => {
      clearTimeout(timer);
      children.delete(child);
      reject(err);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      children.delete(child);
      resolve({ code, signal, stdout, stderr });
    });
    if (opts.input !== undefined) {
      child.stdin?.on('error', () => undefined); // a child that exits without reading its input
      child.stdin?.end(opts.input);
    }
  });
}

function vigil(args: string[], opts: RunOptions = {}): Promise<RunResult> {
  return run(process.execPath, [VIGIL, ...args], opts);
}

/** Runs the tasks at most `width` at a time (a 2-core machine gains nothing from more), results in task order. */
async function pool<T>(tasks: (() => Promise<T>)[], width = 2): Promise<T[]> {
  const results: T[] = new Array<T>(tasks.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < tasks.length; i = next++) results[i] = await (tasks[i] as () => Promise<T>)();
  };
  await Promise.all(Array.from({ length: Math.min(width, tasks.length) }, worker));
  return results;
}

function show(r: RunResult): string {
  return `exit ${r.code} signal ${r.signal}\n--- stdout ---\n${r.stdout.slice(0, 2000)}\n--- stderr ---\n${r.stderr.slice(0, 2000)}`;
}

/** Exited by itself (not by the timeout) with a non-zero code and exactly one line of reason on stderr; returns it. */
function expectFailure(r: RunResult, code?: number): string {
  assert.equal(r.signal, null, `ended by the test's timeout\n${show(r)}`);
  assert.notEqual(r.code, 0, show(r));
  if (code !== undefined) assert.equal(r.code, code, show(r));
  const reasons = r.stderr.split('\n').filter((l) => l.trim().length > 0 && !USAGE_HINT.test(l));
  assert.equal(reasons.length, 1, `one line of reason on stderr\n${show(r)}`);
  assert.doesNotMatch(r.stderr, /^\s+at /m, `no stack trace\n${show(r)}`);
  return reasons[0] as string;
}

function expectSuccess(r: RunResult): void {
  assert.equal(r.signal, null, `ended by the test's timeout\n${show(r)}`);
  assert.equal(r.code, 0, show(r));
}

interface SearchBody {
  total: number;
  total_relation: string;
  took_ms?: unknown;
  events: Record<string, unknown>[];
}

function searchArgs(dataDir: string, q: string, p: { from?: string; to?: string; limit?: number } = {}): string[] {
  return [
    'search',
    '--data-dir',
    dataDir,
    '--json',
    ...(p.limit !== undefined ? ['--limit', String(p.limit)] : []),
    ...(p.from !== undefined ? ['--from', p.from] : []),
    ...(p.to !== undefined ? ['--to', p.to] : []),
    q,
  ];
}

/** `vigil search --json`, parsed; exactly one line of JSON on stdout. */
async function cliSearch(dataDir: string, q: string, p: { from?: string; to?: string; limit?: number } = {}): Promise<SearchBody> {
  const r = await vigil(searchArgs(dataDir, q, p));
  expectSuccess(r);
  assert.equal(r.stdout.split('\n').filter((l) => l.length > 0).length, 1, `one line of JSON\n${show(r)}`);
  return JSON.parse(r.stdout) as SearchBody;
}

/** SIGTERM, then the exit status; SIGKILL if it does not stop in time. */
async function stopServe(server: Server): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGTERM');
  const timeout = sleep(20_000, 'timeout' as const, { ref: false });
  const r = await Promise.race([server.exited, timeout]);
  if (r !== 'timeout') return r;
  server.child.kill('SIGKILL');
  throw new Error(`vigil serve did not stop within 20 s of SIGTERM: ${server.stderr()}`);
}

function killAll(): Promise<void> {
  return killAllOf(children);
}

// Independent tests (each on its own directories and port) run two at a time: most of their time is process start-up.
describe('vigil command line', { concurrency: 2 }, () => {
  /** A store holding exactly examples/auth.log, shared by the read-only tests (search errors, verify). */
  let fixture = '';

  before(async () => {
    fixture = join(tempDir(), 'data');
    expectSuccess(await vigil(['ingest', '--data-dir', fixture, AUTH_LOG]));
  });

  after(async () => {
    await killAll();
    for (const d of temps) rmSync(d, { recursive: true, force: true });
  });

  test('vigil --help and <command> --help exit 0 and print usage', async () => {
    const cases: [string[], RegExp[]][] = [
      [[], [/^Usage: vigil /, /\bserve\b/, /\bingest\b/, /\bsearch\b/, /\bverify\b/, /\bparse\b/, /\balerts\b/, /\brules\b/, /\btail\b/, /\bhunt\b/, /\bsimulate\b/]],
      [['serve'], [/^Usage: vigil serve /, /--config <file>/, /--data-dir <dir>/]],
      [['ingest'], [/^Usage: vigil ingest .*<files\.\.\.>/, /--data-dir <dir>/, /--format <name>/, /--json/]],
      [['search'], [/^Usage: vigil search .*<query>/, /--data-dir <dir>/, /--from <time>/, /--to <time>/, /--limit <n>/, /--json/]],
      [['verify'], [/^Usage: vigil verify /, /--data-dir <dir>/, /--json/]],
      [['parse'], [/^Usage: vigil parse .*\[files\.\.\.\]/, /--format <name>/]],
    ];
    const cwd = tempDir();
    const results = await pool(cases.map(([cmd]) => () => vigil([...cmd, '--help'], { cwd })));
    cases.forEach(([cmd, patterns], i) => {
      const r = results[i] as RunResult;
      expectSuccess(r);
      for (const p of patterns) assert.match(r.stdout, p, `vigil ${cmd.join(' ')} --help\n${show(r)}`);
      assert.equal(r.stderr, '', show(r));
    });
    assert.deepEqual(readdirSync(cwd), [], 'help creates nothing');
  });

  test('an unknown command or option, or a missing argument, exits non-zero with a one-line reason', async () => {
    const cwd = tempDir();
    const cases: [string[], RegExp][] = [
      [['frobnicate'], /unknown command 'frobnicate'/],
      [['ingest', '--frobnicate', AUTH_LOG], /unknown option '--frobnicate'/],
      [['search'], /missing required argument 'query'/],
    ];
    const results = await pool(cases.map(([args]) => () => vigil(args, { cwd })));
    cases.forEach(([args, reason], i) => {
      const r = results[i] as RunResult;
      assert.match(expectFailure(r), reason, `vigil ${args.join(' ')}`);
      assert.equal(r.stdout, '', show(r));
    });
    assert.deepEqual(readdirSync(cwd), [], 'nothing was stored in ./data');
  });

  test('every command of the contract is there, with --help', async () => {
    const cwd = tempDir();
    const commands = ['serve', 'ingest', 'search', 'alerts', 'rules', 'parse', 'tail', 'hunt', 'verify', 'simulate'];
    const results = await pool(commands.map((c) => () => vigil([c, '--help'], { cwd })));
    commands.forEach((c, i) => {
      const r = results[i] as RunResult;
      assert.equal(r.code, 0, show(r));
      assert.match(r.stdout, new RegExp(`^Usage: vigil ${c}`, 'm'), show(r));
      assert.doesNotMatch(r.stdout, /not yet available/, show(r));
    });
    assert.deepEqual(readdirSync(cwd), []);
  });

  test('vigil ingest --json examples/auth.log reports 25 stored, 1 parse failure, and stores exactly the file', async () => {
    const dataDir = join(tempDir(), 'data');
    const r = await vigil(['ingest', '--data-dir', dataDir, '--json', AUTH_LOG]);
    expectSuccess(r);
    assert.equal(r.stderr, '', show(r));
    const lines = r.stdout.split('\n').filter((l) => l.length > 0);
    assert.equal(lines.length, 1, show(r));
    const summary = JSON.parse(lines[0] as string) as Record<string, unknown>;
    const { files, stored, parse_failures, alerts } = summary;
    assert.deepEqual({ files, stored, parse_failures, alerts }, { files: 1, stored: 25, parse_failures: 1, alerts: AUTH_ALERTS });
    assert.equal(typeof summary['seconds'], 'number');

    const raised = await cliSearch(dataDir, 'event.kind:alert', { limit: 10 });
    assert.deepEqual(raised.events.map((e) => (e['rule'] as { name?: unknown }).name), ['SSH brute force from one address']);
    const all = await cliSearch(dataDir, 'not event.kind:alert', { limit: 1000 });
    assert.equal(all.total, AUTH_LINES.length);
    assert.deepEqual(all.events.map((e) => (e['event'] as { original?: unknown }).original).sort(), [...AUTH_LINES].sort());
    const failed = all.events.filter((e) => Array.isArray(e['tags']) && e['tags'].includes('_parse_failure'));
    assert.deepEqual(
      failed.map((e) => (e['event'] as { original?: unknown }).original),
      [AUTH_LINES[AUTH_LINES.length - 1]],
      'the line without a header is the one parse failure',
    );
  });

  test('vigil ingest - stores the lines read from standard input', async () => {
    const dataDir = join(tempDir(), 'data');
    const id = randomBytes(4).toString('hex');
    const lines = [
      `<38>1 2025-02-03T04:05:06.000Z stdin-${id} app 77 - - first line from stdin`,
      `2025-02-03T04:05:07Z stdin-${id} sshd[9]: Failed password for root from 192.0.2.9 port 2222 ssh2`,
      `plain line ${id} without any header`,
    ];
    const r = await vigil(['ingest', '--data-dir', dataDir, '--json', '-'], { input: `${lines[0]}\n\n${lines[1]}\r\n${lines[2]}\n` });
    expectSuccess(r);
    const { files, stored, parse_failures } = JSON.parse(r.stdout) as Record<string, unknown>;
    assert.deepEqual({ files, stored, parse_failures }, { files: 1, stored: 3, parse_failures: 1 });
    const all = await cliSearch(dataDir, '*');
    assert.equal(all.total, 3);
    assert.deepEqual(all.events.map((e) => (e['event'] as { original?: unknown }).original).sort(), [...lines].sort());
  });

  test('vigil ingest of a missing file exits 2 naming it, and stores nothing', async () => {
    const root = tempDir();
    const missing = join(root, `missing-${randomBytes(4).toString('hex')}.log`);
    const fresh = join(root, 'fresh');
    const [intoFresh, intoFixture] = await pool([
      () => vigil(['ingest', '--data-dir', fresh, AUTH_LOG, missing]),
      () => vigil(['ingest', '--data-dir', fixture, '--json', AUTH_LOG, missing]),
    ]);
    for (const r of [intoFresh, intoFixture] as RunResult[]) {
      assert.ok(expectFailure(r, 2).includes(missing), `the reason names ${missing}\n${show(r)}`);
      assert.equal(r.stdout, '', show(r));
    }
    assert.equal(existsSync(fresh), false, 'no data directory was created');
    const v = await vigil(['verify', '--data-dir', fixture, '--json']);
    expectSuccess(v);
    assert.equal((JSON.parse(v.stdout) as { events: number }).events, AUTH_LINES.length + AUTH_ALERTS, 'the existing store gained nothing');
  });

  test('vigil ingest draws no progress bar when stderr is not a terminal', async () => {
    const dataDir = join(tempDir(), 'data');
    const r = await vigil(['ingest', '--data-dir', dataDir, AUTH_LOG]);
    expectSuccess(r);
    assert.equal(r.stderr, '', `nothing on stderr\n${show(r)}`);
    assert.match(r.stdout, /^stored 25 events from 1 file\(s\) in [\d.]+ s; 1 kept raw as parse failures; 1 alerts\n$/);
  });

  test('vigil ingest draws a progress bar on a terminal (the control for the test above)', async (t: TestContext) => {
    if (!existsSync('/usr/bin/script')) {
      t.skip('script(1) is not installed: no pseudo-terminal to run under');
      return;
    }
    const dataDir = join(tempDir(), 'data');
    const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
    const cmd = [process.execPath, VIGIL, 'ingest', '--data-dir', dataDir, AUTH_LOG].map(quote).join(' ');
    const r = await run('/usr/bin/script', ['-qefc', cmd, '/dev/null'], { input: '' });
    expectSuccess(r);
    assert.match(r.stdout, /\r\[#{30}\] 100% 25 events, \d+\/s/, show(r));
    assert.match(r.stdout, /stored 25 events/);
  });

  test('vigil search --json prints what GET /api/v1/search returns; vigil ingest refuses while the server runs', async () => {
    const dataDir = join(tempDir(), 'data');
    expectSuccess(await vigil(['ingest', '--data-dir', dataDir, AUTH_LOG]));
    const server = await startServe(dataDir);
    try {
      const id = randomBytes(4).toString('hex');
      const base = Date.UTC(2025, 2, 1);
      const minute = (i: number): string => new Date(base + i * 60_000).toISOString();
      const events = Array.from({ length: 30 }, (_, i) => ({ '@timestamp': minute(i), message: `parity event ${i}`, parity: { run: id, n: i } }));
      const ingest = await fetch(`${server.base}/api/v1/ingest`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/x-ndjson' },
        body: `${events.map((e) => JSON.stringify(e)).join('\n')}\n`,
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      assert.equal(ingest.status, 200, await ingest.clone().text());
      assert.deepEqual(await ingest.json(), { accepted: 30, failed: 0 });

      const cases: { q: string; from?: string; to?: string; limit?: number; total: number; n?: number[] }[] = [
        { q: `parity.run:${id}`, from: minute(5), to: minute(20), limit: 7, total: 15, n: [19, 18, 17, 16, 15, 14, 13] },
        { q: `parity.run:${id}`, from: String(base + 25 * 60_000), total: 5, n: [29, 28, 27, 26, 25] },
        { q: 'event.outcome:failure and source.ip:203.0.113.0/24', limit: 5, total: 12 },
        { q: '"Failed password" and not user.name:root', total: 16 },
          { q: '*', limit: 0, total: 55 + AUTH_ALERTS },
      ];
      const api = async (c: (typeof cases)[number]): Promise<SearchBody> => {
        const params = new URLSearchParams({ q: c.q });
        if (c.limit !== undefined) params.set('limit', String(c.limit));
        if (c.from !== undefined) params.set('from', c.from);
        if (c.to !== undefined) params.set('to', c.to);
        const res = await fetch(`${server.base}/api/v1/search?${params.toString()}`, {
          headers: { authorization: `Bearer ${TOKEN}` },
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        });
        assert.equal(res.status, 200, await res.clone().text());
        return (await res.json()) as SearchBody;
      };
      const fromCli = await pool(cases.map((c) => () => cliSearch(dataDir, c.q, c)));
      for (const [i, c] of cases.entries()) {
        const cli = fromCli[i] as SearchBody;
        const http = await api(c);
        assert.equal(typeof cli.took_ms, 'number');
        assert.equal(typeof http.took_ms, 'number');
        delete cli.took_ms;
        delete http.took_ms;
        assert.deepEqual(cli, http, `CLI and API differ for ${JSON.stringify(c)}`);
        assert.equal(cli.total, c.total, `total for ${c.q}`);
        assert.equal(cli.events.length, Math.min(c.total, c.limit ?? 100));
        if (c.n) assert.deepEqual(cli.events.map((e) => (e['parity'] as { n: number }).n), c.n, 'newest first, within the range');
      }

      const refused = await vigil(['ingest', '--data-dir', dataDir, AUTH_LOG]);
      const reason = expectFailure(refused);
      assert.match(reason, /in use/, show(refused));
      assert.ok(reason.includes(dataDir), `names the directory: ${reason}`);
      assert.equal((await api({ q: '*', limit: 0, total: 55 + AUTH_ALERTS })).total, 55 + AUTH_ALERTS, 'the refused ingest stored nothing');

      const stopped = await stopServe(server);
      assert.deepEqual(stopped, { code: 0, signal: null }, server.stderr());
    } finally {
      if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL');
    }
  });

  test('vigil search: a syntax error exits 1 with its position; no store is a clear non-zero exit', async () => {
    const empty = tempDir();
    const cases: [string[], number | undefined, RegExp][] = [
      [['search', '--data-dir', fixture, 'user.name:(root or'], 1, /expected .* at position 18$/],
      [['search', '--data-dir', fixture, '--json', 'user.name:(root or'], 1, /at position 18$/],
      [['search', '--data-dir', empty, '--json', 'user.name:root'], undefined, /no store in /],
    ];
    const results = await pool(cases.map(([args]) => () => vigil(args)));
    cases.forEach(([args, code, reason], i) => {
      const r = results[i] as RunResult;
      const line = expectFailure(r, code);
      assert.match(line, reason, show(r));
      assert.equal(r.stdout, '', show(r));
      if (args[2] !== fixture) assert.ok(line.includes(args[2] ?? '?'), `names the directory: ${line}`);
    });
    assert.deepEqual(readdirSync(empty), [], 'a search creates no store');
  });

  test('vigil parse prints one NDJSON event per non-empty line, in input order, and stores nothing', async () => {
    const cwd = tempDir();
    const stdinLines = ['2025-02-03T04:05:07Z h1 sshd[9]: Failed password for root from 192.0.2.9 port 2222 ssh2', 'second, unparsed', '<13>Feb  3 04:05:08 h2 app: third'];
    const [file, stdin] = await pool([
      () => vigil(['parse', AUTH_LOG], { cwd }),
      () => vigil(['parse'], { cwd, input: `${stdinLines[0]}\n\n${stdinLines[1]}\n${stdinLines[2]}` }),
    ]);
    for (const [r, lines] of [
      [file, AUTH_LINES],
      [stdin, stdinLines],
    ] as [RunResult, string[]][]) {
      expectSuccess(r);
      assert.equal(r.stderr, '', show(r));
      assert.ok(r.stdout.endsWith('\n'), 'every line is terminated');
      const out = r.stdout.slice(0, -1).split('\n');
      assert.equal(out.length, lines.length, show(r));
      out.forEach((l, i) => {
        const e = JSON.parse(l) as { event?: { original?: unknown; kind?: unknown; dataset?: unknown }; '@timestamp'?: unknown };
        assert.equal(e.event?.original, lines[i], `line ${i + 1} in input order`);
        assert.equal(e.event?.kind, 'event');
        assert.equal(typeof e.event?.dataset, 'string');
        assert.equal(typeof e['@timestamp'], 'string');
      });
    }
    const parsedFile = file?.stdout.split('\n').filter((l) => l) ?? [];
    const first = JSON.parse(parsedFile[0] ?? '{}') as { source?: { ip?: string }; user?: { name?: string } };
    assert.deepEqual([first.source?.ip, first.user?.name], ['203.0.113.45', 'root'], 'the first auth.log line is parsed, not just echoed');
    assert.match(parsedFile[parsedFile.length - 1] ?? '', /"_parse_failure"/);
    assert.deepEqual(readdirSync(cwd), [], 'no data directory was created in the working directory');
  });

  test('vigil parse into a reader that stops early ends without a stack trace', async () => {
    const dir = tempDir();
    const big = join(dir, 'big.log');
    writeFileSync(big, `${Array.from({ length: 200 }, () => AUTH_LINES.join('\n')).join('\n')}\n`);
    const child = spawn(process.execPath, [VIGIL, 'parse', big], { cwd: dir, env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
      child.once('close', (code, signal) => {
        children.delete(child);
        resolve({ code, signal });
      });
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), RUN_TIMEOUT_MS);
    try {
      // like `vigil parse … | head -1`: read the first line, then close the pipe
      const first = await new Promise<string>((resolve, reject) => {
        let buf = '';
        child.stdout.setEncoding('utf8');
        child.stdout.on('data', (d: string) => {
          buf += d;
          if (buf.includes('\n')) resolve(buf.slice(0, buf.indexOf('\n')));
        });
        child.stdout.once('end', () => reject(new Error(`no output: ${stderr}`)));
      });
      child.stdout.destroy();
      assert.equal((JSON.parse(first) as { event: { original: string } }).event.original, AUTH_LINES[0]);
      const end = await closed;
      assert.equal(end.signal, null, `ended by the test's timeout: ${stderr}`);
      assert.doesNotMatch(stderr, /^\s+at |Unhandled|EPIPE/m, `no stack trace or raw error: ${stderr}`);
      assert.ok(stderr.split('\n').filter((l) => l.trim()).length <= 1, stderr);
    } finally {
      clearTimeout(timer);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  });

  test('vigil verify --json on a clean store exits 0 with ok: true and the counts', async () => {
    const [json, text] = await pool([() => vigil(['verify', '--data-dir', fixture, '--json']), () => vigil(['verify', '--data-dir', fixture])]);
    expectSuccess(json as RunResult);
    const v = JSON.parse(json?.stdout ?? '') as { ok: unknown; batches: number; events: number; partitions: number };
    assert.equal(v.ok, true);
    assert.equal(v.events, AUTH_LINES.length + AUTH_ALERTS);
    assert.ok(Number.isInteger(v.batches) && v.batches >= 1, `batches: ${v.batches}`);
    assert.ok(Number.isInteger(v.partitions) && v.partitions >= 1, `partitions: ${v.partitions}`);
    expectSuccess(text as RunResult);
    assert.equal(text?.stdout, `ok: ${v.batches} batches, ${v.events} events in ${v.partitions} partitions verified\n`);
  });

  test('vigil serve refuses a config with an unknown key or a bad value, naming its path', async () => {
    const root = tempDir();
    const cases: [string, string][] = [
      ['http:\n  prot: 1\n', 'http.prot'],
      ['http:\n  port: eighty\n', 'http.port'],
    ];
    const ports = await Promise.all(cases.map(() => freePort()));
    const results = await pool(
      cases.map(([yaml], i) => () => {
        const file = join(root, `c${i}.yml`);
        writeFileSync(file, yaml);
        return vigil(['serve', '--config', file, '--data-dir', join(root, `data${i}`)], {
          cwd: root,
          env: env({ VIGIL_HTTP_PORT: String(ports[i]), VIGIL_ADMIN_TOKEN: TOKEN }),
          timeoutMs: 20_000,
        });
      }),
    );
    cases.forEach(([, path], i) => {
      const r = results[i] as RunResult;
      const reason = expectFailure(r);
      assert.ok(reason.includes(`${path}:`), `names ${path}: ${reason}`);
      assert.ok(reason.includes(join(root, `c${i}.yml`)), `names the file: ${reason}`);
      assert.equal(existsSync(join(root, `data${i}`)), false, 'nothing was started');
    });
  });
});

/** `vigil serve` on `dataDir`, once /api/v1/health answers ok. */
function startServe(dataDir: string): Promise<Server> {
  return startServeOn({ dataDir, token: TOKEN, cwd: tempDir('vigil-cli-cwd-'), children });
}
