import { getPath, isObject } from '../../schema/event.js';
import { F } from '../../schema/fields.js';
import type { AlertChange, TriagedAlert } from '../types.js';
import { alertJson } from './message.js';

/*
 * Templates: `{{field.path}}` is replaced by the alert's value, nothing else happens. No expressions, no loops, no
 * code: values come from attackers' log lines, so they are only ever data. Substitution is one pass, so a value that
 * itself contains `{{…}}` is printed as it is and never expanded.
 */

const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_@.-]{1,200})\s*\}\}/g;
const MAX_VALUE = 4096;
const MAX_OUTPUT = 256 * 1024;

/** How a value is written into the text around it. */
export type Escape = 'text' | 'json' | 'line';

/**
 * The fields an alert offers to templates (besides any path of its ECS document, e.g. `source.ip`): the webhook's JSON
 * form of the alert with its objects flattened to dotted names (`rule.id`, `entities.source_ip`), plus the message.
 */
export function alertFields(alert: TriagedAlert, change: AlertChange): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(alertJson(alert, change))) {
    if (k === 'document') continue;
    if (isObject(v)) for (const [k2, v2] of Object.entries(v)) out[`${k}.${k2}`] = v2;
    else out[k] = v;
  }
  out['message'] = getPath(alert.doc, F.message);
  return out;
}

function text(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return v.slice(0, 100).map(text).join(', ');
  if (isObject(v)) {
    try {
      return JSON.stringify(v);
    } catch {
      return '';
    }
  }
  return '';
}

function escape(s: string, how: Escape): string {
  const v = s.length > MAX_VALUE ? `${s.slice(0, MAX_VALUE)}…` : s;
  if (how === 'json') return JSON.stringify(v).slice(1, -1);
  // one line: e-mail subjects, headers (no header injection through CR/LF)
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is removed
  if (how === 'line') return v.replace(/[\r\n\u0000-\u001f\u007f]+/g, ' ');
  return v;
}

/** Renders `template` for one alert. Unknown fields render as the empty string. */
export function render(template: string, fields: Record<string, unknown>, doc: Record<string, unknown>, how: Escape = 'text'): string {
  const out = template.replace(PLACEHOLDER, (_m, path: string) => {
    const v = Object.hasOwn(fields, path) ? fields[path] : getPath(doc, path);
    return escape(text(v), how);
  });
  return out.length > MAX_OUTPUT ? out.slice(0, MAX_OUTPUT) : out;
}

/** Renders a template for an alert. */
export function renderAlert(template: string, alert: TriagedAlert, change: AlertChange, how: Escape = 'text'): string {
  return render(template, alertFields(alert, change), alert.doc, how);
}
