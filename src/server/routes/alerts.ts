import type { FastifyInstance } from 'fastify';
import { getAlert, listAlerts } from '../../detect/alert-list.js';
import type { AppDeps } from '../app.js';
import { HttpError } from '../errors.js';

/** GET /api/v1/alerts?status=&min_severity=&from=&to=&limit= · GET /api/v1/alerts/{id} */
export function registerAlerts(app: FastifyInstance, deps: AppDeps): void {
  app.get('/api/v1/alerts', async (req) => {
    const q = req.query as Record<string, string | undefined>;
    return listAlerts(deps.store, { status: q.status, min_severity: q.min_severity, from: q.from, to: q.to, limit: q.limit }, Date.now());
  });
  app.get('/api/v1/alerts/:id', async (req) => {
    const { id } = req.params as { id: string };
    const a = await getAlert(deps.store, id, Date.now());
    if (!a) throw new HttpError(404, 'VIGIL_ERR_NOT_FOUND', `no alert ${id}`);
    return a;
  });
}
