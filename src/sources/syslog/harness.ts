import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Source } from '../../core/component.js';
import { Pipeline } from '../../core/pipeline.js';
import { Telemetry } from '../../core/telemetry.js';
import { LineParser } from '../../parsers/line.js';
import { parseQuery } from '../../query/parser.js';
import type { EcsEvent } from '../../schema/event.js';
import { SqliteStore } from '../../store/sqlite/index.js';
import { SyslogConfigSchema } from './config.js';
import { buildSyslogSources } from './index.js';
import type { UdpLimits } from './udp.js';

/** For tests: the syslog sources on any free port, with a real pipeline and a real SQLite store behind them. */
export interface Harness {
  sources: Map<string, Source>;
  telemetry: Telemetry;
  pipeline: Pipeline;
  logs: string[];
  /** the store's directory (its partition files) */
  storeDir: string;
  /** `host` and bound port of a source (from its health) */
  port(id: string): number;
  events(query?: string, limit?: number): Promise<EcsEvent[]>;
  /** matching events (the store stops counting at 10,000) */
  count(query?: string): Promise<number>;
  /** every event stored, exactly */
  stored(): Promise<number>;
  /** waits (bounded) until `stored()` reaches `n`; returns the last figure */
  waitStored(n: number, timeoutMs?: number): Promise<number>;
  /** waits (bounded) until `count(query)` reaches `n`; returns the last count */
  waitFor(n: number, query?: string, timeoutMs?: number): Promise<number>;
  metrics(): Promise<string>;
  /** waits (bounded) until the metrics text matches; returns it (the caller asserts the match) */
  waitMetrics(re: RegExp, timeoutMs?: number): Promise<string>;
  close(): Promise<void>;
}

export async function startHarness(
  syslog: Record<string, unknown>,
  pipelineOpts: { queueEvents?: number; batchEvents?: number } = {},
  udpLimits: UdpLimits = {},
): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-syslog-'));
  const storeDir = join(dir, 'store');
  const store = new SqliteStore({ dir: storeDir, sync: 'normal' });
  await store.open();
  const telemetry = new Telemetry();
  const pipeline = new Pipeline({ store, telemetry, parser: new LineParser(), ...pipelineOpts });
  const logs: string[] = [];
  const config = SyslogConfigSchema.parse({ port: 0, ...syslog });
  const list = buildSyslogSources(config, { pipeline, telemetry, dataDir: dir, log: (m) => logs.push(m) }, udpLimits);
  const sources = new Map(list.map((s) => [s.id, s]));
  for (const s of list) await s.start();
  const search = async (q: string, limit: number) =>
    store.search({ filter: parseQuery(q).filter, from: 0, to: Number.MAX_SAFE_INTEGER, limit });
  const h: Harness = {
    sources,
    telemetry,
    pipeline,
    logs,
    storeDir,
    port(id) {
      const listening = sources.get(id)?.health?.()['listening'];
      return Number(String(listening).split(':').pop());
    },
    events: async (q = '*', limit = 1000) => (await search(q, limit)).events.map((e) => e.event),
    count: async (q = '*') => (await search(q, 0)).total,
    async waitFor(n, q = '*', timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      let c = await h.count(q);
      while (c < n && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 25));
        c = await h.count(q);
      }
      return c;
    },
    async stored() {
      // stats() can fail for a moment while a partition is being sealed: ask again (bounded)
      for (let i = 0; ; i++) {
        try {
          return (await store.stats()).events;
        } catch (err) {
          if (i >= 20) throw err;
          await new Promise((r) => setTimeout(r, 50));
        }
      }
    },
    async waitStored(n, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      let c = await h.stored();
      while (c < n && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 25));
        c = await h.stored();
      }
      return c;
    },
    metrics: () => telemetry.metrics(),
    async waitMetrics(re, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      let text = await telemetry.metrics();
      while (!re.test(text) && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 25));
        text = await telemetry.metrics();
      }
      return text;
    },
    async close() {
      for (const s of list) await s.stop();
      await pipeline.drain();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return h;
}

export interface TestCerts {
  ca: string;
  cert: string;
  key: string;
  clientCert: string;
  clientKey: string;
}

/** A throw-away CA, a server certificate for 127.0.0.1/::1/localhost and a client certificate, made with `openssl`. */
export function makeCerts(dir: string): TestCerts {
  const p = (name: string): string => join(dir, name);
  const run = (args: string[]): void => {
    execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'], timeout: 20_000 });
  };
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  run(['req', '-x509', ...ec, '-keyout', p('ca.key'), '-out', p('ca.pem'), '-days', '2', '-subj', '/CN=vigil test CA']);
  const sign = (name: string, cn: string, ext: string): void => {
    run(['req', ...ec, '-keyout', p(`${name}.key`), '-out', p(`${name}.csr`), '-subj', `/CN=${cn}`]);
    writeFileSync(p(`${name}.ext`), ext);
    run(['x509', '-req', '-in', p(`${name}.csr`), '-CA', p('ca.pem'), '-CAkey', p('ca.key'), '-CAcreateserial', '-out', p(`${name}.pem`), '-days', '2', '-extfile', p(`${name}.ext`)]);
  };
  sign('server', 'localhost', 'subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  sign('client', 'vigil test sender', 'extendedKeyUsage=clientAuth\n');
  return { ca: p('ca.pem'), cert: p('server.pem'), key: p('server.key'), clientCert: p('client.pem'), clientKey: p('client.key') };
}
