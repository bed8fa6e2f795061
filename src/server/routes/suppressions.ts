import type { FastifyInstance, FastifyReply } from 'fastify';
import { whoFrom } from '../../alerting/triage.js';
import type { AppDeps } from '../app.js';
import { HttpError } from '../errors.js';

/** Suppressions: GET /suppressions, POST /suppressions, DELETE /suppressions/{id}. */
export function registerSuppressions(app: FastifyInstance, deps: AppDeps): void {
  const queue = deps.alerting;
  const notAvailable = (reply: FastifyReply): FastifyReply =>
    reply.code(501).send({ error: { code: 'VIGIL_ERR_NOT_AVAILABLE', message: 'suppressions need the alert queue, which this server runs without' } });

  app.get('/api/v1/suppressions', async (_req, reply) => (queue ? { suppressions: queue.book.suppressions() } : notAvailable(reply)));
  app.post('/api/v1/suppressions', async (req, reply) => {
    if (!queue) return notAvailable(reply);
    return reply.code(201).send(queue.book.addSuppression(req.body, whoFrom(req.headers['x-vigil-user'])));
  });
  app.delete('/api/v1/suppressions/:id', async (req, reply) => {
    if (!queue) return notAvailable(reply);
    const { id } = req.params as { id: string };
    if (!queue.book.deleteSuppression(id)) throw new HttpError(404, 'VIGIL_ERR_NOT_FOUND', `no suppression ${id.slice(0, 128)}`);
    return { deleted: id };
  });
}
