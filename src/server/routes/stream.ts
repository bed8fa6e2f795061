import type { ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { tailFilter, tailHubFor, type TailSubscription } from '../../search/tail.js';
import type { AppDeps } from '../app.js';

/** Events written per flush at most, so one busy client cannot hold the thread. */
const FLUSH_EVENTS = 500;
const HEARTBEAT_MS = 15_000;

/**
 * GET /api/v1/stream?q=FILTER — live tail as Server-Sent Events. Each matching event is a `data:` line with the
 * event's JSON; `event: missed` with `{"missed":N}` tells a client that its queue overflowed and N events were left
 * out. Writing stops while the socket is backed up, so a slow client costs only its own bounded queue.
 */
export function registerStream(app: FastifyInstance, deps: AppDeps): void {
  const open = new Set<ServerResponse>();
  app.addHook('preClose', (done) => {
    for (const res of open) res.end();
    open.clear();
    done();
  });
  app.get('/api/v1/stream', (req, reply) => {
    const q = (req.query as Record<string, string | undefined>).q ?? '*';
    const filter = tailFilter(q);
    const hub = tailHubFor(deps.store);
    const res = reply.raw;
    let scheduled = false;
    const ref: { sub?: TailSubscription } = {};
    const flush = (): void => {
      scheduled = false;
      const sub = ref.sub;
      if (!sub || sub.closed || res.writableNeedDrain || res.destroyed) return;
      const { events, missed } = sub.take(FLUSH_EVENTS);
      let out = '';
      if (missed > 0) out += `event: missed\ndata: {"missed":${missed}}\n\n`;
      for (const e of events) out += `data: ${e}\n\n`;
      if (out !== '') res.write(out);
      if (sub.pending > 0 || sub.missed > 0) schedule();
    };
    const schedule = (): void => {
      if (scheduled) return;
      scheduled = true;
      setImmediate(flush);
    };
    const sub = hub.subscribe(filter, schedule);
    ref.sub = sub;
    reply.hijack();
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write(`event: ready\ndata: ${JSON.stringify({ q })}\n\n`);
    open.add(res);
    res.on('drain', schedule);
    const heartbeat = setInterval(() => {
      if (!res.writableNeedDrain) res.write(': keep-alive\n\n');
    }, HEARTBEAT_MS);
    heartbeat.unref();
    const done = (): void => {
      clearInterval(heartbeat);
      open.delete(res);
      hub.unsubscribe(sub);
    };
    res.on('close', done);
  });
}
