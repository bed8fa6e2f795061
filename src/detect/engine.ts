import { Counter } from 'prom-client';
import type { StreamTransform } from '../core/component.js';
import type { ComponentTelemetry, Telemetry } from '../core/telemetry.js';
import { eventTime, getPath, getPathParts, isObject, type EcsEvent } from '../schema/event.js';
import { F } from '../schema/fields.js';
import { ALERT_KIND, alertDocument, evidenceFields, evidenceOf, type AlertInput } from './alerts.js';
import { AnomalyRunner } from './anomaly/runner.js';
import type { RuleSet } from './ruleset.js';
import { ECS_FIELDS, fieldGetter, SlotCache, type Getter } from './sigma/fields.js';
import type { EvidenceRef, FieldReader, Firing } from './sigma/correlation/index.js';
import { loadState, saveStateSliced } from './state.js';
import type { RuleMeta } from './types.js';

export interface EngineOptions {
  rules: RuleSet;
  telemetry?: Telemetry;
  /** where `detect/state.json` is kept; no snapshots without it */
  dataDir?: string;
  /** alerts waiting to be stored at most; beyond it new alerts are dropped and counted */
  maxQueuedAlerts?: number;
  /** snapshot period, ms (default 30 s); 0 disables the timer (snapshots at stop only) */
  snapshotEveryMs?: number;
  /** silence check period of baseline/silence rules, ms (default 1 s); 0: no timer (call tick) */
  tickEveryMs?: number;
  now?: () => number;
  log?: (m: string) => void;
}

/** Where alerts go: the pipeline's submitEvents (stored like any event), or a collector in tests. */
export type AlertSink = (alerts: EcsEvent[]) => Promise<unknown>;

export interface RuleStatus {
  id: string;
  title: string;
  kind: 'detection' | 'correlation' | 'anomaly';
  type: string;
  level: string;
  status?: string;
  tags: readonly string[];
  file: string;
  /** raises its own alerts (see generate in docs/detection.md) */
  generates: boolean;
  /** false when disabled at run time (threw or overran its budget) or through POST /rules/{id}/enabled */
  enabled: boolean;
  /** event time of the newest match (ISO 8601), absent before the first */
  last_hit?: string;
  hits: number;
  alerts: number;
  groups?: number;
}

const windowsGetters = new Map<string, Getter>();

/** Reads a correlation's group-by / condition field from an event: the ECS path, Sigma taxonomy names, Windows event data. */
export function eventField(e: EcsEvent, field: string): unknown {
  const direct = getPath(e, field);
  if (direct !== undefined) return direct;
  const ecs = Object.hasOwn(ECS_FIELDS, field) ? ECS_FIELDS[field] : undefined;
  if (ecs !== undefined) {
    const v = getPath(e, ecs);
    if (v !== undefined) return v;
  }
  const w = e['winlog'];
  if (isObject(w)) {
    // Windows events: the matcher's own mapping (System fields such as EventID or Computer, then event/user data)
    let g = windowsGetters.get(field);
    if (!g) {
      if (windowsGetters.size >= 4096) windowsGetters.clear();
      g = fieldGetter(field, { product: 'windows' });
      windowsGetters.set(field, g);
    }
    const ed = isObject(w['event_data']) ? w['event_data'] : undefined;
    const ud = isObject(w['user_data']) ? w['user_data'] : undefined;
    return g({ e, ed, ud, rename: undefined, lower: new SlotCache(), text: new SlotCache() });
  }
  return undefined;
}

const KIND_PARTS = F.eventKind.split('.');

/**
 * event.kind, read nested first: every event the parsers make has it nested, so the flattened key (which getPath
 * tries first) is looked for only when the nested field is absent.
 */
function kindOf(e: EcsEvent): unknown {
  const nested = getPathParts(e, KIND_PARTS);
  return nested !== undefined ? nested : getPath(e, F.eventKind);
}

/**
 * The detection engine: a stream transform that runs every Sigma rule and correlation on each batch before it is
 * stored, gives matched events an `event.id`, and hands alert documents to the sink without ever blocking or
 * throwing. Correlation windows are snapshotted to `<dataDir>/detect/state.json` periodically and at stop.
 */
export class DetectionEngine implements StreamTransform {
  readonly name = 'detect';
  /** replaced as a whole by replaceRules (rules uploaded at run time) */
  rules: RuleSet;
  /** rule ids switched off by an operator (POST /rules/{id}/enabled): they neither match nor correlate */
  readonly switchedOff = new Set<string>();
  private readonly lastHit = new Map<string, number>();
  private sink: AlertSink | undefined;
  private queue: EcsEvent[] = [];
  private inflightAlerts = 0;
  private readonly inflight = new Set<Promise<unknown>>();
  private flushScheduled = false;
  private timer: NodeJS.Timeout | undefined;
  /** correlation state dropped since the last batch, by rule and reason (see the constructor) */
  private readonly drops = new Map<string, number>();
  private flushDrops: () => void = () => this.drops.clear();
  /** the state save under way, if any */
  private saving: Promise<boolean> | undefined;
  private readonly hits = new Map<string, number>();
  private readonly alertCounts = new Map<string, number>();
  private readonly tel: ComponentTelemetry | undefined;
  private readonly maxQueued: number;
  private readonly now: () => number;
  private readonly log: (m: string) => void;
  private readonly meta = new Map<string, RuleMeta>();
  /** baseline and silence rules (docs/anomaly.md) */
  readonly anomaly: AnomalyRunner;
  /** alerts raised since start */
  raised = 0;
  dropped = 0;

