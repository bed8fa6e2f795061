import { getPath, type EcsEvent } from '../../schema/event.js';

/** Longest text of one key field kept (longer values are cut, so a hostile value cannot make a huge key). */
const MAX_KEY_PART = 256;

/** The key of an event for some fields: their values joined, or undefined when one is missing or not a scalar. */
export function keyOf(e: EcsEvent, fields: readonly string[]): { key: string; values: Record<string, string> } | undefined {
  const values: Record<string, string> = {};
  let key = '';
  for (const f of fields) {
    let v = getPath(e, f);
    if (Array.isArray(v)) v = v.length === 1 ? v[0] : undefined;
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') return undefined;
    const s = String(v).slice(0, MAX_KEY_PART);
    if (s.length === 0) return undefined;
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
