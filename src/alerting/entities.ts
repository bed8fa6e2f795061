import { canonicalIp } from '../query/cidr.js';
import { getPath, isObject, type EcsEvent } from '../schema/event.js';
import { F } from '../schema/fields.js';
import type { AlertEntities } from './types.js';

/*
 * The entities an alert is about: source and destination addresses, user and host names, taken from the alert's
 * group-by values, its own fields and its evidence events. Bounded lists, no duplicates, addresses canonical.
 */

export const MAX_ENTITY_VALUES = 20;
const MAX_EVIDENCE_READ = 200;
const MAX_TEXT = 255;

const FIELDS: ReadonlyArray<[keyof AlertEntities, string, boolean]> = [
  ['sourceIp', F.sourceIp, true],
  ['destinationIp', F.destinationIp, true],
  ['userName', F.userName, false],
  ['hostName', F.hostName, false],
];

export function emptyEntities(): AlertEntities {
  return { sourceIp: [], destinationIp: [], userName: [], hostName: [] };
}

function add(out: AlertEntities, key: keyof AlertEntities, v: unknown, ip: boolean): void {
  const list = out[key];
  if (list.length >= MAX_ENTITY_VALUES) return;
  const values = Array.isArray(v) ? v.slice(0, MAX_ENTITY_VALUES) : [v];
  for (const x of values) {
    if (typeof x !== 'string' || x === '' || x.length > MAX_TEXT || /[\n\r]/.test(x)) continue;
    const text = ip ? canonicalIp(x) : x;
    if (text === null || list.includes(text) || list.length >= MAX_ENTITY_VALUES) continue;
    list.push(text);
  }
}

/** Entities of an alert document: group-by values first (they are what the alert is about), then its evidence. */
export function alertEntities(doc: EcsEvent): AlertEntities {
  const out = emptyEntities();
  const group = getPath(doc, 'vigil.alert.group');
  const sources: EcsEvent[] = [];
  if (isObject(group)) sources.push(group);
  sources.push(doc);
  const evidence = getPath(doc, 'vigil.alert.evidence');
  if (Array.isArray(evidence)) for (const e of evidence.slice(0, MAX_EVIDENCE_READ)) if (isObject(e)) sources.push(e);
  for (const s of sources) for (const [key, field, ip] of FIELDS) add(out, key, getPath(s, field), ip);
  return out;
}

/** The contract's JSON of the entities ({source_ip, destination_ip, user_name, host_name}). */
export function entitiesJson(e: AlertEntities): Record<string, string[]> {
  return { source_ip: e.sourceIp, destination_ip: e.destinationIp, user_name: e.userName, host_name: e.hostName };
}

export function entitiesFromJson(v: unknown): AlertEntities {
  const o = isObject(v) ? v : {};
  const list = (x: unknown): string[] => (Array.isArray(x) ? x.filter((s): s is string => typeof s === 'string') : []);
  return { sourceIp: list(o['source_ip']), destinationIp: list(o['destination_ip']), userName: list(o['user_name']), hostName: list(o['host_name']) };
}

/**
 * The entity key that groups repeats of one rule: the correlation's group-by values when it has them, else the first
 * of source address, user, host, destination address. '' for an alert about no entity (grouped by rule alone).
 */
export function groupEntity(doc: EcsEvent, e: AlertEntities): string {
  const group = getPath(doc, 'vigil.alert.group');
  if (isObject(group)) {
    const flat: string[] = [];
    const walk = (o: Record<string, unknown>, prefix: string): void => {
      for (const [k, v] of Object.entries(o)) {
        if (flat.length >= 20) return;
        if (isObject(v)) walk(v, `${prefix}${k}.`);
        else flat.push(`${prefix}${k}=${String(v).slice(0, MAX_TEXT)}`);
      }
    };
    walk(group, '');
    if (flat.length > 0) return flat.sort().join(',');
  }
  for (const [key, field] of FIELDS) {
    const v = e[key][0];
    if (v !== undefined) return `${field}=${v}`;
  }
  return '';
}

/** Every entity as `field=value`, for risk accumulation. */
export function entityKeys(e: AlertEntities): string[] {
  const out: string[] = [];
  for (const [key, field] of FIELDS) for (const v of e[key]) out.push(`${field}=${key === 'userName' || key === 'hostName' ? v.toLowerCase() : v}`);
  return out;
}