  constructor(private readonly opts: EngineOptions) {
    this.rules = opts.rules;
    this.maxQueued = opts.maxQueuedAlerts ?? 10_000;
    this.now = opts.now ?? Date.now;
    this.log = opts.log ?? (() => {});
    this.tel = opts.telemetry?.component('detect', 'transform');
    const reg = opts.telemetry?.registry;
    if (reg) {
      const name = 'vigil_detect_correlation_dropped_total';
      const existing = reg.getSingleMetric(name);
      const counter =
        existing instanceof Counter
          ? (existing as Counter<'rule' | 'reason'>)
          : new Counter({ name, help: 'Correlation state dropped: groups evicted at the cap (LRU), late events, window entries beyond the cap', labelNames: ['rule', 'reason'], registers: [reg] });
      // counted here per event (evictions can happen for most events at the group cap), added to the metric per batch
      this.rules.correlator.onDrop = (rule, reason) => {
        const k = `${rule}\u0000${reason}`;
        this.drops.set(k, (this.drops.get(k) ?? 0) + 1);
      };
      this.flushDrops = () => {
        for (const [k, n] of this.drops) {
          const [rule = '', reason = ''] = k.split('\u0000');
          counter.inc({ rule, reason }, n);
        }
        this.drops.clear();
      };
    }
    for (const r of this.rules.matcher.rules) this.meta.set(r.id, r);
    for (const r of this.rules.correlations) this.meta.set(r.meta.id, r.meta);
    for (const r of this.rules.anomaly?.rules ?? []) this.meta.set(r.meta.id, r.meta);
    this.anomaly = new AnomalyRunner(this.rules.anomaly, { dataDir: opts.dataDir, registry: reg, now: this.now, log: this.log, tickEveryMs: opts.tickEveryMs, raise: (a) => this.raise(a), flush: () => this.scheduleFlush() });
  }

  /** Where alerts are handed over (set once the pipeline exists). */
  attach(sink: AlertSink): void {
    this.sink = sink;
  }

  /** Restores saved correlation windows and starts the snapshot timer. */
  start(): void {
    this.anomaly.start();
    const dir = this.opts.dataDir;
    if (dir === undefined) return;
    const saved = loadState(dir, this.log);
    if (saved) {
      const n = this.rules.correlator.restore(saved);
      if (n > 0) this.log(`detection: restored ${n} correlation window(s)`);
    }
    const every = this.opts.snapshotEveryMs ?? 30_000;
    if (every > 0) {
      this.timer = setInterval(() => void this.snapshot(), every);
      this.timer.unref();
    }
  }

  /**
   * Writes the correlation state now, in time slices between events (a large state must not stall detection), and
   * the baseline state; true when written. Errors are reported, never thrown. One save at a time: a call while one
   * runs waits for it and then saves again.
   */
  async snapshot(): Promise<boolean> {
    const dir = this.opts.dataDir;
    if (dir === undefined) return false;
    while (this.saving) await this.saving;
    const run = (async (): Promise<boolean> => {
      try {
        await saveStateSliced(dir, this.rules.correlator.snapshotJson(), this.now());
        await this.anomaly.save();
        return true;
      } catch (e) {
        this.tel?.error('snapshot_failed', 'snapshot');
        this.log(`detection: cannot save state: ${e instanceof Error ? e.message : String(e)}`);
        return false;
      }
    })();
    this.saving = run;
    try {
      return await run;
    } finally {
      if (this.saving === run) this.saving = undefined;
    }
  }

