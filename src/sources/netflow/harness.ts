import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pipeline } from '../../core/pipeline.js';
import { Telemetry } from '../../core/telemetry.js';
import { LineParser } from '../../parsers/line.js';
import { parseQuery } from '../../query/parser.js';
import type { EcsEvent } from '../../schema/event.js';
import { SqliteStore } from '../../store/sqlite/index.js';
import { NetflowConfigSchema } from './config.js';
import { NetflowUdpSource, type NetflowLimits } from './udp.js';

/** For tests: the NetFlow collector on a free port, with a real pipeline and a real SQLite store behind it. */
export interface NetflowHarness {
  source: NetflowUdpSource;
  telemetry: Telemetry;
  logs: string[];
  port: number;
  events(query?: string, limit?: number): Promise<EcsEvent[]>;
  /** every event stored, exactly */
  stored(): Promise<number>;
  /** waits (bounded) until `stored()` reaches `n`, then until it stops growing for `settleMs`; returns the figure */
  waitStored(n: number, timeoutMs?: number, settleMs?: number): Promise<number>;
  close(): Promise<void>;
}

export async function startNetflowHarness(
  netflow: Record<string, unknown> = {},
  internalNetworks: readonly string[] = ['127.0.0.0/8', '10.0.0.0/8'],
  limits: NetflowLimits = {},
): Promise<NetflowHarness> {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-netflow-'));
  const store = new SqliteStore({ dir: join(dir, 'store'), sync: 'normal' });
  await store.open();
  const telemetry = new Telemetry();
  const pipeline = new Pipeline({ store, telemetry, parser: new LineParser() });
  const logs: string[] = [];
  const source = new NetflowUdpSource(NetflowConfigSchema.parse({ port: 0, ...netflow }), internalNetworks, { pipeline, telemetry, dataDir: dir, log: (m) => logs.push(m) }, limits);
  await source.start();
  const stored = async (): Promise<number> => {
    // stats() can fail for a moment while a partition is being sealed: ask again (bounded)
    for (let i = 0; ; i++) {
      try {
        return (await store.stats()).events;
      } catch (err) {
        if (i >= 20) throw err;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  };
  return {
    source,
    telemetry,
    logs,
    port: source.boundPort(),
    async events(q = '*', limit = 1000) {
      const r = await store.search({ filter: parseQuery(q).filter, from: 0, to: Number.MAX_SAFE_INTEGER, limit });
      return r.events.map((e) => e.event);
    },
    stored,
    async waitStored(n, timeoutMs = 15_000, settleMs = 300) {
      const deadline = Date.now() + timeoutMs;
      let c = await stored();
      while (c < n && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 25));
        c = await stored();
      }
      // a few more may still be on their way: wait until the figure holds still
      for (let last = -1; c !== last && Date.now() < deadline; ) {
        last = c;
        await new Promise((r) => setTimeout(r, settleMs));
        c = await stored();
      }
      return c;
    },
    async close() {
      await source.stop();
      await pipeline.drain();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
