import type { FastifyInstance } from 'fastify';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hunt, type HuntResult } from '../../detect/sigma/hunt/index.js';
import { MAX_UPLOAD_BYTES } from '../../detect/uploads.js';
import type { Store } from '../../store/store.js';
import type { AppDeps } from '../app.js';
import { HttpError } from '../errors.js';

/** matches returned by one hunt at most */
export const MAX_HUNT_LIMIT = 10_000;

/** Hunts with rule text given inline: written to a private temporary file for the loader, removed afterwards. */
export async function huntText(store: Store, yaml: string, o: { from?: string; to?: string; limit?: number }): Promise<HuntResult> {
  if (Buffer.byteLength(yaml) > MAX_UPLOAD_BYTES) throw new HttpError(400, 'VIGIL_ERR_BAD_REQUEST', `yaml is at most ${MAX_UPLOAD_BYTES} bytes`);
  const dir = mkdtempSync(join(tmpdir(), 'vigil-hunt-'));
  try {
    const file = join(dir, 'rule.yml');
    writeFileSync(file, yaml, { mode: 0o600 });
    const r = await hunt(store, file, o);
    // the temporary path means nothing to the caller
    for (const p of r.problems) p.file = 'yaml';
    return r;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function optionalText(v: unknown, name: string): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new HttpError(400, 'VIGIL_ERR_BAD_REQUEST', `${name} must be a string`);
  return v;
}

/** POST /api/v1/hunt {"rule_id"|"yaml", "from", "to"?, "limit"?} → the `vigil hunt --json` shape. */
export function registerHunt(app: FastifyInstance, deps: AppDeps): void {
  app.post('/api/v1/hunt', async (req) => {
    const body = req.body as Record<string, unknown> | null | undefined;
    if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new HttpError(400, 'VIGIL_ERR_BAD_REQUEST', 'body must be {"rule_id"|"yaml", "from", "to"?, "limit"?}');
    const ruleId = optionalText(body['rule_id'], 'rule_id');
    const yaml = optionalText(body['yaml'], 'yaml');
    const from = optionalText(body['from'], 'from');
    const to = optionalText(body['to'], 'to');
    if ((ruleId === undefined) === (yaml === undefined)) throw new HttpError(400, 'VIGIL_ERR_BAD_REQUEST', 'give either rule_id or yaml');
    if (from === undefined || from.trim() === '') throw new HttpError(400, 'VIGIL_ERR_BAD_REQUEST', 'from is required (e.g. "-7d" or an ISO 8601 time)');
    const limitRaw = body['limit'] ?? 1000;
    if (typeof limitRaw !== 'number' || !Number.isInteger(limitRaw) || limitRaw < 0 || limitRaw > MAX_HUNT_LIMIT) throw new HttpError(400, 'VIGIL_ERR_BAD_REQUEST', `limit must be an integer from 0 to ${MAX_HUNT_LIMIT}`);
    const o = { from, ...(to !== undefined ? { to } : {}), limit: limitRaw };
    if (yaml !== undefined) return huntText(deps.store, yaml, o);
    const meta = deps.detection?.ruleMeta(ruleId ?? '');
    if (!meta) throw new HttpError(404, 'VIGIL_ERR_NOT_FOUND', `no rule ${ruleId ?? ''}`);
    const r = await hunt(deps.store, meta.location.file, o);
    // the file may hold other rules: only this one's matches are returned
    const events = r.events.filter((e) => e.vigil_hunt_rules.includes(meta.id));
    return { ...r, rules: r.rules.filter((x) => x.id === meta.id), matched: r.truncated ? r.matched : events.length, events };
  });
}
