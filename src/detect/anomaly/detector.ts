import type { EvalSource } from '../../query/evaluate.js';
import type { EcsEvent } from '../../schema/event.js';
import { eventSource } from '../../search/tail.js';
import type { AlertInput } from '../alerts.js';
import { BaselineDetector, type SavedBaselineKey } from './baseline.js';
import { compilePredicate, type Predicate } from './filter.js';
import type { AnomalyRule } from './model.js';
import { SilenceDetector, type SavedSilenceKey } from './silence.js';

export interface AnomalySnapshot {
  version: 1;
  rules: Record<string, { fingerprint: string; baseline?: SavedBaselineKey[]; silence?: SavedSilenceKey[] }>;
}

/** What must stay the same for saved state to still mean something (the filter, key, metric and bucket). */
export function fingerprint(r: AnomalyRule): string {
  return JSON.stringify(r.type === 'baseline' ? [r.type, r.filterText, r.key, r.metric, r.bucketMs] : [r.type, r.filterText, r.key]);
}

/**
 * Every baseline and silence rule of a rule set. `observe` runs each rule's filter on each event and returns the
 * spikes it completes; `tick` (on a timer, since silence brings no events) returns the keys gone quiet. Never throws
 * for an event: a rule whose filter throws is counted and skipped.
 */
export class AnomalyDetector {
  readonly baselines: BaselineDetector[] = [];
  readonly silences: SilenceDetector[] = [];
  /** called with the rule id when a key is evicted at the rule's cap */
  onEvict: (ruleId: string) => void = () => {};
  /** events the rule matched (passed its filter) */
  readonly hits = new Map<string, number>();
  errors = 0;
  private readonly filters = new Map<string, Predicate>();

  constructor(readonly rules: readonly AnomalyRule[]) {
    for (const r of rules) {
      this.filters.set(r.meta.id, compilePredicate(r.filter));
      const evict = (): void => this.onEvict(r.meta.id);
      if (r.type === 'baseline') this.baselines.push(new BaselineDetector(r, evict));
      else this.silences.push(new SilenceDetector(r, evict));
    }
  }

  get size(): number {
    return this.rules.length;
  }

  private pass(src: EvalSource, r: AnomalyRule): boolean {
    try {
      if (!(this.filters.get(r.meta.id) ?? (() => false))(src)) return false;
    } catch {
      this.errors++;
      return false;
    }
    this.hits.set(r.meta.id, (this.hits.get(r.meta.id) ?? 0) + 1);
    return true;
  }

  /** One event with its event time and arrival time (ms); the alerts it raises. */
  observe(e: EcsEvent, time: number, now: number): AlertInput[] | undefined {
    if (this.rules.length === 0) return undefined;
    const src = eventSource(e);
    let out: AlertInput[] | undefined;
    for (const d of this.baselines) {
      if (!this.pass(src, d.rule)) continue;
      const a = d.observe(e, time);
      if (a) (out ??= []).push(a);
    }
    for (const d of this.silences) if (this.pass(src, d.rule)) d.observe(e, now, time);
    return out;
  }

  /** Silence alerts due at `now`. */
  tick(now: number): AlertInput[] {
    const out: AlertInput[] = [];
    for (const d of this.silences) out.push(...d.check(now));
    return out;
  }

  /** Keys tracked by a rule. */
  keyCount(id: string): number {
    for (const d of [...this.baselines, ...this.silences]) if (d.rule.meta.id === id) return d.keys.size;
    return 0;
  }

  evictions(id: string): number {
    for (const d of [...this.baselines, ...this.silences]) if (d.rule.meta.id === id) return d.keys.evicted;
    return 0;
  }

  snapshot(): AnomalySnapshot {
    const rules: AnomalySnapshot['rules'] = {};
    for (const d of this.baselines) rules[d.rule.meta.id] = { fingerprint: fingerprint(d.rule), baseline: d.snapshot() };
    for (const d of this.silences) rules[d.rule.meta.id] = { fingerprint: fingerprint(d.rule), silence: d.snapshot() };
    return { version: 1, rules };
  }

  /** Restores saved keys of rules whose definition is unchanged; the number of keys restored. */
  restore(s: AnomalySnapshot, now: number): number {
    let n = 0;
    for (const d of this.baselines) {
      const saved = s.rules[d.rule.meta.id];
      if (saved?.fingerprint === fingerprint(d.rule) && saved.baseline) n += d.restore(saved.baseline);
    }
    for (const d of this.silences) {
      const saved = s.rules[d.rule.meta.id];
      if (saved?.fingerprint === fingerprint(d.rule) && saved.silence) n += d.restore(saved.silence, now);
    }
    return n;
  }
}
