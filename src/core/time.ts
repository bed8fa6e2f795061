import { VigilError } from './errors.js';

const REL = /^(?:now)?-(\d{1,9})(ms|s|m|h|d|w)$/;
const UNIT: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** A time given as ISO 8601, epoch milliseconds, `now`, or relative to now (`-15m`, `now-7d`). */
export function parseTimeArg(value: string, now: number, name: string): number {
  const v = value.trim();
  if (v === 'now') return now;
  const rel = REL.exec(v);
  if (rel) return now - Number(rel[1]) * (UNIT[rel[2] as string] as number);
  if (/^\d{1,16}$/.test(v)) return Number(v);
  const t = Date.parse(v);
  if (Number.isNaN(t)) {
    throw new VigilError('VIGIL_ERR_BAD_TIME', `${name}: '${v.slice(0, 64)}' is not a time (use ISO 8601, epoch ms, now or -15m/-7d)`);
  }
  return t;
}
