import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from './net.js';

/** The checkout's `vigil` command, run by absolute path as an installed one would be. */
export const VIGIL = fileURLToPath(new URL('../../bin/vigil.js', import.meta.url));
const START_TIMEOUT_MS = 30_000;

/** The environment without the caller's VIGIL_* settings, plus `extra`. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = { ...process.env };
  for (const k of Object.keys(e)) if (k.startsWith('VIGIL_')) delete e[k];
  return { ...e, ...extra };
}

export interface VigilRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * `vigil ARGS` to completion (stdout and stderr collected), killed with SIGKILL if it outlives `timeoutMs`; in
 * `children` while it runs. Rejects only when it cannot be started.
 */
export function runVigil(args: string[], opts: { children: Set<ChildProcess>; timeoutMs: number; env?: Record<string, string>; cwd?: string }): Promise<VigilRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [VIGIL, ...args], { ...(opts.cwd !== undefined ? { cwd: opts.cwd } : {}), env: cleanEnv(opts.env), stdio: ['ignore', 'pipe', 'pipe'] });
    opts.children.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      opts.children.delete(child);
      reject(err);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      opts.children.delete(child);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

export interface Server {
  child: ChildProcess;
  base: string;
  stderr(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * A real `vigil serve` on `dataDir`, returned once /api/v1/health answers ok. The child is added to `children`
 * (and removed when it exits) so that a test file can kill whatever is left in its `after` hook.
 */
export async function startServe(opts: { dataDir: string; token: string; cwd: string; children: Set<ChildProcess> }): Promise<Server> {
  const port = await freePort();
  const child = spawn(process.execPath, [VIGIL, 'serve', '--data-dir', opts.dataDir], {
    cwd: opts.cwd,
    env: cleanEnv({ VIGIL_HTTP_PORT: String(port), VIGIL_SYSLOG_PORT: '0', VIGIL_NETFLOW_PORT: '0', VIGIL_ADMIN_TOKEN: opts.token }),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  opts.children.add(child);
  let err = '';
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (err = (err + d).slice(-65536)));
  let gone = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      gone = true;
      opts.children.delete(child);
      resolve({ code, signal });
    });
  });
  const server: Server = { child, base: `http://127.0.0.1:${port}`, stderr: () => err, exited };
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (let attempt = 0; attempt < 600 && Date.now() < deadline; attempt++) {
    if (gone) throw new Error(`vigil serve exited during start-up: ${err}`);
    try {
      const res = await fetch(`${server.base}/api/v1/health`, { signal: AbortSignal.timeout(2000) });
      if (res.status === 200 && ((await res.json()) as { status?: string }).status === 'ok') return server;
    } catch {
      // not listening yet
    }
    await sleep(50);
  }
  child.kill('SIGKILL');
  throw new Error(`vigil serve did not answer /api/v1/health within ${START_TIMEOUT_MS} ms: ${err}`);
}

/**
 * Sends `signal` and waits for the exit; after `limitMs` the child is SIGKILLed and this fails with its stderr (where a
 * slow stop names the step it waits for). Returns the exit and how long the stop took.
 */
export async function stopServe(server: Pick<Server, 'child' | 'stderr' | 'exited'>, limitMs: number, signal: NodeJS.Signals = 'SIGTERM'): Promise<{ code: number | null; ms: number }> {
  const t0 = Date.now();
  server.child.kill(signal);
  const r = await Promise.race([server.exited, sleep(limitMs, 'timeout' as const, { ref: false })]);
  if (r === 'timeout') {
    server.child.kill('SIGKILL');
    await server.exited;
    throw new Error(`vigil serve did not stop within ${limitMs} ms of ${signal}:\n${server.stderr().slice(-8000)}`);
  }
  return { code: r.code, ms: Date.now() - t0 };
}

/** SIGKILLs every child still running and waits (at most 10 s) for them to go. */
export async function killAll(children: Set<ChildProcess>): Promise<void> {
  const waits: Promise<unknown>[] = [];
  for (const c of children) {
    if (c.exitCode === null && c.signalCode === null) {
      waits.push(new Promise((resolve) => c.once('exit', resolve)));
      c.kill('SIGKILL');
    }
  }
  await Promise.race([Promise.all(waits), sleep(10_000, undefined, { ref: false })]);
}
