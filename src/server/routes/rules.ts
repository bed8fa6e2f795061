import type { FastifyInstance } from 'fastify';
import { runRuleTests, testRuleWithEvents } from '../../detect/rule-tests.js';
import type { AppDeps } from '../app.js';
import { HttpError } from '../errors.js';

/** GET /api/v1/rules · POST /api/v1/rules/{id}/test */
export function registerRules(app: FastifyInstance, deps: AppDeps): void {
  app.get('/api/v1/rules', () => {
    const d = deps.detection;
    if (!d) return { rules: [], problems: [] };
    return { rules: d.status(), problems: [...d.rules.problems, ...d.rules.matcher.problems.filter((p) => !d.rules.problems.includes(p))] };
  });

  // Body {"events":[…]} (log lines or ECS documents) runs them through the rule; no body runs the rule's test file.
  app.post('/api/v1/rules/:id/test', (req) => {
    const { id } = req.params as { id: string };
    const meta = deps.detection?.ruleMeta(id);
    if (!meta) throw new HttpError(404, 'VIGIL_ERR_NOT_FOUND', `no rule ${id}`);
    const body = req.body as { events?: unknown } | undefined | null;
    if (body !== undefined && body !== null && (typeof body !== 'object' || Array.isArray(body))) throw new HttpError(400, 'VIGIL_ERR_BAD_REQUEST', 'body must be {"events":[…]}');
    const events = body?.events;
    if (events !== undefined) {
      if (!Array.isArray(events)) throw new HttpError(400, 'VIGIL_ERR_BAD_REQUEST', 'events must be a list of log lines or ECS documents');
      try {
        return testRuleWithEvents(meta.location.file, id, events);
      } catch (e) {
        throw new HttpError(400, 'VIGIL_ERR_BAD_REQUEST', e instanceof Error ? e.message : String(e));
      }
    }
    const report = runRuleTests([meta.location.file]);
    const results = report.results.filter((r) => r.rule === id || r.rule === '');
    return { rule: id, ok: results.length > 0 && results.every((r) => r.ok), results, untested: results.length === 0 };
  });
}
