import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { cleanEnv, VIGIL } from '../../../test/support/serve.js';
import { freePort } from '../../../test/support/net.js';

/** For end-to-end tests: a real `vigil serve` with a syslog config, and what the tests ask of it over HTTP. */
export interface SyslogServe {
  dir: string;
  base: string;
  stderr(): string;
  /** the bound port of `syslog_udp`, `syslog_tcp` or `syslog_tls` (from /api/v1/health) */
  port(id: string): Promise<number>;
  health(): Promise<{ components: Record<string, Record<string, unknown>> }>;
  /** events stored, exact (from /api/v1/health) */
  stored(): Promise<number>;
  /** waits (bounded) until `stored()` reaches n */
  waitStored(n: number, timeoutMs?: number): Promise<number>;
  search(q: string, limit?: number): Promise<{ total: number; events: Record<string, unknown>[] }>;
  metrics(): Promise<string>;
  stop(): Promise<void>;
}

const TOKEN = 'syslog-e2e-token-0123456789abcdef';

/** Starts `vigil serve --config` with `yaml` (its data dir in a temp folder); resolves once health answers ok. */
export async function startSyslogServe(yaml: string, children: Set<ChildProcess>): Promise<SyslogServe> {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-syslog-e2e-'));
  writeFileSync(join(dir, 'vigil.yml'), yaml);
  const httpPort = await freePort();
  const child = spawn(process.execPath, [VIGIL, 'serve', '--config', join(dir, 'vigil.yml'), '--data-dir', join(dir, 'data')], {
    cwd: dir,
    env: cleanEnv({ VIGIL_HTTP_PORT: String(httpPort), VIGIL_ADMIN_TOKEN: TOKEN }),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  children.add(child);
  let err = '';
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (err = (err + d).slice(-65536)));
  let gone = false;
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      gone = true;
      children.delete(child);
      resolve();
    }),
  );
  const base = `http://127.0.0.1:${httpPort}`;
  const auth = { authorization: `Bearer ${TOKEN}` };
  const getJson = async <T>(path: string): Promise<T> => {
    const res = await fetch(`${base}${path}`, { headers: auth, signal: AbortSignal.timeout(10_000) });
    if (res.status !== 200) throw new Error(`${path}: HTTP ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
  const s: SyslogServe = {
    dir,
    base,
    stderr: () => err,
    health: () => getJson('/api/v1/health'),
    async port(id) {
      // sources start after the HTTP server answers: wait (bounded) for the listener
      const deadline = Date.now() + 15_000;
      for (;;) {
        const l = (await s.health()).components[id]?.['listening'];
        const port = Number(String(l).split(':').pop());
        if (Number.isInteger(port) && port > 0) return port;
        if (Date.now() > deadline) throw new Error(`no ${id} listener: ${String(l)}`);
        await sleep(50);
      }
    },
    stored: async () => Number((await s.health()).components['store']?.['events']),
    async waitStored(n, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      let c = await s.stored();
      while (c < n && Date.now() < deadline) {
        await sleep(50);
        c = await s.stored();
      }
      return c;
    },
    search: (q, limit = 100) => getJson(`/api/v1/search?q=${encodeURIComponent(q)}&limit=${limit}`),
    async metrics() {
      const res = await fetch(`${base}/metrics`, { headers: auth, signal: AbortSignal.timeout(10_000) });
      return res.text();
    },
    async stop() {
      if (!gone) {
        child.kill('SIGTERM');
        await Promise.race([exited, sleep(15_000)]);
        if (!gone) child.kill('SIGKILL');
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  const deadline = Date.now() + 30_000;
  for (let i = 0; i < 600 && Date.now() < deadline; i++) {
    if (gone) throw new Error(`vigil serve exited during start-up: ${err}`);
    try {
      const res = await fetch(`${base}/api/v1/health`, { signal: AbortSignal.timeout(2000) });
      // 'starting' until every source listens
      if (res.status === 200 && ((await res.json()) as { status?: string }).status === 'ok') return s;
    } catch {
      // not listening yet
    }
    await sleep(50);
  }
  child.kill('SIGKILL');
  throw new Error(`vigil serve did not start: ${err}`);
}
