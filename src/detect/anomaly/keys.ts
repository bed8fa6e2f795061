import { getPath, type EcsEvent } from '../../schema/event.js';

/** Longest text of one key field kept (longer values are cut, so a hostile value cannot make a huge key). */
const MAX_KEY_PART = 256;

/** One key field's text in an event, or undefined when it is missing, empty or not a scalar. */
function keyPart(e: EcsEvent, f: string): string | undefined {
  let v = getPath(e, f);
  if (Array.isArray(v)) v = v.length === 1 ? v[0] : undefined;
  if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') return undefined;
  const s = String(v).slice(0, MAX_KEY_PART);
  return s.length === 0 ? undefined : s;
}

/**
 * The key of an event for some fields: their values joined, or undefined when one is missing or not a scalar. Only
 * the text: keyOf also gives the values, which a rule needs for a key it has not seen yet (every event is keyed, and
 * the key is mostly one it knows).
 */
export function eventKey(e: EcsEvent, fields: readonly string[]): string | undefined {
  let key = '';
  for (const f of fields) {
    const s = keyPart(e, f);
    if (s === undefined) return undefined;
    key = key.length === 0 ? s : `${key}\u0000${s}`;
  }
  return key;
}

/** The key of an event for some fields (as eventKey) and the value of each field in it. */
export function keyOf(e: EcsEvent, fields: readonly string[]): { key: string; values: Record<string, string> } | undefined {
  const values: Record<string, string> = {};
  let key = '';
  for (const f of fields) {
    const s = keyPart(e, f);
    if (s === undefined) return undefined;
    values[f] = s;
    key = key.length === 0 ? s : `${key}\u0000${s}`;
  }
  return { key, values };
}

/** `a=1, b=2` for explanations. */
export const keyText = (values: Record<string, string>): string =>
  Object.entries(values)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
