import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../app.js';
import { findFormat, formatNames } from '../../parsers/registry.js';
import { HttpError } from '../errors.js';
import { parseNdjson, splitLines } from '../ndjson.js';

const MAX_REPORTED_ERRORS = 100;

/** POST /api/v1/ingest: NDJSON events or raw text lines; answers once everything accepted is durably stored. */
export function registerIngest(app: FastifyInstance, deps: AppDeps): void {
  const tel = deps.telemetry.component('http_ingest', 'source');
  app.post('/api/v1/ingest', async (req, reply) => {
    const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
    if (typeof req.body !== 'string') {
      throw new HttpError(415, 'VIGIL_ERR_UNSUPPORTED_MEDIA_TYPE', 'send application/x-ndjson (one JSON event per line) or text/plain (raw log lines)');
    }
    const body = req.body;
    tel.received(0, Buffer.byteLength(body));
    if (type === 'application/x-ndjson' || type === 'application/ndjson') {
      const { events, errors } = parseNdjson(body);
      tel.received(events.length + errors.length);
      if (errors.length > 0) {
        tel.error('invalid_json', 'decode');
        tel.dropped(errors.length, 'invalid_json_line', false);
      }
      if (events.length > 0) await deps.pipeline.submitEvents(events);
      tel.sent(events.length);
      const status = events.length === 0 && errors.length > 0 ? 400 : 200;
      return reply.code(status).send({
        accepted: events.length,
        failed: errors.length,
        ...(errors.length ? { errors: errors.slice(0, MAX_REPORTED_ERRORS) } : {}),
      });
    }
    if (type === 'text/plain') {
      const q = req.query as Record<string, string | undefined>;
      const format = q.format;
      if (format !== undefined && !findFormat(format)) {
        throw new HttpError(400, 'VIGIL_ERR_BAD_REQUEST', `unknown format '${format.slice(0, 64)}' (known: ${formatNames().join(', ')})`);
      }
      const now = Date.now();
      const peer = { address: req.ip, port: req.socket.remotePort ?? 0 };
      const records = splitLines(body).map((message) => ({ message, receivedAt: now, peer, ...(format ? { format } : {}) }));
      tel.received(records.length);
      await deps.pipeline.submitRecords(records);
      tel.sent(records.length);
      return { accepted: records.length, failed: 0 };
    }
    throw new HttpError(415, 'VIGIL_ERR_UNSUPPORTED_MEDIA_TYPE', `content type '${type}' is not accepted: use application/x-ndjson or text/plain`);
  });
}
