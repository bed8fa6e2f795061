import type { FastifyInstance } from 'fastify';
import type { IncomingMessage, Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Config } from '../core/config.js';
import { acquireLock, makeDataDir } from '../core/lockfile.js';
import { Pipeline } from '../core/pipeline.js';
import { Telemetry } from '../core/telemetry.js';
import { LineParser } from '../parsers/line.js';
import { SqliteStore } from '../store/sqlite/index.js';
import { buildSources } from '../sources/index.js';
import type { Source } from '../core/component.js';
import { VERSION } from '../version.js';
import { buildApp } from './app.js';
import { DetectionEngine } from '../detect/engine.js';
import { RuleAdmin } from '../detect/uploads.js';
import { IntelService } from '../enrich/intel/service.js';
import { tailHubFor } from '../search/tail.js';
import { loadAdminToken } from './auth.js';
import { adoptStoredAlerts, openAlertQueue, type OpenQueue } from '../alerting/open.js';
import { AssetStamp } from '../enrich/assets-stamp.js';
import { startResponse, type RunningResponse } from '../alerting/respond/start.js';

export interface Running {
  app: FastifyInstance;
  url: string;
  tokenPath?: string;
  tokenCreated: boolean;
  stop(): Promise<void>;
}

/** Starts everything the config names: store, pipeline, HTTP API. Returns once the API is listening. */
export async function startServer(config: Config, env: { VIGIL_ADMIN_TOKEN?: string | undefined }): Promise<Running> {
  makeDataDir(config.data_dir);
  const release = acquireLock(config.data_dir, 'vigil serve');
  const telemetry = new Telemetry({ defaultMetrics: true });
  const store = new SqliteStore({
    dir: `${config.data_dir}/store`,
    sync: config.store.sync,
    sealEvents: config.store.seal_events,
    sealAgeMs: config.store.seal_age_minutes * 60_000,
    ...(config.store.retention_days !== undefined ? { retentionDays: config.store.retention_days } : {}),
  });
  try {
    await store.open();
  } catch (err) {
    release();
    throw err;
  }
  const log = (m: string): void => void process.stderr.write(`vigil: ${m}\n`);
  // rules uploaded through the API (DATA_DIR/rules/uploaded) load with the configured ones
  const ruleAdmin = new RuleAdmin(config.data_dir, config.rules.paths, {}, log);
  const detection = new DetectionEngine({ rules: ruleAdmin.load(), telemetry, dataDir: config.data_dir, log });
  ruleAdmin.attach(detection);
  // threat intelligence enriches events before detection sees them (docs/intel.md)
  const intel = new IntelService(config.intel, { store, telemetry, log });
  if (detection.rules.problems.length > 0) log(`rules: ${detection.rules.problems.length} problem(s), see vigil rules lint`);
  // asset criticality stamped on events before detection (the inventory comes from the alert queue, opened below)
  const assetStamp = new AssetStamp();
  const pipeline = new Pipeline({
    store,
    telemetry,
    parser: new LineParser(),
    transforms: [tailHubFor(store), intel, assetStamp, detection],
    batchEvents: config.pipeline.batch_events,
    queueEvents: config.pipeline.queue_events,
  });
  // the alert queue (DATA_DIR/alerting.db) triages alerts before they are stored; listeners subscribe to alerting.queue
  let alerting: OpenQueue;
  let response: RunningResponse;
  try {
    alerting = openAlertQueue(config, { store: (docs) => pipeline.submitEvents(docs, 'generic', { urgent: true }), ruleStatus: (id) => detection.ruleMeta(id)?.status, log, telemetry });
    const queue = alerting.queue;
    if (config.assets.stamp_events) assetStamp.use(() => queue.inventory);
    const adopted = await adoptStoredAlerts(alerting.queue, store);
    if (adopted > 0) log(`alerting: took ${adopted} stored alert(s) into the queue`);
    // notifications and active response hear the queue from here on (DATA_DIR/notify.db, DATA_DIR/response.db)
    response = startResponse(config, alerting.queue, log);
  } catch (err) {
    await pipeline.drain();
    await store.close();
    release();
    throw err;
  }
  detection.attach((alerts) => alerting.queue.accept(alerts));
  detection.start();
  intel.attach((alerts) => alerting.queue.accept(alerts));
  // feeds load in the background (an HTTP feed may be slow); what arrives first is found by hunting back
  intel.start().catch((err: unknown) => log(`intel: ${String(err)}`));
  const sources: Source[] = buildSources(config, {
    pipeline,
    telemetry,
    dataDir: config.data_dir,
    log: (m) => process.stderr.write(`vigil: ${m}\n`),
  });
  /** ids of the sources that listen (or read) already */
  const listening = new Set<string>();
  const { token, created, path } = loadAdminToken(config.data_dir, env.VIGIL_ADMIN_TOKEN);
  const started = Date.now();
  const app = buildApp({
    store,
    pipeline,
    telemetry,
    detection,
    ruleAdmin,
    alerting: alerting.queue,
    response: response.deps,
    token,
    hecTokens: config.http.hec_tokens,
    version: VERSION,
    bodyLimitBytes: Math.round(config.http.body_limit_mb * 1024 * 1024),
    health: async () => {
      const s = await store.stats();
      return {
        // 'starting' until every source listens (they start after the HTTP server)
        ...(listening.size < sources.length ? { status: 'starting' } : {}),
        uptime_s: Math.round((Date.now() - started) / 1000),
        components: {
          store: { state: 'ok', events: s.events, partitions: s.partitions, bytes: s.bytes, wal_bytes: s.walBytes },
          pipeline: { state: 'ok' },
          ...(config.intel.feeds.length > 0 ? { intel: { state: 'ok', ...intel.health() } } : {}),
          alerting: { state: 'ok', ...alerting.queue.stats },
          ...response.health(),
          // a source is 'starting' until it listens (sources start after the HTTP server)
          ...Object.fromEntries(sources.map((src) => [src.id, { state: listening.has(src.id) ? 'ok' : 'starting', ...(src.health?.() ?? {}) }])),
        },
      };
    },
  });
  const connections = trackConnections(app.server);
  const retention = setInterval(() => {
    store.applyRetention(Date.now()).catch((err: unknown) => process.emitWarning(`retention failed: ${String(err)}`));
  }, 3_600_000);
  retention.unref();
  const stopSources = async (): Promise<void> => {
    await Promise.all(sources.map((src) => src.stop()));
  };
  try {
    await app.listen({ host: config.http.host, port: config.http.port });
    for (const src of sources) {
      await src.start();
      listening.add(src.id);
    }
  } catch (err) {
    await stopSources();
    await closeApp(app, connections, log);
    await pipeline.drain();
    await response.stop();
    alerting.close();
    await store.close();
    release();
    throw err;
  }
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : config.http.port;
  const host = config.http.host.includes(':') ? `[${config.http.host}]` : config.http.host;
  let stopping: Promise<void> | undefined;
  return {
    app,
    url: `http://${host}:${port}`,
    ...(path !== undefined ? { tokenPath: path } : {}),
    tokenCreated: created,
    stop: () => {
      stopping ??= (async () => {
        clearInterval(retention);
        const t0 = Date.now();
        // The sources first (what they read is committed), then the API: requests received in full are answered
        // (their events are committed first), every other connection is closed at once (see trackConnections).
        await stopStep('sources', stopSources(), log);
        await stopStep('HTTP connections', closeApp(app, connections, log), log);
        await stopStep('intel', intel.stop(), log);
        await stopStep('detection', detection.stop(), log);
        await stopStep('pipeline drain', pipeline.drain(), log);
        await stopStep('response', response.stop(), log);
        alerting.close();
        await stopStep('store', store.close(), log);
        release();
        if (Date.now() - t0 > STOP_SLOW_MS) log(`stopped in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      })();
      return stopping;
    },
  };
}

/** A stop step that takes longer than this is named on stderr (and again each time as long again passes). */
export const STOP_SLOW_MS = 3000;

/** Awaits one step of the stop sequence, saying on stderr what is still awaited while it takes long. */
export async function stopStep<T>(what: string, p: Promise<T>, log: (m: string) => void): Promise<T> {
  const t0 = Date.now();
  const timer = setInterval(() => log(`stopping: still waiting for ${what} (${Math.round((Date.now() - t0) / 1000)} s)`), STOP_SLOW_MS);
  try {
    return await p;
  } finally {
    clearInterval(timer);
  }
}

/** A request received in full is given this long to be answered once the stop begins; then its connection is cut. */
const ANSWER_GRACE_MS = 10_000;

interface Connections {
  /** Closes every connection that is not waiting for the answer to a request received in full. */
  closeUnanswered(): void;
  /** Closes every connection; returns how many there were. */
  closeAll(): number;
}

/**
 * Follows the API's connections so that a stop waits only for the answers to requests received in full (an ingest
 * is answered once its events are committed). Node stops enforcing its header and request timeouts once the server
 * is closing, and Node's idle sweep leaves alone a connection that never sent a byte or sent part of a request, so
 * such a client (a keep-alive connection opened but unused, a request or body half sent) would otherwise hold the
 * stop until it gave up itself (fetch waits 300 s for an answer). Nothing of a partly received request was accepted,
 * so closing it loses nothing.
 */
function trackConnections(server: Server): Connections {
  /** each open connection and the request it is answering, if any */
  const open = new Map<Socket, IncomingMessage | undefined>();
  server.on('connection', (socket: Socket) => {
    open.set(socket, undefined);
    socket.once('close', () => open.delete(socket));
  });
  server.on('request', (req: IncomingMessage, res: NodeJS.EventEmitter) => {
    const socket = req.socket;
    if (!open.has(socket)) return;
    open.set(socket, req);
    res.once('close', () => {
      if (open.get(socket) === req) open.set(socket, undefined);
    });
  });
  return {
    closeUnanswered: () => {
      for (const [socket, req] of open) if (req === undefined || !req.complete) socket.destroy();
    },
    closeAll: () => {
      const n = open.size;
      for (const socket of open.keys()) socket.destroy();
      return n;
    },
  };
}

/** Closes the API: answers what was received in full (for at most ANSWER_GRACE_MS), closes every other connection. */
async function closeApp(app: FastifyInstance, connections: Connections, log: (m: string) => void): Promise<void> {
  const closed = app.close();
  connections.closeUnanswered();
  // connections turn unanswered as their answers end (keep-alive) or as they open (a client that was connecting)
  const sweep = setInterval(() => connections.closeUnanswered(), 50);
  const cut = setTimeout(() => {
    const n = connections.closeAll();
    if (n > 0) log(`stopping: closed ${n} HTTP connection(s) whose requests were not answered within ${ANSWER_GRACE_MS / 1000} s`);
  }, ANSWER_GRACE_MS);
  try {
    await closed;
  } finally {
    clearInterval(sweep);
    clearTimeout(cut);
  }
}
