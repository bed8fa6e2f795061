import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Pipeline } from '../core/pipeline.js';
import type { Telemetry } from '../core/telemetry.js';

/** Seconds a refused sender is asked to wait (Retry-After) before trying again. */
export const RETRY_AFTER_S = 1;

/**
 * True when `incoming` more events would have to wait for room in the store queue. HTTP ingest then refuses the
 * request (429/503 with Retry-After) instead of holding it, and its body, in memory until the store catches up.
 * As in the queue itself, a request larger than the whole queue is still taken when the queue is empty.
 */
export function saturated(pipeline: Pipeline, incoming: number): boolean {
  const { size, capacity } = pipeline.queueFill();
  return size > 0 && size + incoming > capacity;
}

function countLines(body: string): number {
  let n = 0;
  let start = 0;
  while (start < body.length) {
    let end = body.indexOf('\n', start);
    if (end === -1) end = body.length;
    if (end > start && body.slice(start, end).trim().length > 0) n++;
    start = end + 1;
  }
  return n;
}

/**
 * A preHandler for the native `POST /api/v1/ingest`: a body whose lines would not fit in the store queue is
 * refused with 429 and Retry-After, counted as dropped (reason `saturated`) on the `http_ingest` source.
 */
export function refuseNativeIngestWhenSaturated(pipeline: Pipeline, telemetry: Telemetry) {
  const tel = telemetry.component('http_ingest', 'source');
  return async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    if (req.method !== 'POST' || req.routeOptions.url !== '/api/v1/ingest' || typeof req.body !== 'string') return;
    const n = countLines(req.body);
    if (n === 0 || !saturated(pipeline, n)) return;
    tel.received(n, Buffer.byteLength(req.body));
    tel.dropped(n, 'saturated', true);
    reply.header('Retry-After', String(RETRY_AFTER_S));
    await reply.code(429).send({ error: { code: 'VIGIL_ERR_SATURATED', message: 'the store queue is full: retry later (see Retry-After)' } });
  };
}
