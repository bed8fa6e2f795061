/*
 * Every string the UI shows may come from an attacker's log line. React renders strings as text (never HTML); this
 * module also makes invisible or terminal-interpreted characters visible, so that an escape sequence reads as \x1b
 * instead of colouring or rewriting what the analyst sees, and bidirectional overrides cannot reorder a line.
 */

// C0 controls except tab/newline, DEL, C1 controls, and the Unicode format characters that reorder or hide text.
// eslint-disable-next-line no-control-regex
const INVISIBLE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb]/g;
/** Longest string rendered in one cell or line, so one huge field cannot stall layout. */
export const MAX_TEXT = 20_000;

function escapeChar(c: string): string {
  const n = c.charCodeAt(0);
  return n <= 0xff ? `\\x${n.toString(16).padStart(2, '0')}` : `\\u${n.toString(16).padStart(4, '0')}`;
}

/** The text as shown: control and format characters as \xNN / \uNNNN; newlines kept unless `oneLine`. */
export function visible(s: string, oneLine = false): string {
  const cut = s.length > MAX_TEXT ? `${s.slice(0, MAX_TEXT)}… (${s.length - MAX_TEXT} more characters)` : s;
  const out = cut.replace(INVISIBLE, escapeChar);
  return oneLine ? out.replace(/\n/g, '\\n').replace(/\t/g, '\\t') : out;
}

/** Any value as one line of visible text. */
export function show(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return visible(v, true);
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return visible(JSON.stringify(v) ?? '', true);
}

/** Pretty JSON of an event, with everything invisible made visible (JSON already escapes C0 controls). */
export function prettyJson(v: unknown): string {
  return visible(JSON.stringify(v, null, 2) ?? '');
}

/**
 * An external link target from event data, or undefined: only absolute http(s) URLs, and the UI shows them as text
 * next to the value rather than as a clickable link built from the event.
 */
export function safeHttpUrl(s: string): string | undefined {
  try {
    const u = new URL(s);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : undefined;
  } catch {
    return undefined;
  }
}

/** Flattens a nested event into dotted field names → leaf values (arrays kept as values). Bounded depth and size. */
export function flatten(obj: unknown, prefix = '', out: [string, unknown][] = [], depth = 0): [string, unknown][] {
  if (out.length >= 2000) return out;
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj) || depth > 12) {
    if (prefix !== '') out.push([prefix, obj]);
    return out;
  }
  for (const [k, v] of Object.entries(obj as Record<string, unknown>)) {
    flatten(v, prefix === '' ? k : `${prefix}.${k}`, out, depth + 1);
  }
  return out;
}

/** The value at a dotted path of a nested document. */
export function getPath(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur)) {
      // dotted keys stored flat
      return undefined;
    }
    const rec = cur as Record<string, unknown>;
    cur = rec[part];
  }
  return cur;
}

/** A query literal for a value: bare when it is a plain word, else quoted with escapes. */
export function queryValue(v: unknown): string {
  const s = typeof v === 'string' ? v : JSON.stringify(v) ?? '';
  if (/^[A-Za-z0-9_.@/:-]+$/.test(s) && !/^(and|or|not)$/i.test(s)) return s.includes(':') ? `"${s}"` : s;
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

export function fmtTime(v: unknown): string {
  if (typeof v !== 'string' && typeof v !== 'number') return '';
  const d = new Date(v);
  if (Number.isNaN(d.getTime())) return show(v);
  return d.toISOString().replace('T', ' ').replace('Z', '');
}
