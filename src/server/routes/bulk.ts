import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { VigilError } from '../../core/errors.js';
import type { AppDeps } from '../app.js';
import { parseAuthorization, presentedMatches } from '../credentials.js';
import { LineParser } from '../../parsers/line.js';
import { annotate, parseBulk, parseShippedLine, type BulkItem } from '../es-bulk.js';
import { HttpError, statusFor } from '../errors.js';
import { RETRY_AFTER_S, saturated } from '../saturation.js';

/**
 * The Elasticsearch-compatible endpoints: `POST /_bulk` (also `/api/v1/_bulk` and `/{index}/_bulk`) and the probes
 * that Filebeat, Logstash, Vector, Fluent Bit and the Elasticsearch clients make before they ship: `GET|HEAD /`,
 * `GET /_license`, `GET /_xpack`, `GET /_cluster/health`, and index template / ILM policy / ingest pipeline set-up
 * (acknowledged, not kept: Vigil maps events to ECS itself). Credentials: the admin token as Bearer, as the password
 * of Basic, or as an ApiKey (see credentials.ts).
 */

/** The version shippers see. Beats refuse an Elasticsearch older (major.minor) than themselves unless told otherwise. */
export const ES_VERSION = '8.19.0';
const PRODUCT_HEADER = 'x-elastic-product';
const OWN_AUTH = { ownAuth: true };
const SETUP_PREFIXES = ['/_index_template', '/_template', '/_component_template', '/_ilm/policy', '/_ingest/pipeline', '/_data_stream', '/_alias'];

export function esErrorBody(status: number, type: string, reason: string, code: string): Record<string, unknown> {
  // both shapes: Elasticsearch's (type, reason, root_cause) for its clients, Vigil's (code, message) for the rest
  return { error: { root_cause: [{ type, reason }], type, reason, code, message: reason }, status };
}

function typeFor(status: number): string {
  if (status === 401) return 'security_exception';
  if (status === 413) return 'content_too_long_exception';
  if (status === 415) return 'media_type_header_exception';
  if (status === 429) return 'es_rejected_execution_exception';
  if (status >= 500) return 'vigil_store_exception';
  return 'parse_exception';
}

function resultOf(item: BulkItem, seqNo: number): Record<string, unknown> {
  if (item.error) return { [item.action]: { _index: item.index, _id: item.id, status: item.status, error: item.error } };
  return {
    [item.action]: {
      _index: item.index,
      _id: item.id,
      _version: 1,
      result: 'created',
      _shards: { total: 1, successful: 1, failed: 0 },
      _seq_no: seqNo,
      _primary_term: 1,
      status: item.status,
    },
  };
}

