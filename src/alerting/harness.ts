import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConfigSchema, type Config } from '../core/config.js';
import { startServer, type Running } from '../server/serve.js';

/*
 * For the alerting integration tests: a real `vigil serve` in-process (store, pipeline, detection, alert queue, HTTP on
 * 127.0.0.1 port 0, syslog on an ephemeral port) and a small JSON client with a deadline on every wait.
 */

export interface Served {
  running: Running;
  token: string;
  api(path: string, init?: { method?: string; body?: unknown; user?: string; contentType?: string }): Promise<{ status: number; body: Record<string, unknown> }>;
  stop(): Promise<void>;
}

export type Json = Record<string, unknown>;

export function testConfig(dir: string, extra: Json = {}): Config {
  const c = ConfigSchema.parse({ data_dir: dir, http: { port: 0 }, syslog: { port: 0 }, ...(ConfigSchema.shape.netflow ? { netflow: { port: 0 } } : {}), store: { sync: 'normal' }, ...extra });
  return c;
}

export async function serve(config: Config, token: string): Promise<Served> {
  const running = await startServer(config, { VIGIL_ADMIN_TOKEN: token });
  const api: Served['api'] = async (path, init = {}) => {
    const headers: Record<string, string> = { authorization: `Bearer ${token}` };
    if (init.user !== undefined) headers['x-vigil-user'] = init.user;
    let body: string | undefined;
    if (init.body !== undefined) {
      headers['content-type'] = init.contentType ?? 'application/json';
      body = typeof init.body === 'string' ? init.body : JSON.stringify(init.body);
    }
    const res = await fetch(`${running.url}${path}`, { method: init.method ?? 'GET', headers, ...(body !== undefined ? { body } : {}), signal: AbortSignal.timeout(30_000) });
    const text = await res.text();
    return { status: res.status, body: text === '' ? {} : (JSON.parse(text) as Json) };
  };
  return { running, token, api, stop: () => running.stop() };
}

/** Polls `probe` until it answers true (or fails the test after `ms`). */
export async function until(what: string, probe: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await probe()) return;
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

export function path(o: unknown, p: string): unknown {
  let cur: unknown = o;
  for (const k of p.split('.')) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = (cur as Json)[k];
  }
  return cur;
}
