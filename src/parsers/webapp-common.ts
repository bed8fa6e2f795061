import { isIP } from 'node:net';
import type { EcsEvent } from '../schema/event.js';
import { F } from '../schema/fields.js';
import type { LineFormat } from './message-parser.js';
import { applyFields, type Fields } from './service-fields.js';
import { isoTime, monthIndex } from './web-access.js';

/** Helpers shared by the web application parsers (admin panels, webmail, CMS, password managers). */

/** An IPv4 or IPv6 address as it appears in these logs (validated with isIP afterwards). */
export const ADDR = '[0-9A-Fa-f:.]{2,45}';

/** The address when `s` is one (IPv4-mapped IPv6 kept as written); undefined otherwise. */
export function address(s: string | undefined): string | undefined {
  return s !== undefined && isIP(s) !== 0 ? s : undefined;
}

/** True when `line[i]` is a decimal digit. */
export function digitAt(line: string, i: number): boolean {
  const c = line.charCodeAt(i);
  return c >= 48 && c <= 57;
}

/** A whole-line format from a pure `line → fields` function (which must not throw); `@timestamp` may be among the fields. */
export function fieldsFormat(spec: { name: string; dataset: string }, sniff: (line: string) => boolean, fields: (line: string) => Fields | undefined): LineFormat {
  return {
    ...spec,
    sniff,
    parse(line: string, event: EcsEvent): boolean {
      let f: Fields | undefined;
      try {
        f = fields(line);
      } catch {
        return false;
      }
      if (!f) return false;
      applyFields(event, f);
      return true;
    },
  };
}

/** `YYYY-MM-DD`, `HH:MM:SS` and an optional fraction as captured strings (month 1-based), at an offset in minutes. */
export function isoFromParts(y: string, mo: string, d: string, h: string, mi: string, s: string, frac = '', offsetMin = 0): string | undefined {
  return isoTime(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), frac, offsetMin);
}

/** `+0800`, `+08:00`, `-05`, `Z` → minutes east of UTC; 0 when absent. */
export function offsetMinutes(zone: string | undefined): number {
  if (zone === undefined || zone === '' || zone === 'Z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || '0'));
}

// `Wed Apr 14 08:11:01 2021` (C's ctime, local time: read as UTC)
const CTIME = /^[A-Za-z]{3} ([A-Za-z]{3}) {1,2}(\d{1,2}) (\d{2}):(\d{2}):(\d{2}) (\d{4})$/;

/** Cheap test for a ctime stamp followed by ` - ` (the 24 characters `Www Mmm dd hh:mm:ss yyyy`). */
export function sniffCtimeDash(line: string): boolean {
  return line.charCodeAt(3) === 32 && line.charCodeAt(7) === 32 && line.charCodeAt(13) === 58 && line.charCodeAt(16) === 58 && line.startsWith(' - ', 24);
}

export function parseCtime(text: string): string | undefined {
  const m = CTIME.exec(text);
  if (!m) return undefined;
  const mo = monthIndex(m[1] as string);
  if (mo === undefined) return undefined;
  return isoTime(Number(m[6]), mo, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]));
}

/** Sets url.original, url.path and url.query of a request target (as fields, for the field-map parsers). */
export function setUrlFields(f: Fields, target: string): void {
  if (target === '') return;
  f[F.urlOriginal] = target;
  const q = target.indexOf('?');
  f[F.urlPath] = q >= 0 ? target.slice(0, q) : target;
  if (q >= 0) f[F.urlQuery] = target.slice(q + 1);
}