export function registerBulk(app: FastifyInstance, deps: AppDeps): void {
  const tel = deps.telemetry.component('http_bulk', 'source');
  const parseTel = deps.telemetry.component('line', 'parser');
  const parser = new LineParser();
  let seqNo = 0;
  const clusterUuid = 'vigil0single0node0000A';

  const authorize = async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const presented = parseAuthorization(req.headers.authorization);
    if (presented && presentedMatches(presented, [deps.token])) return;
    const reason =
      presented === undefined
        ? 'missing authentication credentials: send the Vigil admin token as Bearer, as the password of Basic, or as an ApiKey'
        : 'unable to authenticate: the credentials do not match the Vigil admin token';
    reply.header('WWW-Authenticate', 'Basic realm="vigil" charset="UTF-8", ApiKey, Bearer realm="vigil"');
    await reply.code(401).send(esErrorBody(401, 'security_exception', reason, 'VIGIL_ERR_UNAUTHORIZED'));
  };

  const info = () => ({
    name: 'vigil',
    cluster_name: 'vigil',
    cluster_uuid: clusterUuid,
    version: {
      number: ES_VERSION,
      build_flavor: 'default',
      build_type: 'tar',
      build_hash: `vigil-${deps.version}`,
      build_date: '2026-01-01T00:00:00.000Z',
      build_snapshot: false,
      lucene_version: '9.12.0',
      minimum_wire_compatibility_version: '7.17.0',
      minimum_index_compatibility_version: '7.0.0',
    },
    tagline: 'You Know, for Search',
    vigil: { version: deps.version },
  });

  const bulk = async (req: FastifyRequest, reply: FastifyReply) => {
    const started = process.hrtime.bigint();
    const body = typeof req.body === 'string' ? req.body : '';
    tel.received(0, Buffer.byteLength(body));
    const q = req.query as Record<string, string | undefined>;
    const index = (req.params as { index?: string }).index;
    const parsed = parseBulk(body, index, q.pipeline);
    if (!parsed.ok) {
      tel.error('malformed_action', 'decode');
      return reply.code(parsed.status).send(esErrorBody(parsed.status, parsed.type, parsed.reason, 'VIGIL_ERR_BULK_MALFORMED'));
    }
    if (parsed.items.length === 0) {
      const reason = 'Validation Failed: 1: no requests added;';
      return reply.code(400).send(esErrorBody(400, 'action_request_validation_exception', reason, 'VIGIL_ERR_BULK_EMPTY'));
    }
    const ok = parsed.items.filter((i) => i.doc !== undefined);
    const failed = parsed.items.length - ok.length;
    tel.received(parsed.items.length);
    if (failed > 0) {
      tel.error('invalid_item', 'decode', failed);
      tel.dropped(failed, 'invalid_item', false);
    }
    if (ok.length > 0 && saturated(deps.pipeline, ok.length)) {
      tel.dropped(ok.length, 'saturated', true);
      reply.header('Retry-After', String(RETRY_AFTER_S));
      const reason = 'rejected execution: the Vigil store queue is full, retry later';
      return reply.code(429).send(esErrorBody(429, 'es_rejected_execution_exception', reason, 'VIGIL_ERR_SATURATED'));
    }
    const base = { receivedAt: Date.now() };
    let lines = 0;
    const docs = ok.map((i) => {
      const doc = i.doc as Record<string, unknown>;
      annotate(doc, i.index, i.pipeline);
      if (parseShippedLine(doc, parser, base)) lines++;
      return doc;
    });
    if (lines > 0) {
      parseTel.received(lines);
      parseTel.sent(lines);
    }
    if (docs.length > 0) await deps.pipeline.submitEvents(docs);
    tel.sent(docs.length);
    const items = parsed.items.map((i) => resultOf(i, i.error ? -1 : seqNo++));
    return { took: Number((process.hrtime.bigint() - started) / 1_000_000n), errors: failed > 0, items };
  };

  void app.register((scope, _opts, done) => {
    // Shippers send bulk bodies as application/x-ndjson, application/json or the client's vnd.elasticsearch types:
    // every body here is read as text (already decompressed by the app's preParsing hook).
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));
    scope.addHook('onRequest', authorize);
    scope.addHook('onSend', async (_req, reply, payload) => {
      reply.header(PRODUCT_HEADER, 'Elasticsearch');
      return payload;
    });
    scope.setErrorHandler((err: unknown, _req, reply) => {
      let status = 500;
      let code = 'VIGIL_ERR_INTERNAL';
      let reason = 'internal error';
      if (err instanceof HttpError) {
        status = err.status;
        code = err.code;
        reason = err.message;
      } else if (err instanceof VigilError) {
        status = statusFor(err.code);
        code = err.code;
        reason = err.message;
      } else {
        const s = (err as { statusCode?: number }).statusCode;
        if (typeof s === 'number' && s >= 400 && s < 500) {
          status = s;
          code = `VIGIL_ERR_HTTP_${((err as { code?: string }).code ?? 'BAD_REQUEST').replace(/^FST_ERR_/, '')}`;
          reason = (err as Error).message;
        }
      }
      tel.error(code.toLowerCase(), status < 500 ? 'receive' : 'store');
      return reply.code(status).send(esErrorBody(status, typeFor(status), reason, code));
    });

    scope.get('/', { config: OWN_AUTH }, (req, reply) => {
      // a browser asking for the UI is not an Elasticsearch client
      const accept = req.headers.accept ?? '';
      if (accept.includes('text/html')) return reply.callNotFound();
      return reply.send(info());
    });
    scope.get('/_license', { config: OWN_AUTH }, () => ({
      license: {
        status: 'active',
        uid: clusterUuid,
        type: 'basic',
        issue_date: '2026-01-01T00:00:00.000Z',
        issue_date_in_millis: 1767225600000,
        max_nodes: 1000,
        max_resource_units: null,
        issued_to: 'vigil',
        issuer: 'vigil',
        start_date_in_millis: -1,
      },
    }));
    scope.get('/_xpack', { config: OWN_AUTH }, () => ({
      build: { hash: `vigil-${deps.version}`, date: '2026-01-01T00:00:00.000Z' },
      license: { uid: clusterUuid, type: 'basic', mode: 'basic', status: 'active' },
      features: {},
    }));
    scope.get('/_cluster/health', { config: OWN_AUTH }, () => {
      const busy = saturated(deps.pipeline, 1);
      return {
        cluster_name: 'vigil',
        status: busy ? 'yellow' : 'green',
        timed_out: false,
        number_of_nodes: 1,
        number_of_data_nodes: 1,
        active_primary_shards: 0,
        active_shards: 0,
        relocating_shards: 0,
        initializing_shards: 0,
        unassigned_shards: 0,
        delayed_unassigned_shards: 0,
        number_of_pending_tasks: 0,
        number_of_in_flight_fetch: 0,
        task_max_waiting_in_queue_millis: 0,
        active_shards_percent_as_number: 100.0,
      };
    });
    for (const prefix of SETUP_PREFIXES) {
      const url = `${prefix}/:name`;
      const missing = (req: FastifyRequest, reply: FastifyReply) => {
        const name = (req.params as { name: string }).name.slice(0, 200);
        const reason = `${prefix.slice(1)} [${name}] is not kept by Vigil (it maps events to ECS itself)`;
        return reply.code(404).send(esErrorBody(404, 'resource_not_found_exception', reason, 'VIGIL_ERR_NOT_FOUND'));
      };
      scope.get(url, { config: OWN_AUTH }, missing);
      const ack = () => ({ acknowledged: true });
      scope.put(url, { config: OWN_AUTH }, ack);
      scope.post(url, { config: OWN_AUTH }, ack);
    }
    // creating an index (a rollover alias's first index, say) is acknowledged: events go to the one store
    scope.put('/:index', { config: OWN_AUTH }, (req) => ({ acknowledged: true, shards_acknowledged: true, index: (req.params as { index: string }).index.slice(0, 255) }));
    for (const url of ['/_bulk', '/api/v1/_bulk', '/:index/_bulk', '/api/v1/:index/_bulk']) {
      scope.post(url, { config: OWN_AUTH }, bulk);
      scope.put(url, { config: OWN_AUTH }, bulk);
    }
    done();
  });
}
