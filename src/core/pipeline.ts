import { isParseFailure, normalizeEvent, type EcsEvent } from '../schema/event.js';
import type { AppendEvent, AppendResult, EncodedEvents, Store } from '../store/store.js';
import type { RawRecord, Parser, StreamTransform } from './component.js';
import { errorMessage } from './errors.js';
import { BoundedQueue } from './queue.js';
import type { Telemetry } from './telemetry.js';

/**
 * Events carried together through detection and encoding (see submitSliced). Sixteen loggen events encode to about
 * 11,000 characters: one chunk of the store's encoding (at most ENCODED_CHUNK_CHARS, 16,384).
 */
const SLICE_EVENTS = 16;

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
    const parser = this.opts.parser;
    let failures = 0;
    const result = this.submitSliced(
      records.length,
      (i) => {
        const raw = parser.parse(records[i] as RawRecord);
        if (isParseFailure(raw)) failures++;
        return normalizeEvent(raw, now, 'generic', { expand: false });
      },
      state,
      false,
    );
    this.parse.received(records.length);
    this.parse.sent(records.length);
    // A parse failure is kept (raw, tagged), not dropped: it counts as an error of the parse stage.
    if (failures > 0) this.parse.error('parse_failure', 'parse', failures);
    return result;
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
    return this.submitSliced(docs.length, (i) => normalizeEvent(docs[i] as EcsEvent, now, defaultDataset), undefined, options.urgent === true);
  }

  /**
   * Makes the `count` events of one submission (`event(i)`: parsed, normalized) and carries them through the stream
   * transforms and the store's encoding SLICE_EVENTS at a time, so that an event is detected on and encoded while the
   * core's caches still hold it (a stage over a whole socket read of events reads them back from memory: 7–8 % more
   * time for the three stages together, in one process). Resolves once the store has committed all of them.
   */
  private submitSliced(count: number, event: (i: number) => AppendEvent, state: { key: string; value: string } | undefined, urgent: boolean): Promise<AppendResult> {
    if (count === 0) return Promise.resolve({ stored: 0, batches: [] });
    const encoded: EncodedEvents[] = [];
    for (let from = 0; from < count; from += SLICE_EVENTS) {
      const n = Math.min(SLICE_EVENTS, count - from);
      const events = new Array<AppendEvent>(n);
      for (let i = 0; i < n; i++) events[i] = event(from + i);
      this.transform(events);
      let chunks: EncodedEvents[];
      try {
        chunks = this.opts.store.encode(events);
      } catch (err) {
        // nothing of this submission is stored
        this.sink.error('encode', 'append');
        this.sink.dropped(count, 'store_write_failed', false);
        return Promise.reject(err instanceof Error ? err : new Error(String(err)));
      }
      for (const c of chunks) encoded.push(c);
    }
    return new Promise<AppendResult>((resolve, reject) => {
      const sub: Submission = { encoded, count, resolve, reject, ...(state ? { state } : {}) };
      if (urgent) this.queue.pushUrgent(sub, count);
      else this.queue.push(sub, count).catch(reject);
      this.opts.telemetry.queueDepth.set({ queue: 'store' }, this.queue.size);
    });
  }

  /** The stream transforms (detection) over events about to be stored; one that throws is counted and passed by. */
  private transform(events: readonly AppendEvent[]): void {
    if (this.opts.transforms.length === 0) return;
    const docs = events.map((e) => e.event);
    for (const t of this.opts.transforms) {
      try {
        t.process(docs);
      } catch (err) {
        this.opts.telemetry.component(t.name, 'transform').error(errorMessage(err).slice(0, 60), 'process');
      }
    }
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
