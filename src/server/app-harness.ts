import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pipeline } from '../core/pipeline.js';
import { Telemetry } from '../core/telemetry.js';
import { LineParser } from '../parsers/line.js';
import { SqliteStore } from '../store/sqlite/index.js';
import { buildApp } from './app.js';

/**
 * For integration tests: the real API (store, pipeline, line parser, Fastify app) on 127.0.0.1, built like
 * `vigil serve` builds it, with the few settings a test needs to choose (HEC tokens, queue size, body limit).
 */
export interface TestApp {
  url: string;
  token: string;
  storeDir: string;
  stop(): Promise<void>;
  search(q: string, limit?: number): Promise<{ total: number; events: Record<string, unknown>[] }>;
  metrics(): Promise<string>;
}

export async function startTestApp(opts: { hecTokens?: string[]; queueEvents?: number; batchEvents?: number; bodyLimitBytes?: number; requestTimeoutMs?: number } = {}): Promise<TestApp> {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-http-'));
  const token = `test-admin-${process.pid}-${Date.now().toString(36)}`;
  const telemetry = new Telemetry();
  const storeDir = join(dir, 'store');
  const store = new SqliteStore({ dir: storeDir, sync: 'normal' });
  await store.open();
  const pipeline = new Pipeline({
    store,
    telemetry,
    parser: new LineParser(),
    ...(opts.queueEvents !== undefined ? { queueEvents: opts.queueEvents } : {}),
    ...(opts.batchEvents !== undefined ? { batchEvents: opts.batchEvents } : {}),
  });
  const app = buildApp({
    store,
    pipeline,
    telemetry,
    token,
    hecTokens: opts.hecTokens ?? [],
    bodyLimitBytes: opts.bodyLimitBytes ?? 16 * 1024 * 1024,
    ...(opts.requestTimeoutMs !== undefined ? { requestTimeoutMs: opts.requestTimeoutMs } : {}),
    version: 'test',
    health: () => Promise.resolve({}),
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const addr = app.server.address();
  assert.ok(addr && typeof addr === 'object');
  const url = `http://127.0.0.1:${addr.port}`;
  const auth = { authorization: `Bearer ${token}` };
  return {
    url,
    token,
    storeDir,
    async stop() {
      const sweep = setInterval(() => app.server.closeIdleConnections(), 50);
      try {
        await app.close();
      } finally {
        clearInterval(sweep);
      }
      await pipeline.drain();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
    async search(q, limit = 1000) {
      const res = await fetch(`${url}/api/v1/search?${new URLSearchParams({ q, limit: String(limit) }).toString()}`, { headers: auth });
      assert.equal(res.status, 200, await res.clone().text());
      return (await res.json()) as { total: number; events: Record<string, unknown>[] };
    },
    async metrics() {
      const res = await fetch(`${url}/metrics`, { headers: auth });
      assert.equal(res.status, 200);
      return res.text();
    },
  };
}

/** A value unique to one test, to find its own events. */
let seq = 0;
export function runId(prefix = 'r'): string {
  seq++;
  return `${prefix}${process.pid}x${seq}x${Date.now().toString(36)}`;
}
