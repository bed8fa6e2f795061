import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { VigilError, errorMessage } from '../core/errors.js';
import type { Pipeline } from '../core/pipeline.js';
import type { Telemetry } from '../core/telemetry.js';
import type { Store } from '../store/store.js';
import { bearerToken, tokenMatches } from './auth.js';
import { HttpError, statusFor } from './errors.js';
import { decompressBodies } from './gzip.js';
import { registerBulk } from './routes/bulk.js';
import { registerHec } from './routes/hec.js';
import { registerIngest } from './routes/ingest.js';
import { registerSearch } from './routes/search.js';
import { registerAlerts } from './routes/alerts.js';
import { registerAssets } from './routes/assets.js';
import { registerSuppressions } from './routes/suppressions.js';
import { registerResponse, type ResponseDeps } from './routes/response.js';
import { registerNotifications } from './routes/notifications.js';
import type { AlertQueue } from '../alerting/queue.js';
import { registerRules } from './routes/rules.js';
import { registerHunt } from './routes/hunt.js';
import type { RuleAdmin } from '../detect/uploads.js';
import type { DetectionEngine } from '../detect/engine.js';
import { registerSaved } from './routes/saved.js';
import { registerStream } from './routes/stream.js';
import { registerFields } from './routes/fields.js';
import { registerUi } from './routes/ui.js';
import { refuseNativeIngestWhenSaturated } from './saturation.js';

export interface AppDeps {
  store: Store;
  pipeline: Pipeline;
  telemetry: Telemetry;
  /** the detection engine (rules and their hit counts); GET /rules answers an empty list without it */
  detection?: DetectionEngine;
  /** uploads and switches rules at run time (POST /rules, /rules/{id}/enabled); those answer 501 without it */
  ruleAdmin?: RuleAdmin;
  /** the alert queue (triage, assets, suppressions); without it GET /alerts reads the store and triage answers 501 */
  alerting?: AlertQueue;
  /** notifications and active response (GET /notifications/deliveries, /response/…); empty lists without it */
  response?: ResponseDeps;
  token: string;
  /** tokens the Splunk HEC endpoints accept besides the admin token (config http.hec_tokens) */
  hecTokens?: readonly string[];
  bodyLimitBytes: number;
  /** a request not received in full (headers and body) within this is answered 408 and its connection closed; default 120 s */
  requestTimeoutMs?: number;
  version: string;
  health: () => Promise<Record<string, unknown>>;
}

const PUBLIC = new Set(['/api/v1/health']);

/** Endpoints of the contract whose feature has not landed yet answer 501 with a stable code. */
const NOT_YET: readonly (readonly ['GET' | 'POST' | 'PUT' | 'DELETE', string])[] = [];

export function sendError(reply: FastifyReply, status: number, code: string, message: string, extra?: Record<string, unknown>): FastifyReply {
  return reply.code(status).send({ error: { code, message, ...extra } });
}

export function buildApp(deps: AppDeps): FastifyInstance {
  const requestTimeout = deps.requestTimeoutMs ?? 120_000;
  // Node checks the request timeout on an interval (30 s by default): a quarter of the timeout, at most that
  const check = Math.min(30_000, Math.max(50, Math.floor(requestTimeout / 4)));
  const app = Fastify({ logger: false, bodyLimit: deps.bodyLimitBytes, return503OnClosing: true, requestTimeout, http: { connectionsCheckingInterval: check, headersTimeout: Math.min(60_000, requestTimeout) } });
  app.addContentTypeParser(['application/x-ndjson', 'application/ndjson'], { parseAs: 'string' }, (_req, body, done) => done(null, body));
  app.addHook('preParsing', decompressBodies(deps.bodyLimitBytes));
  app.addHook('preHandler', refuseNativeIngestWhenSaturated(deps.pipeline, deps.telemetry));

  app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    const path = req.url.split('?')[0] ?? '';
    // the Elasticsearch- and Splunk-compatible routes check the credentials their clients send themselves
    if (PUBLIC.has(path) || (req.routeOptions.config as { ownAuth?: boolean }).ownAuth === true) return;
    if (!tokenMatches(bearerToken(req.headers.authorization), deps.token)) {
      reply.header('WWW-Authenticate', 'Bearer realm="vigil"');
      await sendError(reply, 401, 'VIGIL_ERR_UNAUTHORIZED', 'a valid bearer token is required (Authorization: Bearer TOKEN)');
    }
  });

  app.setErrorHandler((err: unknown, _req, reply) => {
    if (err instanceof HttpError) return sendError(reply, err.status, err.code, err.message, err.extra);
    if (err instanceof VigilError) {
      const extra: Record<string, unknown> = {};
      for (const k of ['position', 'expected'] as const) {
        const v = (err as unknown as Record<string, unknown>)[k];
        if (v !== undefined) extra[k] = v;
      }
      return sendError(reply, statusFor(err.code), err.code, err.message, extra);
    }
    const status = (err as { statusCode?: number }).statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      const code = (err as { code?: string }).code ?? 'BAD_REQUEST';
      return sendError(reply, status, `VIGIL_ERR_HTTP_${code.replace(/^FST_ERR_/, '')}`, errorMessage(err));
    }
    return sendError(reply, 500, 'VIGIL_ERR_INTERNAL', 'internal error');
  });
  app.setNotFoundHandler((req, reply) => sendError(reply, 404, 'VIGIL_ERR_NOT_FOUND', `no route ${req.method} ${req.url.split('?')[0] ?? ''}`));

  app.get('/api/v1/health', async () => ({ status: 'ok', version: deps.version, ...(await deps.health()) }));
  app.get('/metrics', async (_req, reply) => {
    reply.header('Content-Type', deps.telemetry.registry.contentType);
    return deps.telemetry.metrics();
  });
  // before the Elasticsearch-compatible routes: a browser's GET / gets the UI, not the ES cluster info
  registerUi(app);
  registerIngest(app, deps);
  registerSearch(app, deps);
  registerAlerts(app, deps);
  registerAssets(app, deps);
  registerSuppressions(app, deps);
  registerResponse(app, deps);
  registerNotifications(app, deps);
  registerRules(app, deps);
  registerHunt(app, deps);
  registerStream(app, deps);
  registerSaved(app, deps);
  registerBulk(app, deps);
  registerHec(app, deps);
  registerFields(app, deps);
  for (const [method, url] of NOT_YET) {
    app.route({ method, url, handler: (_req, reply) => sendError(reply, 501, 'VIGIL_ERR_NOT_AVAILABLE', `${method} ${url} is not yet available in this version`) });
  }
  return app;
}
