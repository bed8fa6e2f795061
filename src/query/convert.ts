/** Conversion of query values to the numbers the store compares: numbers and instants. */

const NUMBER = /^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$/;
const EPOCH_MS = /^-?[0-9]{1,16}$/;
const ISO =
  /^([0-9]{4})-([0-9]{2})-([0-9]{2})(?:[Tt]([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:[.,]([0-9]{1,9}))?)?(?:([Zz])|([+-])([0-9]{2}):?([0-9]{2})))?$/;

/** A finite decimal number, or null. */
export function parseNumber(text: string): number | null {
  if (!NUMBER.test(text)) return null;
  const n = Number(text);
  return Number.isFinite(n) ? n : null;
}

/**
 * Epoch milliseconds of an instant written as epoch milliseconds (an integer), an ISO 8601 date (`2024-01-02`, UTC
 * midnight) or an ISO 8601 date-time with `Z` or an offset (`2024-01-02T03:04:05.678+02:00`); null otherwise.
 * A date-time without a zone is rejected rather than guessed. Digits beyond milliseconds are truncated.
 */
export function parseInstant(text: string): number | null {
  if (EPOCH_MS.test(text)) return Number(text);
  const m = ISO.exec(text);
  if (!m) return null;
  const [, y, mo, d, h, mi, s, frac, z, sign, oh, om] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hasTime = h !== undefined;
  if (hasTime && z === undefined && sign === undefined) return null;
  const hour = Number(h ?? 0);
  const minute = Number(mi ?? 0);
  const second = Number(s ?? 0);
  const ms = frac === undefined ? 0 : Number(frac.slice(0, 3).padEnd(3, '0'));
  const offHour = Number(oh ?? 0);
  const offMinute = Number(om ?? 0);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  if (hour > 23 || minute > 59 || second > 59 || offHour > 23 || offMinute > 59) return null;
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, ms);
  const offset = (sign === '-' ? -1 : 1) * (offHour * 60 + offMinute) * 60_000;
  return date.getTime() - offset;
}

function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] as number;
}
