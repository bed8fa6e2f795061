import type { FastifyInstance } from 'fastify';
import { readFileSync } from 'node:fs';
import { runRuleTests, testRuleWithEvents } from '../../detect/rule-tests.js';
import { hunt } from '../../detect/sigma/hunt/index.js';
import { loadSigmaText } from '../../detect/sigma/load.js';
import { MAX_UPLOAD_BYTES, problemJson, testsFileOf } from '../../detect/uploads.js';
import type { AppDeps } from '../app.js';
import { HttpError } from '../errors.js';

/** rule file text returned by GET /rules/{id} at most */
const MAX_YAML_BYTES = 4 * 1024 * 1024;

/** GET /api/v1/rules[/{id}] · POST /api/v1/rules · POST /api/v1/rules/{id}/enabled · POST /api/v1/rules/{id}/test */
export function registerRules(app: FastifyInstance, deps: AppDeps): void {
  app.addContentTypeParser(['application/yaml', 'application/x-yaml', 'text/yaml', 'text/x-yaml'], { parseAs: 'string' }, (_req, body, done) => done(null, body));

  app.get('/api/v1/rules', () => {
    const d = deps.detection;
    if (!d) return { rules: [], problems: [] };
    return { rules: d.status(), problems: [...d.rules.problems, ...d.rules.matcher.problems.filter((p) => !d.rules.problems.includes(p))] };
  });

  app.get('/api/v1/rules/:id', (req) => {
    const { id } = req.params as { id: string };
    const d = deps.detection;
    const status = d?.status().find((r) => r.id === id);
    if (!d || !status) throw new HttpError(404, 'VIGIL_ERR_NOT_FOUND', `no rule ${id}`);
    let yaml: string;
    try {
      const buf = readFileSync(status.file);
      yaml = buf.subarray(0, MAX_YAML_BYTES).toString('utf8');
    } catch (e) {
      throw new HttpError(404, 'VIGIL_ERR_NOT_FOUND', `rule ${id}: its file cannot be read (${e instanceof Error ? e.message : String(e)})`);
    }
    const problems = d.rules.problems.filter((p) => p.ruleId === id || p.location.file === status.file).map((p) => problemJson(p));
    return { ...status, yaml, tests: testsFileOf(status.file) !== undefined, problems };
  });

  // Body: the YAML text (application/yaml, text/plain) or {"yaml": "...", "hunt_from"?: "-7d"} (hunt: the first 1,000 matches).
  // Sigma rules, correlations, filters and Vigil baseline/silence rules (docs/anomaly.md) alike.
  app.post('/api/v1/rules', async (req, reply) => {
    const admin = deps.ruleAdmin;
    if (!admin || !deps.detection) throw new HttpError(501, 'VIGIL_ERR_NOT_AVAILABLE', 'rules cannot be uploaded without a detection engine');
    const body = req.body;
    let yaml: string;
    let huntFrom: string | undefined;
    if (typeof body === 'string') yaml = body;
    else if (body !== null && typeof body === 'object' && !Array.isArray(body) && typeof (body as Record<string, unknown>)['yaml'] === 'string') {
      const b = body as Record<string, unknown>;
      yaml = b['yaml'] as string;
      const hf = b['hunt_from'];
      if (hf !== undefined && (typeof hf !== 'string' || hf.trim() === '')) throw new HttpError(400, 'VIGIL_ERR_BAD_REQUEST', 'hunt_from must be a time such as "-7d"');
      huntFrom = hf;
    } else throw new HttpError(400, 'VIGIL_ERR_BAD_REQUEST', 'body must be the rule YAML (Content-Type application/yaml or text/plain) or {"yaml": "...", "hunt_from"?: "-7d"}');
    // a hunt runs Sigma detection rules: asked for an upload without one (only baseline or silence rules), nothing is
    // stored (an upload with other problems goes on to report them with their lines)
    if (huntFrom !== undefined && Buffer.byteLength(yaml) <= MAX_UPLOAD_BYTES) {
      const sigma = loadSigmaText(yaml, 'upload');
      if (sigma.rules.length === 0 && sigma.problems.every((p) => p.code === 'SIGMA_MISSING_DETECTION')) {
        throw new HttpError(400, 'VIGIL_ERR_BAD_REQUEST', 'hunt_from needs a Sigma detection rule in the upload (baseline, silence and correlation rules are not hunted)');
      }
    }
    const r = admin.upload(yaml);
    if (!r.ok) return reply.code(400).send({ error: { code: 'VIGIL_ERR_RULE_INVALID', message: r.problems[0]?.message ?? 'the rule file has problems' }, rules: r.rules, problems: r.problems });
    const out: Record<string, unknown> = { rules: r.rules, problems: r.problems };
    if (huntFrom !== undefined && r.file !== undefined) out['hunt'] = await hunt(deps.store, r.file, { from: huntFrom, limit: 1000 });
    return reply.code(201).send(out);
  });

  app.post('/api/v1/rules/:id/enabled', (req) => {
    const { id } = req.params as { id: string };
    const admin = deps.ruleAdmin;
    const d = deps.detection;
    if (!admin || !d) throw new HttpError(501, 'VIGIL_ERR_NOT_AVAILABLE', 'rules cannot be switched without a detection engine');
    if (!d.ruleMeta(id)) throw new HttpError(404, 'VIGIL_ERR_NOT_FOUND', `no rule ${id}`);
    const body = req.body as { enabled?: unknown } | null | undefined;
    if (typeof body?.enabled !== 'boolean') throw new HttpError(400, 'VIGIL_ERR_BAD_REQUEST', 'body must be {"enabled": true|false}');
    admin.setEnabled(id, body.enabled);
    return d.status().find((r) => r.id === id);
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
