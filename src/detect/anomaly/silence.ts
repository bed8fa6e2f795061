import type { EcsEvent } from '../../schema/event.js';
import type { AlertInput } from '../alerts.js';
import { ewmaUpdate, newEwma, stddev, type Ewma } from './ewma.js';
import { LruMap } from '../../core/lru.js';
import { eventKey, keyOf, keyText } from './keys.js';
import type { SilenceRule } from './model.js';

/** Events closer together than this count as one arrival when the interval is learned (a burst is one beat). */
export const BEAT_MS = 1000;
/**
 * Only live events count: an event whose own time is further than this from its arrival is history being imported
 * (`vigil ingest`, a replay), whose arrival pattern says nothing about the host. Wide enough for senders whose syslog
 * time stamps lack a time zone.
 */
export const LIVE_WINDOW_MS = 15 * 3_600_000;
/** Weight of the newest gap in the learned interval. */
const GAP_ALPHA = 0.2;

export interface SilenceKey {
  values: Record<string, string>;
  /** arrival time of the last event, ms (engine clock) */
  lastSeen: number;
  /** start of the last beat */
  lastBeat: number;
  /** beats seen (a burst within BEAT_MS is one) */
  beats: number;
  gaps: Ewma;
  /** alerted for the current silence; cleared when the key sends again */
  alerted: boolean;
}

/** Saved form: [key, values, lastSeen, lastBeat, beats, gap mean, gap variance, gap n, alerted]. */
export type SavedSilenceKey = [string, Record<string, string>, number, number, number, number, number, number, boolean];

const secs = (ms: number): string => `${Math.round(ms / 100) / 10}s`;

/** A silence rule at work: when each key last sent, and how regularly it sends. */
export class SilenceDetector {
  readonly keys: LruMap<SilenceKey>;

  constructor(
    readonly rule: SilenceRule,
    onEvict: () => void = () => {},
  ) {
    this.keys = new LruMap(rule.maxKeys, onEvict);
  }

  /** Notes one event (already known to pass the rule's filter) of time `time` arriving at `now`. */
  observe(e: EcsEvent, now: number, time: number = now): void {
    if (Math.abs(now - time) > LIVE_WINDOW_MS) return;
    const key = eventKey(e, this.rule.key);
    if (key === undefined) return;
    const st = this.keys.touch(key);
    if (!st) {
      const values = keyOf(e, this.rule.key)?.values ?? {};
      this.keys.set(key, { values, lastSeen: now, lastBeat: now, beats: 1, gaps: newEwma(), alerted: false });
      return;
    }
    st.lastSeen = Math.max(st.lastSeen, now);
    st.alerted = false;
    const gap = now - st.lastBeat;
    if (gap >= BEAT_MS) {
      ewmaUpdate(st.gaps, gap, GAP_ALPHA);
      st.lastBeat = now;
      if (st.beats < Number.MAX_SAFE_INTEGER) st.beats++;
    }
  }

  /** How long the key may stay quiet before it alerts, ms. */
  limit(st: SilenceKey): number {
    const r = this.rule;
    const expected = r.intervalMs ?? st.gaps.mean + 2 * stddev(st.gaps);
    return Math.min(Math.max(r.multiplier * expected, r.minSilenceMs), r.maxSilenceMs);
  }

  /** Every key that has gone quiet for longer than its limit (once per silence). Work: one pass over ≤ max_keys keys. */
  check(now: number): AlertInput[] {
    const r = this.rule;
    const out: AlertInput[] = [];
    for (const st of this.keys.entries()) {
      const s = st[1];
      if (s.alerted || s.beats < r.minEvents) continue;
      const quiet = now - s.lastSeen;
      const limit = this.limit(s);
      if (quiet <= limit) continue;
      s.alerted = true;
      const usual = r.intervalMs !== undefined ? `configured interval ${secs(r.intervalMs)}` : `learned interval ${secs(s.gaps.mean)} ± ${secs(stddev(s.gaps))} over ${s.beats} beats`;
      out.push({
        rule: r.meta,
        type: 'silence',
        time: now,
        explanation: [
          `${keyText(s.values)} has sent nothing for ${secs(quiet)} since ${new Date(s.lastSeen).toISOString()}`,
          `${usual}; limit ${secs(limit)} (${r.multiplier}× the interval, at least ${secs(r.minSilenceMs)}, at most ${secs(r.maxSilenceMs)})`,
        ],
        evidence: [],
        group: { ...s.values },
        value: Math.round(quiet / 1000),
      });
    }
    return out;
  }

  snapshot(): SavedSilenceKey[] {
    const out: SavedSilenceKey[] = [];
    for (const [k, s] of this.keys.entries()) out.push(this.savedKey(k, s));
    return out;
  }

  /** One key's saved form. */
  savedKey(k: string, s: SilenceKey): SavedSilenceKey {
    return [k, s.values, s.lastSeen, s.lastBeat, s.beats, s.gaps.mean, s.gaps.variance, s.gaps.n, s.alerted];
  }

  /** Restores saved keys; `now` is the restart time: a key's silence is counted from no earlier than it. */
  restore(saved: readonly SavedSilenceKey[], now: number): number {
    for (const [k, values, lastSeen, lastBeat, beats, mean, variance, n, alerted] of saved) {
      this.keys.set(k, { values, lastSeen: Math.max(lastSeen, now), lastBeat, beats, gaps: { mean, variance, n }, alerted });
    }
    return saved.length;
  }
}
