import { z } from 'zod';
import { getPath } from '../../schema/event.js';
import { F } from '../../schema/fields.js';
import type { AssetLookup, TriagedAlert } from '../types.js';

/** Which alerts a channel or a response action takes; every given condition must hold (empty lists match anything). */
export const SelectorShape = {
  min_severity: z.number().min(0).max(100).default(0).describe('only alerts with event.severity at least this (0–100)'),
  min_risk: z.number().min(0).max(100).default(0).describe('only alerts with event.risk_score at least this (0–100)'),
  rules: z.array(z.string().min(1)).max(1000).default([]).describe('only these rule ids (empty: any rule)'),
  tags: z.array(z.string().min(1)).max(1000).default([]).describe('only rules carrying one of these tags, e.g. attack.t1110 (empty: any)'),
  assets: z.array(z.string().min(1)).max(1000).default([]).describe('only alerts involving one of these assets by name (empty: any)'),
  min_criticality: z.number().int().min(1).max(5).optional().describe('only alerts involving an asset of at least this criticality'),
};

export const SelectorSchema = z.strictObject(SelectorShape);
export type Selector = z.infer<typeof SelectorSchema>;

export interface InvolvedAsset {
  name: string;
  criticality: number;
  tags: readonly string[];
}

const MAX_ENTITIES = 64;

/** The assets an alert involves: those the queue stamped on it (vigil.alert.assets) and those the inventory finds. */
export function involvedAssets(alert: TriagedAlert, assets: AssetLookup | undefined): InvolvedAsset[] {
  const out = new Map<string, InvolvedAsset>();
  const stamped = getPath(alert.doc, 'vigil.alert.assets');
  if (Array.isArray(stamped)) {
    for (const a of stamped.slice(0, MAX_ENTITIES)) {
      const name = getPath(a as Record<string, unknown>, 'name');
      const crit = getPath(a as Record<string, unknown>, 'criticality');
      const tags = getPath(a as Record<string, unknown>, 'tags');
      if (typeof name === 'string' && typeof crit === 'number') {
        out.set(name, { name, criticality: crit, tags: Array.isArray(tags) ? tags.filter((t): t is string => typeof t === 'string') : [] });
      }
    }
  }
  if (assets) {
    const e = alert.entities;
    const found = [
      ...e.sourceIp.slice(0, MAX_ENTITIES).map((v) => assets.forIp(v)),
      ...e.destinationIp.slice(0, MAX_ENTITIES).map((v) => assets.forIp(v)),
      ...e.hostName.slice(0, MAX_ENTITIES).map((v) => assets.forHost(v)),
      ...e.userName.slice(0, MAX_ENTITIES).map((v) => assets.forUser(v)),
    ];
    for (const a of found) if (a) out.set(a.name, { name: a.name, criticality: a.criticality, tags: a.tags });
  }
  return [...out.values()];
}

/** The rule's tags as the alert document carries them. */
export function alertTags(alert: TriagedAlert): string[] {
  const t = getPath(alert.doc, F.tags);
  return Array.isArray(t) ? t.filter((x): x is string => typeof x === 'string') : [];
}

/** True when the alert passes the selector. Building-block alerts never pass. */
export function selects(sel: Selector, alert: TriagedAlert, assets: AssetLookup | undefined): boolean {
  if (alert.buildingBlock) return false;
  if (alert.severity < sel.min_severity || alert.riskScore < sel.min_risk) return false;
  if (sel.rules.length > 0 && !sel.rules.includes(alert.ruleId)) return false;
  if (sel.tags.length > 0) {
    const tags = alertTags(alert).map((t) => t.toLowerCase());
    if (!sel.tags.some((t) => tags.includes(t.toLowerCase()))) return false;
  }
  if (sel.assets.length > 0 || sel.min_criticality !== undefined) {
    const involved = involvedAssets(alert, assets);
    if (sel.assets.length > 0 && !involved.some((a) => sel.assets.includes(a.name))) return false;
    const min = sel.min_criticality;
    if (min !== undefined && !involved.some((a) => a.criticality >= min)) return false;
  }
  return true;
}
