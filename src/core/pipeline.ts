import { isParseFailure, normalizeEvent, type EcsEvent } from '../schema/event.js';
import type { AppendEvent, AppendResult, EncodedEvents, Store } from '../store/store.js';
import type { RawRecord, Parser, StreamTransform } from './component.js';
import { errorMessage } from './errors.js';
import { BoundedQueue } from './queue.js';
import type { Telemetry } from './telemetry.js';

export interface PipelineOptions {
  store: Store;
  telemetry: Telemetry;
  parser: Parser;
  transforms?: StreamTransform[];
  /** events per store batch at most */
  batchEvents?: number;
  /** events waiting for the store at most; submitters wait beyond it */
  queueEvents?: number;
  /** store batches in flight at once (handed to the store, not yet committed) */
  inflight?: number;
  /** events in flight at once, in all those batches */
  inflightEvents?: number;
  now?: () => number;
}

interface Submission {
  /**
   * the events in the store's form (encoded as they arrive: the event objects do not wait in the queue); emptied
   * once handed to the store, so that the text is not kept alive until the commit
   */
  encoded: EncodedEvents[];
  count: number;
  /** committed with the events (a file source's read positions), see Store.committedState */
  state?: { key: string; value: string };
  resolve: (r: AppendResult) => void;
  reject: (e: unknown) => void;
}

/**
 * records → parse → normalize → stream transforms (detection) → bounded queue → store. A submission resolves only
 * once the store has durably committed all its events, so sources acknowledge nothing that could still be lost.
 */
export class Pipeline {
  private readonly queue: BoundedQueue<Submission>;
  private readonly opts: Required<Omit<PipelineOptions, 'transforms'>> & { transforms: StreamTransform[] };
  private readonly loop: Promise<void>;
  private readonly sink;
  private readonly parse;

  constructor(options: PipelineOptions) {
    this.opts = {
      batchEvents: 5000,
      queueEvents: 50_000,
      inflight: 64,
      inflightEvents: 4 * (options.batchEvents ?? 5000),
      now: Date.now,
      transforms: [],
      ...options,
    };
    this.queue = new BoundedQueue(this.opts.queueEvents);
    this.sink = options.telemetry.component('store', 'sink');
    this.parse = options.telemetry.component(options.parser.name, 'parser');
    this.loop = this.run();
  }

  /** Parses raw records (lines) and stores them. */
  submitRecords(records: readonly RawRecord[], state?: { key: string; value: string }): Promise<AppendResult> {
    const now = this.opts.now();
    const events: AppendEvent[] = new Array<AppendEvent>(records.length);
    let failures = 0;
    for (let i = 0; i < records.length; i++) {
      const raw = this.opts.parser.parse(records[i] as RawRecord);
      if (isParseFailure(raw)) failures++;
      events[i] = normalizeEvent(raw, now, 'generic', { expand: false });
    }
    this.parse.received(records.length);
    this.parse.sent(records.length);
    // A parse failure is kept (raw, tagged), not dropped: it counts as an error of the parse stage.
    if (failures > 0) this.parse.error('parse_failure', 'parse', failures);
    return this.submitNormalized(events, state);
  }

  /** A value committed with earlier records (`submitRecords`' state), or undefined. */
  committedState(key: string): Promise<string | undefined> {
    return this.opts.store.committedState(key);
  }

  /**
   * Stores events that arrive already structured (NDJSON, bulk APIs). `urgent` (alerts): stored ahead of the events
   * waiting for the store, without waiting for room (the alert producers bound how many they hand over).
   */
  submitEvents(docs: readonly EcsEvent[], defaultDataset = 'generic', options: { urgent?: boolean } = {}): Promise<AppendResult> {
    const now = this.opts.now();
    return this.submitNormalized(
      docs.map((d) => normalizeEvent(d, now, defaultDataset)),
      undefined,
      options.urgent === true,
    );
  }

  private async submitNormalized(events: AppendEvent[], state?: { key: string; value: string }, urgent = false): Promise<AppendResult> {
    if (events.length === 0) return { stored: 0, batches: [] };
    const docs = events.map((e) => e.event);
    for (const t of this.opts.transforms) {
      try {
        t.process(docs);
      } catch (err) {
        this.opts.telemetry.component(t.name, 'transform').error(errorMessage(err).slice(0, 60), 'process');
      }
    }
    let encoded: EncodedEvents[];
    try {
      encoded = this.opts.store.encode(events);
    } catch (err) {
      this.sink.error('encode', 'append');
      this.sink.dropped(events.length, 'store_write_failed', false);
      throw err;
    }
    const count = events.length;
    return new Promise<AppendResult>((resolve, reject) => {
      const sub: Submission = { encoded, count, resolve, reject, ...(state ? { state } : {}) };
      if (urgent) this.queue.pushUrgent(sub, count);
      else this.queue.push(sub, count).catch(reject);
      this.opts.telemetry.queueDepth.set({ queue: 'store' }, this.queue.size);
    });
  }

  /**
   * Hands batches to the store as they come, without waiting for earlier commits (up to `inflight` batches and
   * `inflightEvents` events): the store's replies are read only when the event loop gets to them, and waiting for
   * one before handing over the next would leave the store idle while a source's burst is parsed.
   */
  private async run(): Promise<void> {
    const inflight = new Set<Promise<void>>();
    let events = 0;
    for (;;) {
      const subs = await this.queue.take(this.opts.batchEvents);
      if (subs.length === 0) break;
      this.opts.telemetry.queueDepth.set({ queue: 'store' }, this.queue.size);
      let n = 0;
      for (const s of subs) n += s.count;
      events += n;
      const p: Promise<void> = this.write(subs).finally(() => {
        events -= n;
        inflight.delete(p);
      });
      inflight.add(p);
      while (inflight.size >= this.opts.inflight || events >= this.opts.inflightEvents) await Promise.race(inflight);
    }
    await Promise.all(inflight);
  }

  private async write(subs: Submission[]): Promise<void> {
    let count = 0;
    for (const s of subs) count += s.count;
    this.sink.received(count);
    try {
      const r = await this.handOver(subs);
      this.sink.sent(count);
      for (const s of subs) s.resolve({ stored: s.count, batches: r.batches });
    } catch (err) {
      this.sink.error((err as { code?: string }).code ?? 'write', 'append');
      this.sink.dropped(count, 'store_write_failed', false);
      for (const s of subs) s.reject(err);
    }
  }

  /**
   * Hands the submissions' encoded events to the store and lets go of them: the text then lives only as long as it
   * takes to post it to the store's writer, and dies young instead of surviving in the heap until the commit (at tens
   * of thousands of events a second that was most of what the young generation copied and promoted).
   */
  private handOver(subs: readonly Submission[]): Promise<AppendResult> {
    const all = subs.length === 1 ? (subs[0] as Submission).encoded : subs.flatMap((s) => s.encoded);
    // later submissions of the same key carry the newer value
    const state = new Map<string, string>();
    for (const s of subs) {
      if (s.state) state.set(s.state.key, s.state.value);
      s.encoded = [];
    }
    return this.opts.store.appendEncoded(all, state.size > 0 ? { state: [...state].map(([key, value]) => ({ key, value })) } : {});
  }

  /** Events waiting for the store and the queue's capacity (read-only; sources use it to refuse work when full). */
  queueFill(): { size: number; capacity: number } {
    return { size: this.queue.size, capacity: this.opts.queueEvents };
  }

  /** Stops taking submissions and waits until everything already accepted is stored. */
  async drain(): Promise<void> {
    this.queue.close();
    await this.loop;
  }
}