  process(events: readonly EcsEvent[]): void {
    let n = 0;
    for (const e of events) {
      if (kindOf(e) === ALERT_KIND) continue;
      n++;
      try {
        this.one(e);
        this.anomaly.observe(e);
      } catch (err) {
        this.tel?.error('engine', 'process');
        this.log(`detection: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    this.tel?.received(n);
    this.tel?.sent(n);
    if (this.drops.size > 0) this.flushDrops();
    if (this.queue.length > 0) this.scheduleFlush();
  }

  private one(e: EcsEvent): void {
    const matches = this.rules.matcher.match(e);
    if (matches.length === 0) return;
    const ts = eventTime(e);
    const time = Number.isFinite(ts) ? ts : this.now();
    let read: FieldReader | undefined;
    let fields: EvidenceRef['fields'] | undefined;
    for (const m of matches) {
      const id = m.rule.id;
      if (this.switchedOff.has(id)) continue;
      this.hits.set(id, (this.hits.get(id) ?? 0) + 1);
      this.lastHit.set(id, time);
      const ev = evidenceOf(e, id, time, (fields ??= evidenceFields(e)));
      if (this.rules.emits.has(id)) this.raise({ rule: m.rule, type: 'detection', time, explanation: m.explanation, evidence: [ev] });
      if (this.rules.correlator.consumes(id)) for (const f of this.rules.correlator.observe(id, time, (read ??= (f) => eventField(e, f)), [ev])) this.fired(f);
    }
  }

  private fired(f: Firing): void {
    const id = f.rule.meta.id;
    if (this.switchedOff.has(id)) return;
    this.hits.set(id, (this.hits.get(id) ?? 0) + 1);
    this.lastHit.set(id, f.time);
    if (this.rules.emits.has(id)) this.raise({ rule: f.rule.meta, type: f.rule.type, time: f.time, explanation: f.explanation, evidence: f.evidence, group: f.group, value: f.value });
  }

  private raise(a: AlertInput): void {
    if (this.switchedOff.has(a.rule.id)) return; // baseline and silence rules switched off (Sigma ones are skipped earlier)
    this.alertCounts.set(a.rule.id, (this.alertCounts.get(a.rule.id) ?? 0) + 1);
    if (this.queue.length + this.inflightAlerts >= this.maxQueued) {
      this.dropped++;
      this.tel?.dropped(1, 'alert_queue_full', false);
      return;
    }
    this.raised++;
    this.queue.push(alertDocument(a, this.now()));
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      this.flushNow();
    });
  }

  private flushNow(): void {
    if (this.queue.length === 0 || !this.sink) return;
    const batch = this.queue;
    this.queue = [];
    this.inflightAlerts += batch.length;
    const p = this.sink(batch).then(
      () => {},
      (err: unknown) => {
        this.tel?.error('alert_store_failed', 'store');
        this.tel?.dropped(batch.length, 'alert_store_failed', false);
        this.log(`detection: ${batch.length} alert(s) not stored: ${err instanceof Error ? err.message : String(err)}`);
      },
    );
    const tracked = p.finally(() => {
      this.inflightAlerts -= batch.length;
      this.inflight.delete(tracked);
    });
    this.inflight.add(tracked);
  }

  /** Hands every queued alert to the sink and waits until the sink has taken (stored) them. */
  async flush(): Promise<void> {
    this.flushNow();
    while (this.inflight.size > 0) await Promise.all([...this.inflight]);
  }

  /** Alerts still queued (not handed to a sink): for callers without one, e.g. `vigil rules test`. */
  takeQueued(): EcsEvent[] {
    const q = this.queue;
    this.queue = [];
    return q;
  }

  /** Flushes alerts, stops the timer and writes a last snapshot. Call before the pipeline drains. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.anomaly.stop();
    await this.flush();
    await this.snapshot();
  }

  /** Loaded rules with their status and counts (GET /api/v1/rules). */
  status(): RuleStatus[] {
    const disabled = new Set(this.rules.matcher.problems.map((p) => p.ruleId).filter((x): x is string => x !== undefined));
    const out: RuleStatus[] = [];
    const base = (m: RuleMeta, kind: RuleStatus['kind'], type: string): RuleStatus => {
      const s: RuleStatus = {
        id: m.id,
        title: m.title,
        kind,
        type,
        level: m.level,
        tags: m.tags,
        file: m.location.file,
        generates: this.rules.emits.has(m.id),
        enabled: !disabled.has(m.id) && !this.switchedOff.has(m.id),
        hits: this.hits.get(m.id) ?? 0,
        alerts: this.alertCounts.get(m.id) ?? 0,
      };
      if (m.status !== undefined) s.status = m.status;
      const last = this.lastHit.get(m.id);
      if (last !== undefined) s.last_hit = new Date(last).toISOString();
      return s;
    };
    for (const m of this.rules.matcher.rules) out.push(base(m, 'detection', 'detection'));
    for (const c of this.rules.correlations) out.push({ ...base(c.meta, 'correlation', c.type), groups: this.rules.correlator.groupCount(c.meta.id) });
    for (const s of this.anomaly.status(this.alertCounts, this.rules.emits)) out.push({ ...s, enabled: !this.switchedOff.has(s.id) });
    return out;
  }

  ruleMeta(id: string): RuleMeta | undefined {
    return this.meta.get(id);
  }

  /**
   * Runs `next` from now on (rules uploaded or changed at run time). Correlation windows of rules whose definition
   * did not change carry over (by fingerprint); hit counts are kept by id; baseline and silence rules whose
   * definition did not change keep their state, new or changed ones start learning.
   */
  replaceRules(next: RuleSet): void {
    const saved = this.rules.correlator.snapshot();
    next.correlator.onDrop = this.rules.correlator.onDrop;
    next.correlator.restore(saved);
    if (next.anomaly) this.anomaly.replace(next.anomaly);
    this.rules = next;
    this.meta.clear();
    for (const r of next.matcher.rules) this.meta.set(r.id, r);
    for (const r of next.correlations) this.meta.set(r.meta.id, r.meta);
    for (const r of next.anomaly?.rules ?? []) this.meta.set(r.meta.id, r.meta);
  }
}
