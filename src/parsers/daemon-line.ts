import type { EcsEvent } from '../schema/event.js';
import { F } from '../schema/fields.js';
import type { LineFormat } from './message-parser.js';
import { applyFields, type Fields } from './service-fields.js';

/** What a daemon's own log line gives: its time (epoch ms, when it has one) and its ECS fields. */
export interface DaemonLine {
  ts?: number;
  fields: Fields;
  /** the text after the line's own time and prefix, kept as `message` */
  message?: string;
}

/**
 * A whole-line format for a daemon that writes its own log file (no syslog header): `read` must not throw on hostile
 * text and must run in time linear in the line length; undefined when the line is not in this format.
 */
export function daemonLineFormat(spec: { name: string; dataset: string }, sniff: (line: string) => boolean, read: (line: string) => DaemonLine | undefined): LineFormat {
  return {
    ...spec,
    sniff,
    parse(line: string, event: EcsEvent): boolean {
      let r: DaemonLine | undefined;
      try {
        r = read(line);
      } catch {
        return false;
      }
      if (!r) return false;
      if (r.ts !== undefined && Number.isFinite(r.ts)) {
        const d = new Date(r.ts);
        if (!Number.isNaN(d.getTime())) event[F.timestamp] = d.toISOString();
      }
      if (r.message !== undefined) event[F.message] = r.message;
      applyFields(event, r.fields);
      return true;
    },
  };
}

/** True when `s` holds decimal digits at every index in `at`. */
export function digitsAt(s: string, at: readonly number[]): boolean {
  for (const i of at) {
    const c = s.charCodeAt(i);
    // past the end charCodeAt gives NaN, which fails both comparisons
    if (!(c >= 48 && c <= 57)) return false;
  }
  return true;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** `Apr` → 3 (0-based), or -1. */
export function monthOf(name: string): number {
  return MONTHS.indexOf(name.toLowerCase());
}

/** Epoch ms of a calendar time read from a log (UTC unless an offset in minutes east of UTC is given); undefined when out of range. */
export function utcTime(year: number, month: number, day: number, h: number, m: number, s: number, ms = 0, offsetMin = 0): number | undefined {
  if (month < 0 || month > 11 || day < 1 || day > 31 || h > 23 || m > 59 || s > 60) return undefined;
  return Date.UTC(year, month, day, h, m, s, ms) - offsetMin * 60_000;
}

/** `.767815` → 767 (milliseconds of a fraction written with any number of digits). */
export function fractionMs(frac: string | undefined): number {
  return frac ? Math.floor(Number(`0.${frac}`) * 1000) : 0;
}
