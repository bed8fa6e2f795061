import { z } from 'zod';
import { VigilError } from '../core/errors.js';
import { getPath, isObject, type EcsEvent } from '../schema/event.js';
import { describeZod } from '../enrich/assets-config.js';
import type { AlertEntities } from './types.js';

/*
 * Suppression: per entity, not per rule. A suppression names an entity (an address, user or host name found among the
 * alert's entities) and/or field values, optionally a rule, and a time window; an alert matching all it names is not
 * raised (counted as a hit of the suppression instead). A suppression without an entity or field values is refused:
 * to silence a rule everywhere, disable the rule.
 */

const DURATION = /^(\d{1,9})(s|m|h|d|w)$/;
const UNIT: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

export const SuppressionInputSchema = z
  .strictObject({
    rule_id: z.string().min(1).max(128).optional().describe('only alerts of this rule'),
    entity: z.string().min(1).max(255).optional().describe('an address, user or host name among the alert\'s entities'),
    field_values: z.record(z.string().min(1).max(128), z.union([z.string().max(1024), z.number(), z.boolean()])).optional().describe('fields (of the alert, its group-by values or its evidence) and the value each must have'),
    until: z.string().min(1).max(64).optional().describe('ISO 8601 end; without until or duration it lasts until deleted'),
    duration: z.string().regex(DURATION, 'a duration such as 30m, 12h, 7d').optional().describe('or a length from now: 30m, 12h, 7d'),
    reason: z.string().min(1).max(1024).describe('why (shown in the API)'),
  })
  .superRefine((s, ctx) => {
    if (s.entity === undefined && (s.field_values === undefined || Object.keys(s.field_values).length === 0)) {
      ctx.addIssue({ code: 'custom', path: ['entity'], message: 'a suppression names an entity or field_values (suppression is per entity, not per rule)' });
    }
    if (s.field_values && Object.keys(s.field_values).length > 20) ctx.addIssue({ code: 'custom', path: ['field_values'], message: 'at most 20 fields' });
    if (s.until !== undefined && s.duration !== undefined) ctx.addIssue({ code: 'custom', path: ['until'], message: 'give until or duration, not both' });
    if (s.until !== undefined && Number.isNaN(Date.parse(s.until))) ctx.addIssue({ code: 'custom', path: ['until'], message: 'not an ISO 8601 time' });
  });

export type SuppressionInput = z.infer<typeof SuppressionInputSchema>;

export interface Suppression {
  id: string;
  rule_id?: string;
  entity?: string;
  field_values?: Record<string, string | number | boolean>;
  /** ISO 8601; absent: until deleted */
  until?: string;
  reason: string;
  created: string;
  who: string;
  hits: number;
  last_hit?: string;
}

/** Validates a suppression from untrusted JSON; answers its expiry (ms, or null for none). */
export function parseSuppression(raw: unknown, now: number): { input: SuppressionInput; until: number | null } {
  const r = SuppressionInputSchema.safeParse(raw);
  if (!r.success) throw new VigilError('VIGIL_ERR_BAD_REQUEST', describeZod(r.error));
  const s = r.data;
  let until: number | null = null;
  if (s.until !== undefined) until = Date.parse(s.until);
  else if (s.duration !== undefined) {
    const m = DURATION.exec(s.duration);
    if (m) until = now + Number(m[1]) * (UNIT[m[2] as string] as number);
  }
  if (until !== null && until <= now) throw new VigilError('VIGIL_ERR_BAD_REQUEST', 'until: the suppression would already have ended');
  return { input: s, until };
}

/** A value of an alert's field: the document itself, its group-by values, or any of its evidence events. */
function fieldMatches(doc: EcsEvent, field: string, want: string | number | boolean): boolean {
  const eq = (v: unknown): boolean => (Array.isArray(v) ? v.some((x) => eq(x)) : v === want || (typeof v === 'number' && String(v) === String(want)) || (typeof v === 'string' && typeof want !== 'string' && v === String(want)));
  if (eq(getPath(doc, field))) return true;
  const group = getPath(doc, 'vigil.alert.group');
  if (isObject(group) && eq(getPath(group, field))) return true;
  const evidence = getPath(doc, 'vigil.alert.evidence');
  if (Array.isArray(evidence)) for (const e of evidence.slice(0, 100)) if (isObject(e) && eq(getPath(e, field))) return true;
  return false;
}

/** True when the suppression covers the alert (rule, entity, field values; the time window is checked by the caller). */
export function suppresses(s: Pick<Suppression, 'rule_id' | 'entity' | 'field_values'>, ruleId: string, entities: AlertEntities, doc: EcsEvent): boolean {
  if (s.rule_id !== undefined && s.rule_id !== ruleId) return false;
  if (s.entity !== undefined) {
    const e = s.entity.toLowerCase();
    const all = [...entities.sourceIp, ...entities.destinationIp, ...entities.userName, ...entities.hostName];
    if (!all.some((v) => v.toLowerCase() === e)) return false;
  }
  if (s.field_values) for (const [f, v] of Object.entries(s.field_values)) if (!fieldMatches(doc, f, v)) return false;
  return true;
}

export interface SuppressionRow {
  id: string;
  rule_id: string | null;
  entity: string | null;
  field_values: string | null;
  until: number | null;
  reason: string;
  created: number;
  who: string;
  hits: number;
  last_hit: number | null;
}

export function suppressionOf(r: SuppressionRow): Suppression {
  const s: Suppression = { id: r.id, reason: r.reason, created: new Date(r.created).toISOString(), who: r.who, hits: r.hits };
  if (r.rule_id !== null) s.rule_id = r.rule_id;
  if (r.entity !== null) s.entity = r.entity;
  if (r.field_values !== null) s.field_values = JSON.parse(r.field_values) as Record<string, string | number | boolean>;
  if (r.until !== null) s.until = new Date(r.until).toISOString();
  if (r.last_hit !== null) s.last_hit = new Date(r.last_hit).toISOString();
  return s;
}
