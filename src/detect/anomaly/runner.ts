import { Counter, type Registry } from 'prom-client';
import { errorMessage } from '../../core/errors.js';
import { eventTime, type EcsEvent } from '../../schema/event.js';
import type { AlertInput } from '../alerts.js';
import type { RuleStatus } from '../engine.js';
import type { AnomalyDetector, AnomalySnapshot } from './detector.js';
import type { AnomalyRule } from './model.js';
import { loadAnomalyState, saveAnomalyStateSliced } from './state.js';

export interface RunnerOptions {
  dataDir?: string | undefined;
  registry?: Registry | undefined;
  now: () => number;
  log: (m: string) => void;
  /** silence check period, ms (default 1 s); 0: no timer (call tick) */
  tickEveryMs?: number | undefined;
  /** hands an alert to the engine's alert path */
  raise: (a: AlertInput) => void;
  /** asks the engine to hand queued alerts to its sink */
  flush: () => void;
}

const EVICTED = 'vigil_detect_anomaly_evicted_total';

function evictionCounter(reg: Registry): Counter<'rule'> {
  const existing = reg.getSingleMetric(EVICTED);
  if (existing instanceof Counter) return existing;
  return new Counter({ name: EVICTED, help: 'Baseline and silence keys evicted at the rule\'s key cap (least recently seen first)', labelNames: ['rule'], registers: [reg] });
}

/**
 * The detection engine's side of baseline and silence rules: feeds events to the detector, runs the silence check on
 * a timer (silence brings no events), and keeps the state in `<dataDir>/detect/anomaly.json` with the engine's
 * snapshots.
 */
export class AnomalyRunner {
  private timer: NodeJS.Timeout | undefined;
  private readonly fired = new Map<string, number>();

  constructor(
    /** replaced by `replace` (rules uploaded at run time) */
    public detector: AnomalyDetector | undefined,
    private readonly o: RunnerOptions,
  ) {
    const reg = o.registry;
    if (detector && reg && detector.size > 0) {
      const c = evictionCounter(reg);
      detector.onEvict = (rule) => c.inc({ rule });
    }
  }

  private emit(alerts: readonly AlertInput[]): void {
    for (const a of alerts) {
      this.fired.set(a.rule.id, (this.fired.get(a.rule.id) ?? 0) + 1);
      this.o.raise(a);
    }
  }

  /** One event, before it is stored. */
  observe(e: EcsEvent): void {
    const d = this.detector;
    if (!d || d.size === 0) return;
    const now = this.o.now();
    const ts = eventTime(e);
    const out = d.observe(e, Number.isFinite(ts) ? ts : now, now);
    if (out) this.emit(out);
  }

  /** Runs the silence check now. */
  tick(): void {
    const d = this.detector;
    if (!d || d.silences.length === 0) return;
    try {
      const out = d.tick(this.o.now());
      if (out.length > 0) {
        this.emit(out);
        this.o.flush();
      }
    } catch (e) {
      this.o.log(`detection: silence check: ${errorMessage(e)}`);
    }
  }

  /** Restores saved state and starts the silence timer. */
  start(): void {
    const d = this.detector;
    if (!d || d.size === 0) return;
    const dir = this.o.dataDir;
    if (dir !== undefined) {
      const saved = loadAnomalyState(dir, this.o.log);
      if (saved) {
        const n = d.restore(saved, this.o.now());
        if (n > 0) this.o.log(`detection: restored ${n} baseline/silence key(s)`);
      }
    }
    const every = this.o.tickEveryMs ?? 1000;
    if (every > 0 && d.silences.length > 0) {
      this.timer = setInterval(() => this.tick(), every);
      this.timer.unref();
    }
  }

  /** Writes the state in time slices between events (errors are reported, never thrown). */
  async save(): Promise<void> {
    const d = this.detector;
    const dir = this.o.dataDir;
    if (!d || d.size === 0 || dir === undefined) return;
    try {
      await saveAnomalyStateSliced(dir, d.snapshotJson(), this.o.now());
    } catch (e) {
      this.o.log(`detection: cannot save baseline state: ${errorMessage(e)}`);
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /**
   * Runs `next` from now on (rules uploaded at run time; call after start): a rule whose definition (everything but
   * its title, level and other metadata) is unchanged keeps its keys; a new or changed rule starts learning.
   */
  replace(next: AnomalyDetector): void {
    const def = (r: AnomalyRule): string => JSON.stringify({ ...r, meta: undefined, filter: undefined });
    const before = new Map((this.detector?.rules ?? []).map((r) => [r.meta.id, def(r)]));
    const saved = this.detector?.snapshot();
    if (saved) {
      const kept: AnomalySnapshot['rules'] = {};
      for (const r of next.rules) {
        const s = saved.rules[r.meta.id];
        if (s && before.get(r.meta.id) === def(r)) kept[r.meta.id] = s;
      }
      next.restore({ version: 1, rules: kept }, this.o.now());
    }
    const reg = this.o.registry;
    if (reg && next.size > 0) {
      const c = evictionCounter(reg);
      next.onEvict = (rule) => c.inc({ rule });
    }
    this.detector = next;
    const every = this.o.tickEveryMs ?? 1000;
    if (this.timer === undefined && every > 0 && next.silences.length > 0) {
      this.timer = setInterval(() => this.tick(), every);
      this.timer.unref();
    }
  }

  /** The rules' status lines (GET /api/v1/rules): hits are the alerts raised (as for correlations). */
  status(alerts: ReadonlyMap<string, number>, emits: ReadonlySet<string>): RuleStatus[] {
    const d = this.detector;
    if (!d) return [];
    return d.rules.map((r) => {
      const m = r.meta;
      const s: RuleStatus = {
        id: m.id,
        title: m.title,
        kind: 'anomaly',
        type: r.type,
        level: m.level,
        tags: m.tags,
        file: m.location.file,
        generates: emits.has(m.id),
        enabled: true,
        hits: this.fired.get(m.id) ?? 0,
        alerts: alerts.get(m.id) ?? 0,
        groups: d.keyCount(m.id),
      };
      if (m.status !== undefined) s.status = m.status;
      return s;
    });
  }
}
