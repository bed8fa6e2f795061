import type { EcsEvent } from '../../schema/event.js';
import type { AlertInput } from '../alerts.js';
import { BaselineDetector, type SavedBaselineKey } from './baseline.js';
import { compilePredicate, datasetOf, datasetScreen, requiredDatasets, Subject, type Predicate } from './filter.js';
import type { AnomalyRule } from './model.js';
import { SilenceDetector, type SavedSilenceKey } from './silence.js';

interface Filter {
  id: string;
  test: Predicate;
  /** false: the event's dataset rules the rule out before its filter runs */
  screen: ((dataset: unknown) => boolean) | undefined;
}

export interface AnomalySnapshot {
  version: 1;
  rules: Record<string, { fingerprint: string; baseline?: SavedBaselineKey[]; silence?: SavedSilenceKey[] }>;
}

/** What must stay the same for saved state to still mean something (the filter, key, metric, bucket and profile). */
export function fingerprint(r: AnomalyRule): string {
  if (r.type !== 'baseline') return JSON.stringify([r.type, r.filterText, r.key]);
  const f: unknown[] = [r.type, r.filterText, r.key, r.metric, r.bucketMs];
  if (r.season) f.push('seasonal');
  return JSON.stringify(f);
}

/** Saved keys as comma-separated JSON, a hundred keys a piece. */
function* keyPieces<V>(keys: ReadonlyArray<[string, V]>, save: (k: string, v: V) => unknown): Generator<string> {
  for (let j = 0; j < keys.length; j += 100) yield (j === 0 ? '' : ',') + keys.slice(j, j + 100).map(([k, v]) => JSON.stringify(save(k, v))).join(',');
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
  /** per detector (baselines, then silences): its compiled filter and its dataset pre-screen */
  private readonly baselineFilters: Filter[] = [];
  private readonly silenceFilters: Filter[] = [];
  private readonly subject = new Subject();

  constructor(readonly rules: readonly AnomalyRule[]) {
    for (const r of rules) {
      const f: Filter = { id: r.meta.id, test: compilePredicate(r.filter), screen: datasetScreen(requiredDatasets(r.filter)) };
      const evict = (): void => this.onEvict(r.meta.id);
      if (r.type === 'baseline') {
        this.baselines.push(new BaselineDetector(r, evict));
        this.baselineFilters.push(f);
      } else {
        this.silences.push(new SilenceDetector(r, evict));
        this.silenceFilters.push(f);
      }
    }
  }

  get size(): number {
    return this.rules.length;
  }

  private pass(f: Filter | undefined, s: Subject, dataset: unknown): boolean {
    if (!f || (f.screen && !f.screen(dataset))) return false;
    try {
      if (!f.test(s)) return false;
    } catch {
      this.errors++;
      return false;
    }
    this.hits.set(f.id, (this.hits.get(f.id) ?? 0) + 1);
    return true;
  }

  /** One event with its event time and arrival time (ms); the alerts it raises. */
  observe(e: EcsEvent, time: number, now: number): AlertInput[] | undefined {
    if (this.rules.length === 0) return undefined;
    const s = this.subject.reset(e);
    const dataset = datasetOf(e);
    let out: AlertInput[] | undefined;
    for (let i = 0; i < this.baselines.length; i++) {
      if (!this.pass(this.baselineFilters[i], s, dataset)) continue;
      const a = (this.baselines[i] as BaselineDetector).observe(e, time);
      if (a) (out ??= []).push(a);
    }
    for (let i = 0; i < this.silences.length; i++) if (this.pass(this.silenceFilters[i], s, dataset)) (this.silences[i] as SilenceDetector).observe(e, now, time);
    s.reset({});
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

  /**
   * The same state as `snapshot` as JSON text in pieces of a hundred keys, so that it can be written in time slices
   * between events; each key is read when its piece is made.
   */
  *snapshotJson(): Generator<string> {
    // the keys of every rule as they are now (references); their state is read piece by piece
    const plan = [
      ...this.baselines.map((d) => ({ rule: d.rule, kind: 'baseline', pieces: keyPieces([...d.keys.entries()], (k, v) => d.savedKey(k, v)) })),
      ...this.silences.map((d) => ({ rule: d.rule, kind: 'silence', pieces: keyPieces([...d.keys.entries()], (k, v) => d.savedKey(k, v)) })),
    ];
    yield '{"version":1,"rules":{';
    for (const [i, p] of plan.entries()) {
      yield `${i === 0 ? '' : ','}${JSON.stringify(p.rule.meta.id)}:{"fingerprint":${JSON.stringify(fingerprint(p.rule))},"${p.kind}":[`;
      yield* p.pieces;
      yield ']}';
    }
    yield '}}';
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
