import type { FastifyInstance } from 'fastify';
import { parseTimeArg } from '../../core/time.js';
import type { AppDeps } from '../app.js';
import { HttpError } from '../errors.js';

/** GET /api/v1/fields?from=&to= — the field names seen in stored events of that time range (for autocompletion). */
export function registerFields(app: FastifyInstance, deps: AppDeps): void {
  app.get('/api/v1/fields', async (req) => {
    const q = req.query as Record<string, string | undefined>;
    const now = Date.now();
    const from = q.from !== undefined && q.from !== '' ? parseTimeArg(q.from, now, 'from') : 0;
    const to = q.to !== undefined && q.to !== '' ? parseTimeArg(q.to, now, 'to') : Number.MAX_SAFE_INTEGER;
    if (from > to) throw new HttpError(400, 'VIGIL_ERR_BAD_REQUEST', 'from is after to');
    const names = await deps.store.fieldNames(from, to);
    return { fields: [...names].sort() };
  });
}
