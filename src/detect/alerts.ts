import { randomUUID } from 'node:crypto';
import { getPath, setPath, type EcsEvent } from '../schema/event.js';
import { F } from '../schema/fields.js';
import type { EvidenceRef } from './sigma/correlation/index.js';
import type { RuleMeta } from './types.js';

/*
 * Alert documents: ECS events with event.kind "alert", stored like any other event. The alert's own id is its
 * `event.id` (a random UUID); the API and `vigil alerts` show it as the top-level `id`.
 */

export const EVENT_ID = 'event.id';
export const ALERT_STATUS = 'vigil.alert.status';
export const ALERT_DATASET = 'vigil.alert';
export const ALERT_KIND = 'alert';

/** Sigma level → ECS event.severity (0–100). */
export const SEVERITY: Readonly<Record<string, number>> = { informational: 10, low: 25, medium: 50, high: 75, critical: 100 };

/** The fields of an evidence event an alert shows (besides its id and time). */
export const EVIDENCE_FIELDS = [
  F.eventDataset,
  F.eventAction,
  F.eventOutcome,
  'event.code',
  F.sourceIp,
  F.sourcePort,
  F.destinationIp,
  F.destinationPort,
  F.userName,
  F.hostName,
  F.processName,
  F.urlOriginal,
  F.message,
] as const;

const MAX_EVIDENCE_TEXT = 256;

/** ATT&CK technique ids from Sigma tags: attack.t1110 → T1110, attack.t1110.001 → T1110.001. */
export function techniqueIds(tags: readonly string[]): string[] {
  const out: string[] = [];
  for (const t of tags) {
    const m = /^attack\.(t\d{4}(?:\.\d{3})?)$/i.exec(t);
    if (m?.[1] !== undefined) out.push(m[1].toUpperCase());
  }
  return [...new Set(out)];
}

/** ATT&CK tactic names from Sigma tags: attack.credential_access → credential_access. */
export function tacticNames(tags: readonly string[]): string[] {
  const out: string[] = [];
  for (const t of tags) {
    const m = /^attack\.([a-z][a-z_-]+)$/i.exec(t);
    if (m?.[1] !== undefined && !/^(g|s)\d{4}$/i.test(m[1])) out.push(m[1].toLowerCase().replace(/-/g, '_'));
  }
  return [...new Set(out)];
}

/** The id of a stored event, giving it a random UUID first when it has none. */
export function ensureEventId(e: EcsEvent): string {
  const id = getPath(e, EVENT_ID);
  if (typeof id === 'string' && id.length > 0 && id.length <= 128) return id;
  const fresh = randomUUID();
  setPath(e, EVENT_ID, fresh);
  return fresh;
}

/** What an alert keeps of one matched event. */
export function evidenceOf(e: EcsEvent, ruleId: string, time: number, fields: EvidenceRef['fields'] = evidenceFields(e)): EvidenceRef {
  return { id: ensureEventId(e), t: time, seq: 0, rule: ruleId, fields };
}

/** The fields an evidence reference keeps of an event (shared, never changed, by every rule the event matched). */
export function evidenceFields(e: EcsEvent): EvidenceRef['fields'] {
  const fields: Record<string, string | number | boolean> = {};
  for (const f of EVIDENCE_FIELDS) {
    const v = getPath(e, f);
    if (typeof v === 'string') fields[f] = v.length > MAX_EVIDENCE_TEXT ? `${v.slice(0, MAX_EVIDENCE_TEXT)}…` : v;
    else if (typeof v === 'number' || typeof v === 'boolean') fields[f] = v;
  }
  return fields;
}

export interface AlertInput {
  rule: RuleMeta;
  /** 'detection' (one event) or the correlation type */
  type: string;
  /** event time of the triggering event, ms */
  time: number;
  explanation: readonly string[];
  evidence: readonly EvidenceRef[];
  group?: Record<string, string>;
  value?: number;
}

/** Dotted names as nested objects (`source.ip` → source: { ip }), as the store keeps documents. */
function nested(flat: Record<string, string>): EcsEvent {
  const out: EcsEvent = {};
  for (const [k, v] of Object.entries(flat)) setPath(out, k, v);
  return out;
}

/** The ECS alert document for a rule that fired. */
export function alertDocument(a: AlertInput, now: number): EcsEvent {
  const severity = SEVERITY[a.rule.level] ?? 50;
  const techniques = techniqueIds(a.rule.tags);
  const tactics = tacticNames(a.rule.tags);
  const groupText = a.group ? Object.entries(a.group).map(([k, v]) => `${k}=${v}`).join(', ') : '';
  const doc: EcsEvent = {
    [F.timestamp]: new Date(Number.isFinite(a.time) ? a.time : now).toISOString(),
    event: {
      id: randomUUID(),
      kind: ALERT_KIND,
      dataset: ALERT_DATASET,
      created: new Date(now).toISOString(),
      severity,
      risk_score: severity,
      reason: a.explanation.join('; '),
    },
    message: groupText ? `${a.rule.title} (${groupText})` : a.rule.title,
    rule: {
      id: a.rule.id,
      name: a.rule.title,
      ...(a.rule.description !== undefined ? { description: a.rule.description } : {}),
      ruleset: 'sigma',
      category: a.type,
      ...(a.rule.location.file ? { reference: a.rule.location.file } : {}),
    },
    tags: [...a.rule.tags],
    vigil: {
      alert: {
        status: 'open',
        level: a.rule.level,
        explanation: [...a.explanation],
        ...(a.group ? { group: nested(a.group) } : {}),
        ...(a.value !== undefined ? { value: a.value } : {}),
        evidence: a.evidence.map((e) => {
          const item: EcsEvent = { id: e.id, [F.timestamp]: new Date(e.t).toISOString(), rule_id: e.rule };
          for (const [k, v] of Object.entries(e.fields)) setPath(item, k, v);
          return item;
        }),
        evidence_ids: a.evidence.map((e) => e.id),
      },
    },
  };
  if (techniques.length > 0 || tactics.length > 0) {
    doc['threat'] = {
      framework: 'MITRE ATT&CK',
      ...(techniques.length > 0 ? { technique: { id: techniques } } : {}),
      ...(tactics.length > 0 ? { tactic: { name: tactics } } : {}),
    };
  }
  return doc;
}
