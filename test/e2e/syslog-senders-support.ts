import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { cleanEnv, VIGIL } from '../support/serve.js';

/**
 * What the syslog sender tests and the syslog benchmark share: where scripts/test-deps.sh put the senders, a real
 * `vigil serve` started with a config file (ports chosen by the server), bounded child processes, and loggen.
 */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DEPS = join(ROOT, 'node_modules/.cache/vigil-test-deps');
/** syslog-ng-core unpacked (not installed: it conflicts with rsyslog) */
export const SNG = join(DEPS, 'syslog-ng');
export const LOGGEN = join(SNG, 'usr/bin/loggen');

export type Dep = 'rsyslog' | 'rsyslog-gnutls' | 'logger' | 'openssl' | 'syslog-ng';

function present(dep: Dep): boolean {
  switch (dep) {
    case 'rsyslog':
      return existsSync('/usr/sbin/rsyslogd');
    case 'rsyslog-gnutls':
      return ['/usr/lib/x86_64-linux-gnu/rsyslog/lmnsd_gtls.so', '/usr/lib/aarch64-linux-gnu/rsyslog/lmnsd_gtls.so', '/usr/lib/rsyslog/lmnsd_gtls.so'].some((p) => existsSync(p));
    case 'logger':
      return existsSync('/usr/bin/logger');
    case 'openssl':
      return existsSync('/usr/bin/openssl');
    case 'syslog-ng':
      return existsSync(join(SNG, '.complete')) && existsSync(LOGGEN);
  }
}

/**
 * Whether a test can run: `skip` (with the reason scripts/test-deps.sh recorded) only when the script tried and could
 * not install a sender; `error` when a sender is missing although the script recorded no failure (the test must fail,
 * not pass silently).
 */
export function depsGate(deps: Dep[]): { skip?: string; error?: string } {
  const missing = deps.filter((d) => !present(d));
  if (missing.length === 0) return {};
  let recorded: string[] = [];
  try {
    recorded = readFileSync(join(DEPS, 'status'), 'utf8').split('\n').filter((l) => l.trim() !== '');
  } catch {
    // the script has not run
  }
  const reasons = missing.map((d) => recorded.find((l) => l.startsWith(`${d}:`)));
  if (reasons.every((r) => r !== undefined)) return { skip: `scripts/test-deps.sh could not install the sender: ${reasons.join('; ')}` };
  return { error: `${missing.join(', ')} missing and scripts/test-deps.sh recorded no failure: run \`bash scripts/test-deps.sh\` (as root or with sudo)` };
}

/** The environment loggen and syslog-ng need to run from the unpacked package. */
export function sngEnv(): NodeJS.ProcessEnv {
  const libs = [join(SNG, 'usr/lib/syslog-ng'), join(SNG, 'usr/lib/x86_64-linux-gnu'), join(SNG, 'lib/x86_64-linux-gnu'), join(SNG, 'usr/lib/aarch64-linux-gnu'), join(SNG, 'lib/aarch64-linux-gnu')];
  return { ...process.env, LD_LIBRARY_PATH: libs.join(':'), SYSLOGNG_PREFIX: join(SNG, 'usr') };
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  pid: number | undefined;
}

/** Runs a command to its end, killed (SIGKILL) after `timeoutMs`; output kept up to 1 MiB each. */
export function run(cmd: string, args: string[], opts: { timeoutMs: number; env?: NodeJS.ProcessEnv; children?: Set<ChildProcess> }): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    opts.children?.add(child);
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout = (stdout + d).slice(-(1 << 20))));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-(1 << 20))));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, opts.timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      opts.children?.delete(child);
      reject(err);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      opts.children?.delete(child);
      resolve({ code, signal, stdout, stderr, timedOut, pid: child.pid });
    });
  });
}

/**
 * loggen's own count of the messages it sent: its summary line (stderr) is "average rate = 9846.79 msg/sec,
 * count=10000, time=1.01, ..." when it ran, "Total runtime = 0.5, count = 0" when it could not connect.
 */
export function loggenSent(r: RunResult): number {
  const all = [...r.stderr.matchAll(/^(?:average rate = [\d.]+ msg\/sec, count=|Total runtime = [\d.]+, count = )(\d+)/gm)];
  const last = all.at(-1);
  if (!last) throw new Error(`loggen printed no total (exit ${String(r.code)}): ${r.stderr.slice(-2000)}`);
  return Number(last[1]);
}

/** A UDP port on 127.0.0.1 that was free a moment ago. */
export async function freeUdpPort(): Promise<number> {
  const s = createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    s.once('error', reject);
    s.bind(0, '127.0.0.1', () => resolve());
  });
  const port = s.address().port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

