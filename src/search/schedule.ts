import { randomUUID } from 'node:crypto';
import { errorMessage } from '../core/errors.js';
import type { EcsEvent } from '../schema/event.js';
import { F } from '../schema/fields.js';
import type { Store } from '../store/store.js';
import { isTable, runSearch, type SearchOutput } from './run.js';
import { parseCondition, SavedSearches, type SavedSearch } from './saved.js';
import { spanMs } from '../query/stages.js';

/** Where alerts go: the pipeline's structured-event entry (stored, and seen by detection and the live tail). */
export interface AlertSink {
  submitEvents(docs: readonly EcsEvent[], defaultDataset?: string): Promise<unknown>;
}

export const ALERT_DATASET = 'vigil.saved_search';
/** Evidence kept in an alert: result rows or event ids, at most. */
const EVIDENCE = 10;
const TICK_MS = 1000;

/** The number a condition tests: matching events for a filter, rows for a table. */
export function resultCount(r: SearchOutput): number {
  return isTable(r) ? r.rows.length : r.total;
}

/** The alert document a scheduled search raises. */
export function alertFor(s: SavedSearch, r: SearchOutput, now: number): EcsEvent {
  const count = resultCount(r);
  const evidence = isTable(r) ? { columns: r.columns, rows: r.rows.slice(0, EVIDENCE) } : { event_ids: r.events.slice(0, EVIDENCE).map((e) => e.id) };
  return {
    [F.timestamp]: new Date(now).toISOString(),
    [F.message]: `saved search '${s.name}' matched: ${s.schedule?.condition ?? ''} (count ${count})`,
    [F.eventKind]: 'alert',
    // the alert's own id, as the alert queue (GET /api/v1/alerts, status changes) expects it
    'event.id': randomUUID(),
    [F.eventDataset]: ALERT_DATASET,
    [F.eventSeverity]: s.schedule?.severity ?? 50,
    [F.eventRiskScore]: s.schedule?.severity ?? 50,
    [F.ruleId]: `saved-search:${s.id}`,
    [F.ruleName]: s.name,
    'vigil.alert.status': 'open',
    'vigil.saved_search': { id: s.id, query: s.query, condition: s.schedule?.condition, count, ...evidence },
  };
}

/**
 * Runs scheduled saved searches: each at its interval over its time range (by default the last interval), one at a
 * time, and raises an alert when the result meets its condition. A search that fails records the error and runs
 * again at its next interval.
 */
export class Scheduler {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private readonly next = new Map<string, number>();

  constructor(
    private readonly store: Store,
    private readonly saved: SavedSearches,
    private readonly sink: AlertSink,
    private readonly now: () => number = Date.now,
  ) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      this.running ??= this.tick().finally(() => {
        this.running = undefined;
      });
    }, TICK_MS);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** Runs every scheduled search that is due. */
  async tick(): Promise<void> {
    const now = this.now();
    for (const s of await this.saved.list()) {
      if (!s.schedule || !this.timer) continue;
      const interval = spanMs(s.schedule.interval) ?? 60_000;
      const due = this.next.get(s.id) ?? now + interval;
      if (!this.next.has(s.id)) this.next.set(s.id, due);
      if (due > now) continue;
      this.next.set(s.id, now + interval);
      await this.runOne(s, now);
    }
  }

  /** Runs one saved search now; returns whether it raised an alert. */
  async runOne(s: SavedSearch, now = this.now()): Promise<boolean> {
    const interval = spanMs(s.schedule?.interval ?? '') ?? 60_000;
    try {
      const r = await runSearch(this.store, { q: s.query, from: s.from ?? `-${interval}ms`, to: s.to ?? 'now' }, now);
      const count = resultCount(r);
      const alerted = s.schedule ? parseCondition(s.schedule.condition)(count) : false;
      if (alerted) await this.sink.submitEvents([alertFor(s, r, now)], ALERT_DATASET);
      await this.saved.recordRun(s.id, { at: new Date(now).toISOString(), count, alerted });
      return alerted;
    } catch (err) {
      await this.saved.recordRun(s.id, { at: new Date(now).toISOString(), count: 0, alerted: false, error: errorMessage(err) }).catch(() => undefined);
      return false;
    }
  }
}
