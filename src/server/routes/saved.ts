import type { FastifyInstance } from 'fastify';
import { runSearch } from '../../search/run.js';
import { SavedInput, SavedSearches } from '../../search/saved.js';
import { Scheduler } from '../../search/schedule.js';
import type { AppDeps } from '../app.js';
import { HttpError } from '../errors.js';

/**
 * Saved searches and scheduled queries:
 * GET /api/v1/saved-searches · POST /api/v1/saved-searches · GET|DELETE /api/v1/saved-searches/{id or name} ·
 * POST /api/v1/saved-searches/{id or name}/run. A saved search with a `schedule` runs at its interval while the
 * server runs and raises an alert (event.kind alert, rule.name = its name) when its condition holds.
 */
export function registerSaved(app: FastifyInstance, deps: AppDeps): void {
  const saved = new SavedSearches(deps.store);
  const scheduler = new Scheduler(deps.store, saved, deps.pipeline);
  app.addHook('onReady', (done) => {
    scheduler.start();
    done();
  });
  app.addHook('preClose', async () => {
    await scheduler.stop();
  });

  app.get('/api/v1/saved-searches', async () => ({ saved_searches: await saved.list() }));

  app.post('/api/v1/saved-searches', async (req, reply) => {
    const parsed = SavedInput.safeParse(req.body ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const path = issue?.path.join('.') ?? '';
      throw new HttpError(400, 'VIGIL_ERR_BAD_REQUEST', `${path === '' ? '' : `${path}: `}${issue?.message ?? 'invalid saved search'}`);
    }
    const existing = await saved.get(parsed.data.name);
    if (existing?.name === parsed.data.name) throw new HttpError(409, 'VIGIL_ERR_CONFLICT', `a saved search named '${parsed.data.name}' exists`);
    const s = await saved.create(parsed.data, 'admin');
    return reply.code(201).send({ saved_search: s });
  });

  app.get('/api/v1/saved-searches/:id', async (req) => {
    const { id } = req.params as { id: string };
    const s = await saved.get(id);
    if (!s) throw new HttpError(404, 'VIGIL_ERR_NOT_FOUND', `no saved search '${id}'`);
    return { saved_search: s };
  });

  app.delete('/api/v1/saved-searches/:id', async (req, reply) => {
    const { id } = req.params as { id: string };
    if (!(await saved.remove(id))) throw new HttpError(404, 'VIGIL_ERR_NOT_FOUND', `no saved search '${id}'`);
    return reply.code(204).send();
  });

  app.post('/api/v1/saved-searches/:id/run', async (req) => {
    const { id } = req.params as { id: string };
    const s = await saved.get(id);
    if (!s) throw new HttpError(404, 'VIGIL_ERR_NOT_FOUND', `no saved search '${id}'`);
    if (s.schedule) {
      const alerted = await scheduler.runOne(s);
      return { saved_search: (await saved.get(s.id)) ?? s, alerted };
    }
    return runSearch(deps.store, { q: s.query, from: s.from, to: s.to }, Date.now());
  });
}
