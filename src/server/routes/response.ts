import type { FastifyInstance } from 'fastify';
import type { Notifier } from '../../alerting/notify/notifier.js';
import type { Responder } from '../../alerting/respond/responder.js';
import type { AppDeps } from '../app.js';
import { HttpError } from '../errors.js';

/** Notification and response, as the API sees them (either may be absent: the lists are then empty). */
export interface ResponseDeps {
  notifier?: Notifier;
  responder?: Responder;
}

/** ?limit= as an integer 1–10000 (default 1000). */
export function limitParam(v: string | undefined): number {
  if (v === undefined || v === '') return 1000;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 10_000) throw new HttpError(400, 'VIGIL_ERR_BAD_REQUEST', `limit: '${v.slice(0, 40)}' is not a number from 1 to 10000`);
  return n;
}

/** GET /response/actions?alert_id=&ip=&limit= · GET /response/blocks · POST /response/blocks/{ip}/unblock */
export function registerResponse(app: FastifyInstance, deps: Pick<AppDeps, 'response'>): void {
  app.get('/api/v1/response/actions', (req) => {
    const q = req.query as Record<string, string | undefined>;
    const limit = limitParam(q.limit);
    const r = deps.response?.responder;
    if (!r) return { actions: [] };
    return { actions: r.actionsList({ limit, ...(q.alert_id ? { alertId: q.alert_id } : {}), ...(q.ip ? { ip: q.ip } : {}) }) };
  });
  app.get('/api/v1/response/blocks', () => ({ blocks: deps.response?.responder?.blocks() ?? [] }));
  app.post('/api/v1/response/blocks/:ip/unblock', async (req) => {
    const { ip } = req.params as { ip: string };
    const done = await deps.response?.responder?.unblock(ip, 'api');
    if (!done) throw new HttpError(404, 'VIGIL_ERR_NOT_FOUND', `no block in force for ${ip.slice(0, 100)}`);
    return { action: done };
  });
}
