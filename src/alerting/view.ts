import { setPath, type EcsEvent } from '../schema/event.js';
import { entitiesFromJson } from './entities.js';
import type { AlertStatus, TriagedAlert } from './types.js';

/** One row of the alerts table. */
export interface AlertRow {
  id: string;
  rule_id: string;
  rule_name: string;
  level: string;
  severity: number;
  risk: number;
  status: AlertStatus;
  assignee: string | null;
  close_reason: string | null;
  group_key: string;
  count: number;
  first_seen: number;
  last_seen: number;
  building_block: number;
  entities: string;
  entity_text: string;
  assets: string;
  asset_text: string;
  evidence_ids: string;
  doc: string;
  created: number;
  updated: number;
}

/** An alert as the API answers it: the ECS alert document, its triage state stamped on, and a top-level id. */
export type AlertJson = Record<string, unknown> & { id: string };

export interface HistoryEntry {
  at: string;
  who: string;
  action: string;
  from: string | null;
  to: string | null;
  reason?: string;
  comment?: string;
}

export interface CommentEntry {
  at: string;
  who: string;
  text: string;
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** The alert document with the row's current state (status, count, risk, …) written over the stored one. */
export function alertJson(row: AlertRow): AlertJson {
  const doc = JSON.parse(row.doc) as EcsEvent;
  setPath(doc, 'event.risk_score', row.risk);
  setPath(doc, 'vigil.alert.status', row.status);
  setPath(doc, 'vigil.alert.count', row.count);
  setPath(doc, 'vigil.alert.first_seen', iso(row.first_seen));
  setPath(doc, 'vigil.alert.last_seen', iso(row.last_seen));
  setPath(doc, 'vigil.alert.assignee', row.assignee);
  setPath(doc, 'vigil.alert.close_reason', row.close_reason);
  setPath(doc, 'vigil.alert.entities', JSON.parse(row.entities) as unknown);
  setPath(doc, 'vigil.alert.assets', JSON.parse(row.assets) as unknown);
  setPath(doc, 'vigil.alert.building_block', row.building_block === 1);
  setPath(doc, 'vigil.alert.evidence_ids', JSON.parse(row.evidence_ids) as unknown);
  const { id: _drop, ...rest } = doc;
  void _drop;
  return { ...rest, id: row.id };
}

/** What listeners (notification, response) receive. */
export function triaged(row: AlertRow): TriagedAlert {
  const doc = alertJson(row);
  const { id: _id, ...ecs } = doc;
  void _id;
  const threat = ecs['threat'] as { technique?: { id?: unknown } } | undefined;
  const techniques = Array.isArray(threat?.technique?.id) ? threat.technique.id.filter((t): t is string => typeof t === 'string') : [];
  return {
    id: row.id,
    ruleId: row.rule_id,
    ruleName: row.rule_name,
    level: row.level,
    severity: row.severity,
    riskScore: row.risk,
    status: row.status,
    entities: entitiesFromJson(JSON.parse(row.entities)),
    count: row.count,
    firstSeen: iso(row.first_seen),
    lastSeen: iso(row.last_seen),
    buildingBlock: row.building_block === 1,
    techniques,
    doc: ecs,
  };
}
