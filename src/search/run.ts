import { VigilError } from '../core/errors.js';
import { parseTimeArg } from '../core/time.js';
import { parseQuery } from '../query/parser.js';
import type { Store } from '../store/store.js';

export interface SearchParams {
  q: string;
  from?: string | undefined;
  to?: string | undefined;
  limit?: string | number | undefined;
}

export interface SearchResponse {
  total: number;
  total_relation: 'eq' | 'gte';
  took_ms: number;
  events: (Record<string, unknown> & { id?: string })[];
}

export const MAX_LIMIT = 10_000;

/** The one search entry point behind GET /api/v1/search and `vigil search --json`: same input, same JSON. */
export async function runSearch(store: Store, p: SearchParams, now: number): Promise<SearchResponse> {
  const query = parseQuery(p.q);
  const from = p.from !== undefined && p.from !== '' ? parseTimeArg(p.from, now, 'from') : 0;
  const to = p.to !== undefined && p.to !== '' ? parseTimeArg(p.to, now, 'to') : Number.MAX_SAFE_INTEGER;
  const limit = p.limit === undefined || p.limit === '' ? 100 : Number(p.limit);
  if (!Number.isInteger(limit) || limit < 0 || limit > MAX_LIMIT) {
    throw new VigilError('VIGIL_ERR_BAD_REQUEST', `limit must be an integer from 0 to ${MAX_LIMIT}`);
  }
  if (from > to) throw new VigilError('VIGIL_ERR_BAD_REQUEST', 'from is after to');
  const r = await store.search({ filter: query.filter, from, to, limit });
  return {
    total: r.total,
    total_relation: r.totalRelation,
    took_ms: Math.round(r.tookMs * 100) / 100,
    events: r.events.map((h) => ({ id: h.id, ...h.event })),
  };
}
