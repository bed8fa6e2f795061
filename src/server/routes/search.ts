import type { FastifyInstance } from 'fastify';
import { runSearch } from '../../search/run.js';
import type { AppDeps } from '../app.js';

/** GET /api/v1/search?q=&from=&to=&limit=&budget_ms= — events, or a table for an aggregating query */
export function registerSearch(app: FastifyInstance, deps: AppDeps): void {
  app.get('/api/v1/search', async (req) => {
    const q = req.query as Record<string, string | undefined>;
    return runSearch(deps.store, { q: q.q ?? '*', from: q.from, to: q.to, limit: q.limit, budget_ms: q.budget_ms }, Date.now());
  });
}
