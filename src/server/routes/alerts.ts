import type { FastifyInstance, FastifyReply } from 'fastify';
import { AlertBook, whoFrom } from '../../alerting/triage.js';
import { getAlert, listAlerts } from '../../detect/alert-list.js';
import type { AppDeps } from '../app.js';
import { HttpError } from '../errors.js';

/*
 * The alert queue: GET /alerts (filters, risk order), GET /alerts/{id} (with history and comments), POST
 * /alerts/{id}/status, POST /alerts/status (bulk), POST /alerts/{id}/comments. Without an alert queue (an API built
 * without one) the list is read from the event store and the triage endpoints answer 501.
 */
export function registerAlerts(app: FastifyInstance, deps: AppDeps): void {
  const queue = deps.alerting;
  const notAvailable = (reply: FastifyReply, what: string): FastifyReply =>
    reply.code(501).send({ error: { code: 'VIGIL_ERR_NOT_AVAILABLE', message: `${what} needs the alert queue, which this server runs without` } });

  app.get('/api/v1/alerts', async (req) => {
    const q = req.query as Record<string, string | undefined>;
    if (queue) return queue.book.list(q);
    return listAlerts(deps.store, { status: q.status, min_severity: q.min_severity, from: q.from, to: q.to, limit: q.limit }, Date.now());
  });
  app.get('/api/v1/alerts/:id', async (req) => {
    const { id } = req.params as { id: string };
    const a = queue ? queue.book.get(id) : await getAlert(deps.store, id, Date.now());
    if (!a) throw new HttpError(404, 'VIGIL_ERR_NOT_FOUND', `no alert ${id}`);
    return a;
  });
  app.post('/api/v1/alerts/status', async (req, reply) => {
    if (!queue) return notAvailable(reply, 'POST /api/v1/alerts/status');
    const who = whoFrom(req.headers['x-vigil-user']);
    const { ids, ...change } = AlertBook.parseBulk(req.body);
    return queue.book.setStatusMany(ids, change, who);
  });
  app.post('/api/v1/alerts/:id/status', async (req, reply) => {
    const { id } = req.params as { id: string };
    if (!queue) return notAvailable(reply, `POST /api/v1/alerts/${id}/status`);
    const who = whoFrom(req.headers['x-vigil-user']);
    const a = queue.book.setStatus(id, AlertBook.parseChange(req.body), who);
    if (!a) throw new HttpError(404, 'VIGIL_ERR_NOT_FOUND', `no alert ${id}`);
    return a;
  });
  app.post('/api/v1/alerts/:id/comments', async (req, reply) => {
    const { id } = req.params as { id: string };
    if (!queue) return notAvailable(reply, `POST /api/v1/alerts/${id}/comments`);
    const c = queue.book.addComment(id, req.body, whoFrom(req.headers['x-vigil-user']));
    if (!c) throw new HttpError(404, 'VIGIL_ERR_NOT_FOUND', `no alert ${id}`);
    return reply.code(201).send(c);
  });
}
