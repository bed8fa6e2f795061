import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../app.js';
import { HttpError } from '../errors.js';
import { limitParam } from './response.js';

const STATUSES = new Set(['pending', 'retrying', 'sent', 'failed', 'rate_limited']);

/** GET /notifications/deliveries?alert_id=&status=&channel=&limit= */
export function registerNotifications(app: FastifyInstance, deps: Pick<AppDeps, 'response'>): void {
  app.get('/api/v1/notifications/deliveries', (req) => {
    const q = req.query as Record<string, string | undefined>;
    const limit = limitParam(q.limit);
    if (q.status !== undefined && q.status !== '' && !STATUSES.has(q.status)) {
      throw new HttpError(400, 'VIGIL_ERR_BAD_REQUEST', `status: '${q.status.slice(0, 40)}' is not one of ${[...STATUSES].join(', ')}`);
    }
    const n = deps.response?.notifier;
    if (!n) return { deliveries: [] };
    return {
      deliveries: n.deliveries({ limit, ...(q.alert_id ? { alertId: q.alert_id } : {}), ...(q.status ? { status: q.status } : {}), ...(q.channel ? { channel: q.channel } : {}) }),
    };
  });
}
