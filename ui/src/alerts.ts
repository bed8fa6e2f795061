import { flatten, getPath } from './safe';
import type { Alert } from './types';

const ENTITY_FIELDS: [string, string][] = [
  ['source_ip', 'source.ip'],
  ['destination_ip', 'destination.ip'],
  ['user_name', 'user.name'],
  ['host_name', 'host.name'],
];

/** The alert's entities: vigil.alert.entities when the server gives them, else its group-by values and evidence. */
export function entitiesOf(a: Alert): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const given = a.vigil?.alert?.entities;
  for (const [key, field] of ENTITY_FIELDS) {
    const set = new Set<string>();
    const g = given?.[key];
    if (Array.isArray(g)) for (const v of g) if (typeof v === 'string') set.add(v);
    if (!given) {
      const fromGroup = getPath(a.vigil?.alert?.group, field);
      if (typeof fromGroup === 'string') set.add(fromGroup);
      const top = getPath(a, field);
      if (typeof top === 'string') set.add(top);
      for (const ev of a.vigil?.alert?.evidence?.slice(0, 50) ?? []) {
        const v = getPath(ev, field);
        if (typeof v === 'string') set.add(v);
      }
    }
    out[field] = [...set].slice(0, 20);
  }
  return out;
}

/** Names of the assets an alert touches (vigil.alert.assets), else its host names. */
export function assetsOf(a: Alert): string[] {
  const as = a.vigil?.alert?.assets;
  if (Array.isArray(as) && as.length > 0) return as.map((x) => (typeof x.name === 'string' ? x.name : '')).filter((x) => x !== '');
  return entitiesOf(a)['host.name'] ?? [];
}

export function riskOf(a: Alert): number {
  return typeof a.event?.risk_score === 'number' ? a.event.risk_score : typeof a.event?.severity === 'number' ? a.event.severity : 0;
}

export function statusOf(a: Alert): string {
  return a.vigil?.alert?.status ?? 'open';
}

/** A query that finds the events of one entity value, for its timeline. */
export function entityQuery(field: string, value: string): string {
  return `${field}:"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** Every `field: value` pair in an alert's group, as text. */
export function groupText(a: Alert): string {
  return flatten(a.vigil?.alert?.group ?? {})
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(', ');
}

export function countBy<T>(items: T[], key: (t: T) => string[]): [string, number][] {
  const m = new Map<string, number>();
  for (const it of items) for (const k of key(it)) m.set(k, (m.get(k) ?? 0) + 1);
  return [...m.entries()].sort((a, b) => b[1] - a[1]);
}
