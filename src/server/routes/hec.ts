import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { VigilError } from '../../core/errors.js';
import { LineParser } from '../../parsers/line.js';
import type { EcsEvent } from '../../schema/event.js';
import type { AppDeps } from '../app.js';
import { parseAuthorization, presentedMatches } from '../credentials.js';
import { HttpError, statusFor } from '../errors.js';
import { HEC, metaOf, parseHecEvents, toEcs, type HecAnswer, type HecItem } from '../hec-events.js';
import { splitLines } from '../ndjson.js';
import { RETRY_AFTER_S, saturated } from '../saturation.js';

/**
 * The Splunk HEC subset: `POST /services/collector/event` (also `/services/collector` and `.../event/1.0`),
 * `POST /services/collector/raw`, `GET /services/collector/health`. Credentials: `Authorization: Splunk TOKEN` (or
 * Basic with the token as password) where TOKEN is one of `http.hec_tokens` or the admin token. A token in the query
 * string is refused as Splunk refuses it by default (tokens in URLs end up in logs). Answers come only after the
 * events are durably stored; when the store queue is full, 503 "Server is busy" with Retry-After.
 */

const OWN_AUTH = { ownAuth: true };

function answer(reply: FastifyReply, a: HecAnswer, extra: Record<string, unknown> = {}): FastifyReply {
  return reply.code(a.status).send({ text: a.text, code: a.code, ...extra });
}

export function registerHec(app: FastifyInstance, deps: AppDeps & { hecTokens?: readonly string[] }): void {
  const tel = deps.telemetry.component('http_hec', 'source');
  const parseTel = deps.telemetry.component('line', 'parser');
  const parser = new LineParser();
  const tokens = [deps.token, ...(deps.hecTokens ?? [])];

  const authorize = async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    if (req.routeOptions.url?.startsWith('/services/collector/health')) return;
    const header = req.headers.authorization;
    if (header === undefined) {
      const q = req.query as Record<string, unknown>;
      await answer(reply, q['token'] !== undefined ? HEC.queryAuthDisabled : HEC.tokenRequired);
      return;
    }
    const presented = parseAuthorization(header);
    if (presented === undefined || presented.scheme === 'bearer' || presented.scheme === 'apikey') {
      await answer(reply, HEC.invalidAuthorization);
      return;
    }
    if (!presentedMatches(presented, tokens)) await answer(reply, HEC.invalidToken);
  };

  /** Stores the items (all or nothing), answering busy when the queue has no room for them. */
  const store = async (req: FastifyRequest, reply: FastifyReply, items: HecItem[]): Promise<boolean> => {
    if (items.length === 0) return true;
    if (saturated(deps.pipeline, items.length)) {
      tel.dropped(items.length, 'saturated', true);
      reply.header('Retry-After', String(RETRY_AFTER_S));
      await answer(reply, HEC.busy);
      return false;
    }
    const now = Date.now();
    const base = { receivedAt: now, peer: { address: req.ip, port: req.socket.remotePort ?? 0 } };
    const docs: EcsEvent[] = [];
    let lines = 0;
    let failures = 0;
    for (const item of items) {
      const { doc, parsed } = toEcs(item, parser, base);
      if (parsed) {
        lines++;
        const tags = doc['tags'];
        if (Array.isArray(tags) && tags.includes('_parse_failure')) failures++;
      }
      docs.push(doc);
    }
    if (lines > 0) {
      parseTel.received(lines);
      parseTel.sent(lines);
      if (failures > 0) parseTel.error('parse_failure', 'parse', failures);
    }
    await deps.pipeline.submitEvents(docs);
    tel.sent(docs.length);
    return true;
  };

  const event = async (req: FastifyRequest, reply: FastifyReply) => {
    const body = typeof req.body === 'string' ? req.body : '';
    tel.received(0, Buffer.byteLength(body));
    const parsed = parseHecEvents(body);
    tel.received(parsed.items.length + (parsed.error && parsed.error.answer !== HEC.noData ? 1 : 0));
    if (!(await store(req, reply, parsed.items))) return reply;
    if (parsed.error) {
      tel.error(`hec_${parsed.error.answer.code}`, 'decode');
      if (parsed.error.answer !== HEC.noData) tel.dropped(1, 'invalid_event', false);
      return answer(reply, parsed.error.answer, parsed.error.answer === HEC.noData ? {} : { 'invalid-event-number': parsed.error.eventNumber });
    }
    return answer(reply, HEC.success);
  };

  const raw = async (req: FastifyRequest, reply: FastifyReply) => {
    const body = typeof req.body === 'string' ? req.body : '';
    tel.received(0, Buffer.byteLength(body));
    const meta = metaOf(req.query as Record<string, unknown>);
    if ('code' in meta) return answer(reply, meta);
    const lines = splitLines(body);
    if (lines.length === 0) return answer(reply, HEC.noData);
    tel.received(lines.length);
    if (!(await store(req, reply, lines.map((event) => ({ meta, event }))))) return reply;
    return answer(reply, HEC.success);
  };

  void app.register((scope, _opts, done) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));
    scope.addHook('onRequest', authorize);
    scope.setErrorHandler((err: unknown, _req, reply) => {
      let status = 500;
      let message = 'internal error';
      if (err instanceof HttpError) {
        status = err.status;
        message = err.message;
      } else if (err instanceof VigilError) {
        status = statusFor(err.code);
        message = err.message;
      } else {
        const s = (err as { statusCode?: number }).statusCode;
        if (typeof s === 'number' && s >= 400 && s < 500) {
          status = s;
          message = (err as Error).message;
        }
      }
      tel.error(`http_${status}`, status >= 500 ? 'store' : 'receive');
      if (status >= 500) return reply.code(500).send({ text: HEC.internalError.text, code: HEC.internalError.code, detail: message });
      // 413 (body or decompressed body too large), 415 (unknown Content-Encoding), 400 (bad compressed data)
      return reply.code(status).send({ text: `${HEC.invalidDataFormat.text}: ${message}`, code: HEC.invalidDataFormat.code });
    });
    for (const url of ['/services/collector', '/services/collector/event', '/services/collector/event/1.0']) {
      scope.post(url, { config: OWN_AUTH }, event);
    }
    scope.post('/services/collector/raw', { config: OWN_AUTH }, raw);
    scope.post('/services/collector/raw/1.0', { config: OWN_AUTH }, raw);
    scope.post('/services/collector/ack', { config: OWN_AUTH }, (_req, reply) => answer(reply, HEC.ackDisabled));
    scope.get('/services/collector/health', { config: OWN_AUTH }, (_req, reply) =>
      answer(reply, saturated(deps.pipeline, 1) ? HEC.unhealthy : HEC.healthy),
    );
    scope.get('/services/collector/health/1.0', { config: OWN_AUTH }, (_req, reply) =>
      answer(reply, saturated(deps.pipeline, 1) ? HEC.unhealthy : HEC.healthy),
    );
    done();
  });
}
