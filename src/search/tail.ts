import type { StreamTransform } from '../core/component.js';
import type { Expr } from '../query/ast.js';
import { compileFilter } from '../query/compile.js';
import { evaluate, type EvalSource } from '../query/evaluate.js';
import { QueryError } from '../query/errors.js';
import { parseQuery } from '../query/parser.js';
import type { SqlTarget } from '../query/target.js';
import { getPathParts, type EcsEvent } from '../schema/event.js';
import { F } from '../schema/fields.js';
import { fieldType, isArrayField } from '../schema/types.js';
import { textMatches } from '../store/sqlite/text.js';
import type { Store } from '../store/store.js';
import { plan } from './plan.js';

/** Events a live-tail client may have waiting at most; beyond it new matches are counted as missed. */
export const TAIL_BUFFER_EVENTS = 1000;
/** Bytes of waiting events per client at most. */
export const TAIL_BUFFER_BYTES = 4 * 1024 * 1024;
/** Live-tail clients at once at most. */
export const MAX_TAIL_CLIENTS = 64;

const PARTS = new Map<string, string[]>();
function parts(field: string): string[] {
  let p = PARTS.get(field);
  if (!p) {
    if (PARTS.size > 10_000) PARTS.clear();
    p = field.split('.');
    PARTS.set(field, p);
  }
  return p;
}

/** An ECS event as the filter evaluator sees it, with the store's field types and full-text rules. */
export function eventSource(event: EcsEvent): EvalSource {
  return {
    get: (f) => getPathParts(event, parts(f)),
    type: fieldType,
    isArray: isArrayField,
    text: ({ value, prefix }) => {
      const m = event[F.message];
      return typeof m === 'string' && textMatches(m, value, prefix);
    },
  };
}

/** Where the store's compiler would find fields: used only to check a filter before evaluating it in memory. */
const CHECK_TARGET: SqlTarget = {
  field: (name) => ({ kind: 'scalar', sql: 'x', type: fieldType(name) }),
  text: () => ({ sql: '1', params: [] }),
};

/** Parses a live-tail filter: a filter, optionally with `where` stages (and-ed in); nothing that aggregates. */
export function tailFilter(q: string): Expr {
  const query = parseQuery(q);
  const bad = query.stages.find((s) => s.kind !== 'where');
  if (bad) throw new QueryError('VIGIL_ERR_QUERY_UNSUPPORTED', `live tail takes a filter; '${bad.kind}' is not available there`, bad.pos.start);
  const filter = plan(query).filter;
  compileFilter(filter, CHECK_TARGET);
  return filter;
}

/** One client's bounded queue of matching events (as JSON text), and the count of those it missed. */
export class TailSubscription {
  private queue: string[] = [];
  private bytes = 0;
  missed = 0;
  closed = false;

  constructor(
    readonly filter: Expr,
    private readonly onData: () => void,
    private readonly capacity = TAIL_BUFFER_EVENTS,
    private readonly maxBytes = TAIL_BUFFER_BYTES,
  ) {}

  offer(event: EcsEvent): void {
    if (!evaluate(this.filter, eventSource(event))) return;
    if (this.queue.length >= this.capacity || this.bytes >= this.maxBytes) {
      this.missed++;
    } else {
      const text = JSON.stringify(event);
      this.queue.push(text);
      this.bytes += text.length;
    }
    this.onData();
  }

  /** Takes what is waiting: the events, and how many were missed since the last take. */
  take(max = Infinity): { events: string[]; missed: number } {
    const events = max >= this.queue.length ? this.queue : this.queue.slice(0, max);
    this.queue = max >= this.queue.length ? [] : this.queue.slice(max);
    this.bytes = this.queue.reduce((n, s) => n + s.length, 0);
    const missed = this.missed;
    this.missed = 0;
    return { events, missed };
  }

  get pending(): number {
    return this.queue.length;
  }
}

/**
 * The live tail: a stream transform that offers every event to each subscribed client's filter before the event is
 * stored. It never waits for a client: a client that does not keep up loses events from its bounded queue and is
 * told how many.
 */
export class TailHub implements StreamTransform {
  readonly name = 'live_tail';
  private readonly subs = new Set<TailSubscription>();

  process(events: readonly EcsEvent[]): void {
    if (this.subs.size === 0) return;
    for (const sub of this.subs) {
      for (const e of events) {
        try {
          sub.offer(e);
        } catch {
          // a filter that cannot be decided for one odd event skips that event, never the batch
        }
      }
    }
  }

  subscribe(filter: Expr, onData: () => void, capacity?: number): TailSubscription {
    if (this.subs.size >= MAX_TAIL_CLIENTS) {
      throw new QueryError('VIGIL_ERR_QUERY_BUDGET', `too many live-tail clients (at most ${MAX_TAIL_CLIENTS})`, 0);
    }
    const sub = new TailSubscription(filter, onData, capacity);
    this.subs.add(sub);
    return sub;
  }

  unsubscribe(sub: TailSubscription): void {
    sub.closed = true;
    this.subs.delete(sub);
  }

  get clients(): number {
    return this.subs.size;
  }
}

const HUBS = new WeakMap<Store, TailHub>();

/** The live-tail hub of a store: the pipeline in front of the store feeds it, the stream endpoint reads it. */
export function tailHubFor(store: Store): TailHub {
  let hub = HUBS.get(store);
  if (!hub) {
    hub = new TailHub();
    HUBS.set(store, hub);
  }
  return hub;
}
