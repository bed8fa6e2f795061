import { VigilError } from '../core/errors.js';
import { isTable, runSearch, type SearchResponse } from '../search/run.js';
import type { Store } from '../store/store.js';
import { ALERT_KIND, ALERT_STATUS, EVENT_ID } from './alerts.js';

/** The JSON of GET /api/v1/alerts and `vigil alerts --json`. */
export interface AlertList {
  total: number;
  total_relation: 'eq' | 'gte';
  alerts: Array<Record<string, unknown> & { id: string }>;
}

export interface AlertQuery {
  status?: string | undefined;
  min_severity?: string | number | undefined;
  from?: string | undefined;
  to?: string | undefined;
  limit?: string | number | undefined;
}

const STATUS = /^[a-z_]{1,32}$/;
const ID = /^[A-Za-z0-9-]{1,64}$/;

function alertId(doc: Record<string, unknown>, fallback: string | undefined): string {
  const ev = doc['event'];
  const id = typeof ev === 'object' && ev !== null ? (ev as Record<string, unknown>)['id'] : undefined;
  return typeof id === 'string' ? id : (fallback ?? '');
}

async function events(store: Store, q: string, from: string | undefined, to: string | undefined, limit: string | number | undefined, now: number): Promise<SearchResponse> {
  const r = await runSearch(store, { q, from, to, limit }, now);
  if (isTable(r)) throw new VigilError('VIGIL_ERR_INTERNAL', 'an alert query returned a table');
  return r;
}

/** Alerts from the store, newest first: the search path with `event.kind:alert` and the filters given. */
export async function listAlerts(store: Store, q: AlertQuery, now: number): Promise<AlertList> {
  const parts = [`event.kind:${ALERT_KIND}`];
  if (q.status !== undefined && q.status !== '') {
    if (!STATUS.test(q.status)) throw new VigilError('VIGIL_ERR_BAD_REQUEST', 'status must be a word such as open, acknowledged or closed');
    parts.push(`${ALERT_STATUS}:${q.status}`);
  }
  if (q.min_severity !== undefined && q.min_severity !== '') {
    const n = Number(q.min_severity);
    if (!Number.isInteger(n) || n < 0 || n > 100) throw new VigilError('VIGIL_ERR_BAD_REQUEST', 'min_severity must be an integer from 0 to 100');
    parts.push(`event.severity >= ${n}`);
  }
  const r = await events(store, parts.join(' and '), q.from, q.to, q.limit, now);
  return {
    total: r.total,
    total_relation: r.total_relation,
    alerts: r.events.map((e) => {
      const { id, ...doc } = e;
      return { ...doc, id: alertId(doc, id) };
    }),
  };
}

/** One alert by its id (its event.id), or undefined. */
export async function getAlert(store: Store, id: string, now: number): Promise<(Record<string, unknown> & { id: string }) | undefined> {
  if (!ID.test(id)) return undefined;
  const r = await events(store, `event.kind:${ALERT_KIND} and ${EVENT_ID}:"${id}"`, undefined, undefined, 1, now);
  const e = r.events[0];
  if (!e) return undefined;
  const { id: storeId, ...doc } = e;
  return { ...doc, id: alertId(doc, storeId) };
}