export interface Vigil {
  child: ChildProcess;
  base: string;
  stderr(): string;
  health(): Promise<Health>;
  /** the bound port of a syslog listener (`syslog_tcp`, `syslog_tls`, `syslog_udp`) */
  port(id: string): Promise<number>;
  search(q: string, limit?: number): Promise<{ total: number; events: Record<string, unknown>[] }>;
  /** events in the store (exact, from /api/v1/health) */
  stored(): Promise<number>;
  /** waits (bounded) until the store holds `n` events and that number stays put for `quietMs`, or until it has not
   * changed for 10 s; returns the last count */
  settle(n: number, timeoutMs: number, quietMs?: number, pollMs?: number): Promise<number>;
  /** SIGTERM, then SIGKILL after 20 s; resolves with the exit */
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface Health {
  status: string;
  components: Record<string, Record<string, unknown> | undefined>;
}

const START_TIMEOUT_MS = 30_000;
const STALL_MS = 10_000;

/**
 * A real `vigil serve` with `config` (written as `dir/vigil.yml`; JSON is YAML) on `dir/data`. The HTTP port is chosen
 * by the server (port 0) and read from its start-up line.
 */
export async function startVigil(dir: string, config: Record<string, unknown>, token: string, children: Set<ChildProcess>, nodeArgs: string[] = []): Promise<Vigil> {
  const file = join(dir, 'vigil.yml');
  writeFileSync(file, JSON.stringify({ ...config, http: { port: 0, ...((config['http'] as object | undefined) ?? {}) } }, null, 2));
  const child = spawn(process.execPath, [...nodeArgs, VIGIL, 'serve', '--data-dir', join(dir, 'data'), '--config', file], {
    cwd: dir,
    env: cleanEnv({ VIGIL_ADMIN_TOKEN: token }),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  children.add(child);
  let err = '';
  let base = '';
  child.stderr?.setEncoding('utf8').on('data', (d: string) => {
    err = (err + d).slice(-65536);
    base ||= /listening on (http:\/\/\S+)/.exec(err)?.[1] ?? '';
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      children.delete(child);
      resolve({ code, signal });
    });
  });
  let gone = false;
  void exited.then(() => (gone = true));
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (base === '') {
    if (gone) throw new Error(`vigil serve exited during start-up: ${err}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`vigil serve did not start within ${START_TIMEOUT_MS} ms: ${err}`);
    }
    await sleep(50);
  }
  const auth = { authorization: `Bearer ${token}` };
  const health = async (): Promise<Health> => {
    const res = await fetch(`${base}/api/v1/health`, { signal: AbortSignal.timeout(10_000) });
    return (await res.json()) as Health;
  };
  const stored = async (): Promise<number> => Number((await health()).components['store']?.['events']);
  const v: Vigil = {
    child,
    base,
    stderr: () => err,
    health,
    async port(id) {
      // sources start after the HTTP server answers: wait (bounded) for the listener
      const deadline = Date.now() + 15_000;
      for (;;) {
        const l = (await health()).components[id]?.['listening'];
        const listening = typeof l === 'string' ? l : '';
        const port = Number(listening.split(':').pop());
        if (Number.isInteger(port) && port > 0) return port;
        if (Date.now() > deadline) throw new Error(`no ${id} listener in /api/v1/health (${listening}): ${err}`);
        await sleep(50);
      }
    },
    async search(q, limit = 1000) {
      const url = `${base}/api/v1/search?q=${encodeURIComponent(q)}&limit=${limit}`;
      const res = await fetch(url, { headers: auth, signal: AbortSignal.timeout(20_000) });
      const body = (await res.json()) as { total: number; events: Record<string, unknown>[] };
      if (res.status !== 200) throw new Error(`search ${q}: ${res.status} ${JSON.stringify(body)}`);
      return body;
    },
    stored,
    async settle(n, timeoutMs, quietMs = 1000, pollMs = 100) {
      const end = Date.now() + timeoutMs;
      let last = await stored();
      let since = Date.now();
      while (Date.now() < end) {
        await sleep(pollMs);
        let now: number;
        try {
          now = await stored();
        } catch {
          // a slow answer on a busy machine: ask again
          continue;
        }
        if (now !== last) {
          last = now;
          since = Date.now();
        } else if (now >= n && Date.now() - since >= quietMs) break;
        // no progress for this long: nothing more is coming
        else if (Date.now() - since >= STALL_MS) break;
      }
      return last;
    },
    async stop() {
      if (!gone) child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 20_000);
      const r = await exited;
      clearTimeout(t);
      return r;
    },
  };
  return v;
}
