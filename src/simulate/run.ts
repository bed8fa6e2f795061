import { setTimeout as sleep } from 'node:timers/promises';
import { errorMessage } from '../core/errors.js';
import type { Scenario } from './scenarios.js';
import type { Sender } from './send.js';

/** The outcome of one scenario (one row of the table, one element of --json). */
export interface ScenarioResult {
  scenario: string;
  /** the rule id expected (the first of the scenario's rules that the server has loaded) */
  rule: string;
  entity: string;
  passed: boolean;
  /** the alert found */
  alert_id?: string;
  /** ms from the last event sent to the alert being visible in GET /api/v1/alerts */
  latency_ms?: number;
  events: number;
  via: string;
  error?: string;
}

export interface Target {
  base: string;
  token: string;
}

const POLL_MS = 250;

async function getJson(t: Target, path: string): Promise<unknown> {
  const res = await fetch(`${t.base}${path}`, { headers: { authorization: `Bearer ${t.token}` }, signal: AbortSignal.timeout(15_000) });
  if (!res.ok) throw new Error(`GET ${path} answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
  return res.json();
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The ids of the rules the server has loaded (GET /api/v1/rules). */
export async function loadedRules(t: Target): Promise<Set<string>> {
  const body = await getJson(t, '/api/v1/rules');
  const rules = isObj(body) && Array.isArray(body['rules']) ? body['rules'] : [];
  return new Set(rules.map((r) => (isObj(r) && typeof r['id'] === 'string' ? r['id'] : '')).filter((x) => x !== ''));
}

/** Whether an alert is the scenario's: the rule id, and the entity among its group-by values or its evidence. */
export function names(alert: unknown, rule: string, entity: string): boolean {
  if (!isObj(alert)) return false;
  const r = alert['rule'];
  if (!isObj(r) || r['id'] !== rule) return false;
  const v = isObj(alert['vigil']) ? alert['vigil'] : {};
  const a = isObj(v['alert']) ? v['alert'] : {};
  const needle = JSON.stringify(entity);
  return JSON.stringify(a['group'] ?? null).includes(needle) || JSON.stringify(a['evidence'] ?? null).includes(needle);
}

/** Polls GET /api/v1/alerts until an alert of `rule` naming `entity` is there, or the deadline passes. */
export async function waitForAlert(t: Target, rule: string, entity: string, since: number, deadline: number): Promise<{ id: string; seenAt: number } | undefined> {
  const from = new Date(since - 10 * 60_000).toISOString();
  const path = `/api/v1/alerts?${new URLSearchParams({ rule, from, limit: '1000', sort: 'time', building_blocks: 'true' }).toString()}`;
  for (;;) {
    const body = await getJson(t, path);
    const list = isObj(body) && Array.isArray(body['alerts']) ? body['alerts'] : [];
    const hit: unknown = list.find((a: unknown) => names(a, rule, entity));
    if (isObj(hit)) return { id: typeof hit['id'] === 'string' ? hit['id'] : '', seenAt: Date.now() };
    if (Date.now() >= deadline) return undefined;
    await sleep(Math.min(POLL_MS, Math.max(0, deadline - Date.now())));
  }
}

/** Runs one scenario: sends its events step by step, then waits for the expected alert. Never throws. */
export async function runScenario(s: Scenario, t: Target, loaded: ReadonlySet<string>, sender: () => Promise<Sender>, deadlineS?: number): Promise<ScenarioResult> {
  const plan = s.plan();
  const rule = s.rules.find((r) => loaded.has(r));
  const res: ScenarioResult = { scenario: s.name, rule: rule ?? s.rules.join(' or '), entity: `${plan.entity.field}=${plan.entity.value}`, passed: false, events: 0, via: '' };
  if (rule === undefined) {
    res.error = `rule ${s.rules.join(' or ')} is not loaded by the server`;
    return res;
  }
  const started = Date.now();
  let out: Sender | undefined;
  try {
    out = await sender();
    res.via = out.how;
    for (const step of plan.steps) {
      await out.send(step.msgs);
      res.events += step.msgs.length;
      if (step.pauseMs !== undefined && step.pauseMs > 0) await sleep(step.pauseMs);
    }
  } catch (e) {
    res.error = `sending failed: ${errorMessage(e)}`;
    return res;
  } finally {
    await out?.close().catch(() => {});
  }
  const sentAt = Date.now();
  try {
    const found = await waitForAlert(t, rule, plan.entity.value, started, sentAt + (deadlineS ?? s.deadlineS) * 1000);
    if (found) {
      res.passed = true;
      res.alert_id = found.id;
      res.latency_ms = found.seenAt - sentAt;
    } else res.error = `no alert of ${rule} naming ${plan.entity.value} within ${deadlineS ?? s.deadlineS} s`;
  } catch (e) {
    res.error = errorMessage(e);
  }
  return res;
}
